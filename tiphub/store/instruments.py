"""Reading and writing the status of countries with the tracked instruments (``treaty_status``).

One row per (country, instrument). An import replaces, for every (country, instrument) its file
covers, the row held before; rows the file does not mention stay as they are (a CSV kept by hand
may cover a few countries only). The caller runs :func:`replace_statuses` inside its
transaction: one file, one transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select

from tiphub.coordination.treaties import TreatyStatus
from tiphub.store import schema as t


def _facts(record: TreatyStatus) -> tuple[Any, ...]:
    return record.signed, record.consent, record.consent_type, record.withdrawn, record.participant


def replace_statuses(
    conn: Connection, records: list[TreatyStatus], *, source: str, imported_by: str
) -> tuple[int, int, int]:
    """Store every record of one file, replacing what was held for the same country and
    instrument; returns (created, updated, unchanged). A record whose facts are what the hub
    already holds is left as it is (its source and import time too), so importing the same file
    again changes nothing."""
    if not records:
        return 0, 0, 0
    c = t.treaty_status.c
    keys = {(r.country, r.instrument) for r in records}
    held = {}
    for row in conn.execute(select(t.treaty_status).where(c.instrument.in_({k[1] for k in keys}))):
        if (row.country, row.instrument) in keys:
            held[(row.country, row.instrument)] = row
    now = datetime.now(UTC)
    created = updated = unchanged = 0
    replaced: list[tuple[str, str]] = []
    rows: list[dict[str, Any]] = []
    for record in records:
        key = (record.country, record.instrument)
        before = held.get(key)
        if before is not None:
            if (
                before.signed,
                before.consent,
                before.consent_type,
                before.withdrawn,
                before.participant,
            ) == _facts(record):
                unchanged += 1
                continue
            replaced.append(key)
            updated += 1
        else:
            created += 1
        rows.append(
            {
                "country": key[0],
                "instrument": key[1],
                "signed": record.signed,
                "consent": record.consent,
                "consent_type": record.consent_type,
                "withdrawn": record.withdrawn,
                "source": source[:300],
                "participant": (record.participant or "")[:200] or None,
                "imported_by": imported_by[:320],
                "imported_at": now,
            }
        )
    if replaced:
        conn.execute(
            delete(t.treaty_status).where(
                c.country == bindparam("k_country"), c.instrument == bindparam("k_instrument")
            ),
            [{"k_country": k[0], "k_instrument": k[1]} for k in replaced],
        )
    if rows:
        conn.execute(insert(t.treaty_status), rows)
    return created, updated, unchanged


def statuses(
    conn: Connection, *, country: str | None = None, instrument: str | None = None
) -> list[dict[str, Any]]:
    """The stored rows as dicts (tiphub codes, dates as dates), by country then instrument.
    ``imported_by`` is left out: the status table is public, who imported it is not."""
    c = t.treaty_status.c
    query = select(
        c.country,
        c.instrument,
        c.signed,
        c.consent,
        c.consent_type,
        c.withdrawn,
        c.source,
        c.participant,
        c.imported_at,
    ).order_by(c.country, c.instrument)
    if country is not None:
        query = query.where(c.country == country)
    if instrument is not None:
        query = query.where(c.instrument == instrument)
    return [dict(row._mapping) for row in conn.execute(query)]


def sources(conn: Connection) -> dict[str, list[tuple[str, datetime]]]:
    """Per instrument id, the files its rows came from with the latest import time of each."""
    c = t.treaty_status.c
    result: dict[str, list[tuple[str, datetime]]] = {}
    query = (
        select(c.instrument, c.source, c.imported_at)
        .group_by(c.instrument, c.source, c.imported_at)
        .order_by(c.instrument, c.source)
    )
    latest: dict[tuple[str, str], datetime] = {}
    for instrument_id, source, at in conn.execute(query):
        key = (instrument_id, source)
        if key not in latest or at > latest[key]:
            latest[key] = at
    for (instrument_id, source), at in sorted(latest.items()):
        result.setdefault(instrument_id, []).append((source, at))
    return result
