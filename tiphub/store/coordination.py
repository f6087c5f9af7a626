"""Reading and writing the directory and programmes (5W) of the coordination space."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from tiphub.records import Organisation, Programme
from tiphub.store import schema as t
from tiphub.store.repo import bump_data_version, organisation_by_id

#: Programme columns stored as JSON lists.
LIST_COLUMNS = ("funders", "partners", "target_sexes", "target_ages", "target_industries")


def directory(conn: Connection, *, kind: str | None = None, country: str | None = None,
              member: bool | None = None) -> list[Organisation]:
    c = t.organisations.c
    query = select(t.organisations).order_by(c.code)
    if kind is not None:
        query = query.where(c.kind == kind)
    if country is not None:
        query = query.where(c.country == country)
    if member is not None:
        query = query.where(c.member == member)
    return [Organisation.model_validate(r._mapping) for r in conn.execute(query)]


def add_entry(conn: Connection, code: str, values: dict[str, Any]) -> Organisation:
    """A new directory entry (``values`` already checked; code checked by the caller)."""
    new_id = conn.execute(insert(t.organisations).values(
        code=code, created_at=datetime.now(UTC), **values)).inserted_primary_key[0]
    bump_data_version(conn)  # organisation codes label the breakdowns
    return organisation_by_id(conn, new_id)


def update_entry(conn: Connection, org_id: int, values: dict[str, Any]) -> Organisation:
    if values:
        conn.execute(update(t.organisations).where(t.organisations.c.id == org_id).values(**values))
        if "name" in values:
            bump_data_version(conn)
    return organisation_by_id(conn, org_id)


def _programme(row: Any, codes: dict[int, str]) -> Programme:
    data = dict(row._mapping)
    for name in LIST_COLUMNS:
        data[name] = json.loads(data[name])
    data["organisation"] = codes[data.pop("organisation_id")]
    return Programme.model_validate(data)


def programmes(conn: Connection, *, country: str | None = None, pillar: str | None = None,
               intervention: str | None = None, org_id: int | None = None,
               year: int | None = None) -> list[Programme]:
    """Programmes, by implementer code then programme code. ``year``: those running at some
    time in that year (a missing start or end date leaves the period open on that side)."""
    c = t.programmes.c
    o = t.organisations.c
    query = (select(t.programmes).join(t.organisations, o.id == c.organisation_id)
             .order_by(o.code, c.code))
    for column, value in ((c.country, country), (c.pillar, pillar),
                          (c.intervention, intervention), (c.organisation_id, org_id)):
        if value is not None:
            query = query.where(column == value)
    if year is not None:
        query = query.where(or_(c.start_date.is_(None), c.start_date <= date(year, 12, 31)),
                            or_(c.end_date.is_(None), c.end_date >= date(year, 1, 1)))
    codes = dict(conn.execute(select(o.id, o.code)).all())
    return [_programme(r, codes) for r in conn.execute(query)]


def upsert_programmes(conn: Connection, rows: list[dict[str, Any]]) -> tuple[int, int, int]:
    """Insert or update programmes by (implementer, code); returns created, updated, unchanged.

    ``rows`` hold the table's columns (lists as Python lists). Runs inside the caller's
    transaction: one import, one transaction."""
    c = t.programmes.c
    org_ids = sorted({r["organisation_id"] for r in rows})
    existing = {(r.organisation_id, r.code): r for r in conn.execute(
        select(t.programmes).where(c.organisation_id.in_(org_ids)))} if org_ids else {}
    now = datetime.now(UTC)
    created: list[dict[str, Any]] = []
    updated = unchanged = 0
    for row in rows:
        values = {k: (json.dumps(v, ensure_ascii=False) if k in LIST_COLUMNS else v)
                  for k, v in row.items()}
        old = existing.get((row["organisation_id"], row["code"]))
        if old is None:
            created.append(values | {"created_at": now, "updated_at": now})
        elif any(getattr(old, k) != v for k, v in values.items()):
            conn.execute(update(t.programmes).where(c.id == old.id)
                         .values(**values, updated_at=now))
            updated += 1
        else:
            unchanged += 1
    if created:
        conn.execute(insert(t.programmes), created)
    return len(created), updated, unchanged


def programme(conn: Connection, programme_id: int) -> Programme | None:
    """One programme, or None."""
    row = conn.execute(select(t.programmes).where(t.programmes.c.id == programme_id)).first()
    if row is None:
        return None
    codes = dict(conn.execute(select(t.organisations.c.id, t.organisations.c.code)).all())
    return _programme(row, codes)


def programme_organisation(conn: Connection, programme_id: int) -> int | None:
    """The implementer's id of a programme, or None when there is no such programme."""
    return conn.execute(select(t.programmes.c.organisation_id)
                        .where(t.programmes.c.id == programme_id)).scalar()


def delete_programme(conn: Connection, programme_id: int) -> None:
    """Delete a programme with its indicators and their measurements (inside the caller's
    transaction; not left to ON DELETE CASCADE, which a database may not enforce)."""
    indicator_ids = select(t.indicators.c.id).where(t.indicators.c.programme_id == programme_id)
    conn.execute(delete(t.indicator_measurements)
                 .where(t.indicator_measurements.c.indicator_id.in_(indicator_ids)))
    conn.execute(delete(t.indicators).where(t.indicators.c.programme_id == programme_id))
    conn.execute(delete(t.programmes).where(t.programmes.c.id == programme_id))
