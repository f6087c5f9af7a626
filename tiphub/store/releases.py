"""Reading and writing differentially private releases and the privacy-budget ledger.

The ledger is append-only: a ``budget`` entry sets a dataset's (ε, δ) (the newest counts),
each ``spend`` entry records the ρ one release cost. A release and its spend are written in
one transaction by the caller, so neither exists without the other.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from tiphub.errors import NotFound
from tiphub.store import schema as t

DELETED = "deleted"  # a deleted draft: a tombstone that no listing or lookup returns

#: columns of a release listed without its (possibly large) tables and synthetic file
SUMMARY_COLUMNS = ("id", "dataset", "status", "epsilon", "delta", "rho", "parameters",
                   "report_public", "created_by", "created_at", "published_at")


def budget(conn: Connection, dataset: str, *, lock: bool = False) -> dict[str, Any] | None:
    """The newest budget entry of ``dataset`` (``lock``: held until the transaction ends)."""
    c = t.privacy_ledger.c
    query = (select(t.privacy_ledger).where(c.dataset == dataset, c.entry == "budget")
             .order_by(c.id.desc()).limit(1))
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    return dict(row._mapping) if row else None


def spends(conn: Connection, dataset: str, entry: str = "spend") -> list[dict[str, Any]]:
    """The ledger's spends: ``"spend"`` (ρ, zCDP) or ``"spend-dp"`` ((ε, δ) of a mechanism
    that is only approximately DP, such as pac-synth)."""
    c = t.privacy_ledger.c
    query = select(t.privacy_ledger).where(c.dataset == dataset, c.entry == entry).order_by(c.id)
    return [dict(r._mapping) for r in conn.execute(query)]


def add_entry(conn: Connection, dataset: str, entry: str, *, epsilon: float, delta: float,
              rho: float, actor: str, release_id: int | None = None) -> int:
    return int(conn.execute(insert(t.privacy_ledger).values(
        dataset=dataset, entry=entry, epsilon=epsilon, delta=delta, rho=rho, actor=actor,
        release_id=release_id, created_at=datetime.now(UTC))).inserted_primary_key[0])


def add_release(conn: Connection, values: dict[str, Any]) -> int:
    row = {**values, "status": "draft", "created_at": datetime.now(UTC)}
    for key in ("parameters", "tables", "report_internal", "report_public"):
        row[key] = json.dumps(row[key], ensure_ascii=False)
    return int(conn.execute(insert(t.releases).values(**row)).inserted_primary_key[0])


def _decode(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    for key in ("parameters", "tables", "report_internal", "report_public"):
        if key in data:
            data[key] = json.loads(data[key])
    for key in ("created_at", "published_at"):
        if data.get(key) is not None and data[key].tzinfo is None:
            data[key] = data[key].replace(tzinfo=UTC)
    return data


def releases(conn: Connection, *, status: str | None = None) -> list[dict[str, Any]]:
    """Releases, newest first, without their tables and synthetic file."""
    c = t.releases.c
    query = select(*[c[k] for k in SUMMARY_COLUMNS]).order_by(c.id.desc())
    if status is not None:
        query = query.where(c.status == status)
    else:
        query = query.where(c.status != DELETED)
    return [_decode(r) for r in conn.execute(query)]


def release(conn: Connection, release_id: int, *, lock: bool = False) -> dict[str, Any]:
    query = select(t.releases).where(t.releases.c.id == release_id)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None or row.status == DELETED:
        raise NotFound(f"no release {release_id}", hint="tiphub release list shows them")
    return _decode(row)


def delete_draft(conn: Connection, release_id: int) -> bool:
    """Delete a draft: its tables, synthetic file and reports are erased, and the row stays as
    a tombstone (status ``deleted``) so that the ledger's spend still names what it paid for.
    False if it was not a draft (published meanwhile, or already deleted)."""
    c = t.releases.c
    done = conn.execute(update(t.releases).where(c.id == release_id, c.status == "draft")
                        .values(status=DELETED, tables="[]", synthetic_csv=None,
                                report_internal="{}", report_public="{}"))
    return done.rowcount == 1


def publish(conn: Connection, release_id: int) -> bool:
    """Mark a draft published; False if it was not a draft any more (a concurrent publish)."""
    c = t.releases.c
    done = conn.execute(update(t.releases).where(c.id == release_id, c.status == "draft")
                        .values(status="published", published_at=datetime.now(UTC)))
    return done.rowcount == 1


def record_rows(conn: Connection, columns: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """The named analytic columns of every active case record (the dataset a release reads)."""
    c = t.case_records.c
    s = t.submissions.c
    query = (select(*[c[k] for k in columns]).join(t.submissions, s.id == c.submission_id)
             .where(s.status == "active"))
    return [tuple(r) for r in conn.execute(query)]
