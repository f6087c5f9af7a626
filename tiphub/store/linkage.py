"""Reading and writing encodings, link runs and their persons (SQL lives in store/ only)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from tiphub.errors import NotFound
from tiphub.records import LinkRun
from tiphub.store import schema as t


def encoded_inputs(conn: Connection, organisation_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """The active submissions that carry encodings, oldest first, with their organisation."""
    s, e, o = t.submissions, t.encoded_submissions, t.organisations
    query = (select(s.c.id, s.c.sha256, s.c.file_name, s.c.organisation_id, o.c.code,
                    e.c.schema_fingerprint, e.c.filter_bits, e.c.records_encoded)
             .join(e, e.c.submission_id == s.c.id).join(o, o.c.id == s.c.organisation_id)
             .where(s.c.status == "active").order_by(s.c.id))
    if organisation_ids is not None:
        query = query.where(s.c.organisation_id.in_(list(organisation_ids)))
    return [dict(r._mapping) for r in conn.execute(query)]


def iter_encodings(conn: Connection, submission_id: int, chunk: int = 50_000
                   ) -> Iterator[list[tuple[int, bytes]]]:
    """(row_number, clk) of one submission, in row order, a chunk at a time."""
    result = conn.execution_options(stream_results=True, yield_per=chunk).execute(
        select(t.encodings.c.row_number, t.encodings.c.clk)
        .where(t.encodings.c.submission_id == submission_id)
        .order_by(t.encodings.c.row_number))
    for part in result.partitions(chunk):
        yield [(r[0], bytes(r[1])) for r in part]


def unencoded_rows(conn: Connection, submission_id: int) -> list[int]:
    """Row numbers of a submission's records that carry no encoding, in order."""
    c, e = t.case_records, t.encodings
    query = (select(c.c.row_number).outerjoin(
        e, (e.c.submission_id == c.c.submission_id) & (e.c.row_number == c.c.row_number))
        .where(c.c.submission_id == submission_id, e.c.row_number.is_(None)).order_by(c.c.row_number))
    return [int(r) for (r,) in conn.execute(query)]


def run_by_inputs_key(conn: Connection, key: str) -> LinkRun | None:
    row = conn.execute(select(t.link_runs).where(t.link_runs.c.inputs_key == key)
                       .order_by(t.link_runs.c.id.desc())).first()
    return _run(row) if row is not None else None


def create_run(conn: Connection, values: dict[str, Any],
               members: Sequence[tuple[int, int, int]], bulk_insert: Any) -> int:
    """Store a run and its (submission_id, row_number, person) members in the caller's transaction."""
    stored = dict(values)
    for key in ("inputs", "parameters", "warnings"):
        stored[key] = json.dumps(stored[key], sort_keys=True)
    run_id = conn.execute(t.link_runs.insert().values(**stored)).inserted_primary_key[0]
    bulk_insert(conn, t.link_members, ("run_id", "submission_id", "row_number", "person"),
                ((run_id, s, r, p) for s, r, p in members))
    return int(run_id)


def runs(conn: Connection, limit: int = 50) -> list[LinkRun]:
    rows = conn.execute(select(t.link_runs).order_by(t.link_runs.c.id.desc()).limit(limit))
    return [_run(r) for r in rows]


def run(conn: Connection, run_id: int | None = None) -> LinkRun:
    """Run ``run_id``, or the newest run when it is None."""
    query = select(t.link_runs)
    query = (query.where(t.link_runs.c.id == run_id) if run_id is not None
             else query.order_by(t.link_runs.c.id.desc()).limit(1))
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"link run {run_id} not found" if run_id is not None else "no link run yet",
                       hint="`tiphub link` links the encoded submissions; `tiphub link runs` lists runs")
    return _run(row)


def person_organisations(conn: Connection, run_id: int) -> list[tuple[int, int]]:
    """(person, organisation_id) for every person of a run and every organisation holding it."""
    m, s = t.link_members, t.submissions
    query = (select(m.c.person, s.c.organisation_id).distinct()
             .join(s, s.c.id == m.c.submission_id).where(m.c.run_id == run_id))
    return [(int(p), int(o)) for p, o in conn.execute(query)]


def records_per_organisation(conn: Connection, run_id: int) -> dict[int, int]:
    """Records per organisation in a run (every member, encoded or not)."""
    m, s = t.link_members, t.submissions
    query = (select(s.c.organisation_id, func.count()).join(s, s.c.id == m.c.submission_id)
             .where(m.c.run_id == run_id).group_by(s.c.organisation_id))
    return {int(o): int(n) for o, n in conn.execute(query)}


def person_values(conn: Connection, run_id: int, column: str) -> list[tuple[int, str | None]]:
    """(person, value of a case-record column) for every record of a run."""
    m, c = t.link_members, t.case_records
    query = (select(m.c.person, c.c[column])
             .join(c, (c.c.submission_id == m.c.submission_id) & (c.c.row_number == m.c.row_number))
             .where(m.c.run_id == run_id))
    return [(int(p), v) for p, v in conn.execute(query)]


def members_of_organisation(conn: Connection, run_id: int, organisation_id: int
                            ) -> list[tuple[str | None, int, int]]:
    """(local record id, row_number, person) of one organisation's records in a run."""
    m, s, c = t.link_members, t.submissions, t.case_records
    query = (select(c.c.local_id, m.c.row_number, m.c.person)
             .join(s, s.c.id == m.c.submission_id)
             .join(c, (c.c.submission_id == m.c.submission_id) & (c.c.row_number == m.c.row_number))
             .where(m.c.run_id == run_id, s.c.organisation_id == organisation_id)
             .order_by(m.c.submission_id, m.c.row_number))
    return [(r[0], int(r[1]), int(r[2])) for r in conn.execute(query)]


def _run(row: Any) -> LinkRun:
    data = dict(row._mapping)
    for key in ("inputs", "parameters", "warnings"):
        data[key] = json.loads(data[key])
    data.pop("inputs_key", None)
    return LinkRun.model_validate(data)
