"""Reading and writing organisations, submissions and quarantine (SQL lives in store/ only)."""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from tiphub.errors import Conflict, InvalidInput, NotFound
from tiphub.records import Organisation, Submission
from tiphub.store import schema as t
from tiphub.vocab.codes import htcds

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def add_organisation(conn: Connection, code: str, name: str, type: str,
                     country: str | None) -> Organisation:
    if not CODE.match(code):
        raise InvalidInput(
            "an organisation code is 1–64 lower-case letters, digits, '-' or '_'",
            hint="for example: police-north",
        )
    types = htcds()["org_Type"]
    if type not in types:
        raise InvalidInput(f"unknown organisation type {type!r}", hint=f"accepted: {', '.join(types)}")
    try:
        with conn.begin_nested():
            new_id = conn.execute(
                insert(t.organisations).values(
                    code=code, name=name, type=type, country=country,
                    created_at=datetime.now(UTC),
                )
            ).inserted_primary_key[0]
    except IntegrityError:
        raise Conflict(f"organisation {code!r} already exists") from None
    bump_data_version(conn)  # organisation codes label the breakdowns
    return organisation_by_id(conn, new_id)


def organisation_by_id(conn: Connection, org_id: int) -> Organisation:
    row = conn.execute(select(t.organisations).where(t.organisations.c.id == org_id)).first()
    if row is None:
        raise NotFound(f"organisation {org_id} not found")
    return Organisation.model_validate(row._mapping)


def organisation(conn: Connection, code: str) -> Organisation:
    row = conn.execute(select(t.organisations).where(t.organisations.c.code == code)).first()
    if row is None:
        raise NotFound(
            f"organisation {code!r} not found",
            hint="`tiphub org list` shows them; `tiphub org add CODE --name ... --type ...` adds one",
        )
    return Organisation.model_validate(row._mapping)


def organisations(conn: Connection) -> list[Organisation]:
    rows = conn.execute(select(t.organisations).order_by(t.organisations.c.code))
    return [Organisation.model_validate(r._mapping) for r in rows]


def submissions(conn: Connection, org_id: int | None = None) -> list[Submission]:
    query = select(t.submissions).order_by(t.submissions.c.id)
    if org_id is not None:
        query = query.where(t.submissions.c.organisation_id == org_id)
    return [Submission.model_validate(r._mapping) for r in conn.execute(query)]


def submission(conn: Connection, sub_id: int) -> Submission:
    row = conn.execute(select(t.submissions).where(t.submissions.c.id == sub_id)).first()
    if row is None:
        raise NotFound(f"submission {sub_id} not found", hint="`tiphub submissions` lists them")
    return Submission.model_validate(row._mapping)


def quarantine(conn: Connection, sub_id: int) -> list[dict[str, Any]]:
    """Quarantined rows of one submission: row number, cells (identifying columns removed),
    and the problems found."""
    rows = conn.execute(
        select(t.quarantine).where(t.quarantine.c.submission_id == sub_id)
        .order_by(t.quarantine.c.row_number)
    )
    return [
        {"row": r.row_number, "values": json.loads(r.row_values), "problems": json.loads(r.problems)}
        for r in rows
    ]


def counts(conn: Connection) -> dict[str, int]:
    return {
        name: conn.execute(select(func.count()).select_from(table)).scalar_one()
        for name, table in (("organisations", t.organisations), ("submissions", t.submissions),
                            ("case_records", t.case_records),
                            ("country_aggregates", t.country_aggregates),
                            ("quarantined_rows", t.quarantine))
    }


def aggregate_rows(conn: Connection, iso3: str, indicator: str) -> list[Any]:
    c = t.country_aggregates.c
    return list(conn.execute(
        select(t.country_aggregates).join(t.submissions, t.submissions.c.id == c.submission_id)
        .where(c.iso3 == iso3, c.indicator == indicator, t.submissions.c.status == "active")
    ))


def has_records(conn: Connection, country: str | None) -> bool:
    query = select(t.case_records.c.id).limit(1)
    if country:
        query = query.where(t.case_records.c.country_of_exploitation == country)
    return conn.execute(query).first() is not None


def record_countries(conn: Connection) -> list[tuple[str, int]]:
    c = t.case_records.c
    rows = conn.execute(
        select(c.country_of_exploitation, func.count()).group_by(c.country_of_exploitation)
        .order_by(func.count().desc())
    )
    return [(r[0], r[1]) for r in rows if r[0] and r[0] != "unknown"]


def data_version(conn: Connection) -> str:
    """A value that changes whenever the data behind the statistics changes."""
    value = conn.execute(select(t.hub_state.c.value)
                         .where(t.hub_state.c.key == "data_version")).scalar()
    return value or "0"


def bump_data_version(conn: Connection) -> None:
    """Mark the statistics stale (inside the transaction that changes the data)."""
    current = int(data_version(conn))
    if current == 0:
        try:
            with conn.begin_nested():
                conn.execute(insert(t.hub_state).values(key="data_version", value="1"))
            return
        except IntegrityError:
            current = int(data_version(conn))
    conn.execute(update(t.hub_state).where(t.hub_state.c.key == "data_version")
                 .values(value=str(current + 1)))


def state_secret(conn: Connection, key: str) -> bytes:
    """A random secret kept in the database, made on first use (e.g. the rounding key)."""
    row = conn.execute(select(t.hub_state.c.value).where(t.hub_state.c.key == key)).first()
    if row is not None:
        return bytes.fromhex(row[0])
    value = secrets.token_hex(32)
    try:
        with conn.begin_nested():
            conn.execute(insert(t.hub_state).values(key=key, value=value))
    except IntegrityError:  # another process made it first
        return state_secret(conn, key)
    return bytes.fromhex(value)


# -- submissions as an import writes them ------------------------------------------------------


def active_submission_by_sha(conn: Connection, org_id: int, sha: str) -> Submission | None:
    """The organisation's active submission of the file with this sha256, if any."""
    c = t.submissions.c
    row = conn.execute(select(t.submissions).where(
        c.organisation_id == org_id, c.sha256 == sha, c.status == "active")).first()
    return Submission.model_validate(row._mapping) if row else None


def check_replaceable(conn: Connection, sub_id: int, org_id: int) -> None:
    row = conn.execute(select(t.submissions).where(t.submissions.c.id == sub_id)).first()
    if row is None or row.organisation_id != org_id:
        raise NotFound(f"submission {sub_id} of this organisation not found",
                       hint="`tiphub submissions --org ORG` lists them")
    if row.status != "active":
        raise Conflict(f"submission {sub_id} was already replaced")


def create_submission(conn: Connection, **values: Any) -> int:
    values.update(received_at=datetime.now(UTC), rows_total=0, rows_accepted=0,
                  rows_quarantined=0, status="active")
    return conn.execute(insert(t.submissions).values(**values)).inserted_primary_key[0]


def finish_submission(conn: Connection, sub_id: int, total: int, accepted: int,
                      quarantined: int, report: str) -> None:
    conn.execute(update(t.submissions).where(t.submissions.c.id == sub_id).values(
        rows_total=total, rows_accepted=accepted, rows_quarantined=quarantined, report=report))
    bump_data_version(conn)


def submission_report(conn: Connection, sub_id: int) -> str | None:
    """The stored import report (JSON) of a submission."""
    return conn.execute(select(t.submissions.c.report).where(t.submissions.c.id == sub_id)).scalar()


def retire_submission(conn: Connection, sub_id: int) -> None:
    """Mark a submission replaced and drop what it contributed (its provenance row stays)."""
    for table in (t.case_records, t.stat_cubes, t.country_aggregates, t.quarantine):
        conn.execute(delete(table).where(table.c.submission_id == sub_id))
    conn.execute(update(t.submissions).where(t.submissions.c.id == sub_id).values(status="replaced"))
    bump_data_version(conn)


# -- statistics ---------------------------------------------------------------------------------


def grouped_counts(conn: Connection, cols: list[str], where: dict[str, Any], *,
                   cube: str | None) -> list[tuple[Any, ...]]:
    """``(values of cols..., count)`` of the records with ``column == value`` for each item of
    ``where`` — read from the summary cube ``cube`` when given, else from the records."""
    table = t.stat_cubes if cube else t.case_records
    count = func.sum(table.c.n) if cube else func.count()
    clauses = [table.c[col] == value for col, value in where.items()]
    if cube:
        clauses.append(table.c.cube == cube)
    query = select(*[table.c[c] for c in cols], count).where(*clauses)
    if cols:
        query = query.group_by(*[table.c[c] for c in cols])
    return [(*r[:-1], int(r[-1] or 0)) for r in conn.execute(query)]


def records_page(conn: Connection, org_id: int, *, page: int,
                 per_page: int) -> tuple[int, list[dict[str, Any]]]:
    """One page of an organisation's active case records, oldest first."""
    c = t.case_records.c
    where = [c.organisation_id == org_id]
    total = conn.execute(select(func.count()).select_from(t.case_records).where(*where)).scalar_one()
    rows = conn.execute(select(t.case_records).where(*where).order_by(c.id)
                        .limit(per_page).offset((page - 1) * per_page))
    return total, [dict(r._mapping) for r in rows]
