"""One import: read, detect, validate every row, write accepted rows and quarantine the rest —
all in one transaction, so a failure leaves nothing behind."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from tiphub.errors import DatabaseError, FileRejected
from tiphub.ingest.profiles import detect_profile
from tiphub.ingest.readers import open_table
from tiphub.ingest.report import ProblemCollector
from tiphub.records import ImportReport, Submission
from tiphub.stats.cubes import CUBES, CubeCounter
from tiphub.store import repo
from tiphub.store import schema as t
from tiphub.store.engine import Database

Progress = Callable[[int, int], None]
HEAD_ROWS = 5
QUARANTINE_COLUMNS = ("submission_id", "row_number", "row_values", "problems")


@dataclass(frozen=True)
class ImportOptions:
    profile: str | None = None
    replaces: int | None = None
    encoding: str | None = None
    batch_size: int = 5000
    max_problems_per_rule: int = 1000
    current_year: int = field(default_factory=lambda: datetime.now(UTC).year)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    db: Database,
    path: Path,
    *,
    organisation: tuple[int, str],
    options: ImportOptions,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``path`` for ``organisation`` (id, code); see :meth:`tiphub.Hub.import_file`."""
    path = Path(path)
    org_id, org_code = organisation
    if not path.is_file():
        raise FileRejected("file not found", file=str(path))
    sha = file_sha256(path)
    with db.connect() as conn:
        existing = repo.active_submission_by_sha(conn, org_id, sha)
        if existing is not None:
            return _report_for_existing(existing, org_code)
        if options.replaces is not None:
            repo.check_replaceable(conn, options.replaces, org_id)
    source = open_table(path, encoding=options.encoding)
    head = list(islice(source.rows, HEAD_ROWS))
    if not any(any(c.strip() for c in row) for row in head):
        raise FileRejected("the file has no header row", file=path.name)
    profile, header_at = detect_profile(head, file=path.name, profile=options.profile)
    header = [h.strip().lstrip("\ufeff") for h in head[header_at]]
    mapper = profile.bind(header, file=path.name, current_year=options.current_year)
    rows = _chain(head[header_at + 1 :], source.rows)
    collector = ProblemCollector(mapper.accepted, options.max_problems_per_rule)
    for note in source.notes:
        collector.add(None, "", "reader-note", severity="warning", message=note)
    try:
        with db.begin() as conn:
            if options.replaces is not None:  # again, inside the transaction
                repo.check_replaceable(conn, options.replaces, org_id)
            sub_id = repo.create_submission(
                conn, organisation_id=org_id, file_name=path.name[:500], sha256=sha,
                profile=mapper.profile, schema_version=mapper.schema_version,
                replaces_id=options.replaces)
            counts = _stream(db, conn, mapper, rows, sub_id, org_id, collector, options,
                             lambda: progress(source.bytes_read, source.size) if progress else None)
            if counts["total"] == 0:
                raise FileRejected("the file has a header but no data rows", file=path.name)
            if getattr(mapper, "unmapped_labels", None):
                for label, n in sorted(mapper.unmapped_labels.items()):
                    collector.add(None, "Category", "unmapped-citizenship", severity="warning",
                                  message=f"citizenship label {label!r} ({n} rows) matched no "
                                  "country; stored as text with no code")
            report = ImportReport(
                submission_id=sub_id, file_name=path.name, profile=mapper.profile,
                schema_version=mapper.schema_version, organisation=org_code,
                rows_total=counts["total"], rows_accepted=counts["accepted"],
                rows_quarantined=counts["quarantined"], replaced_submission_id=options.replaces,
                withheld_columns=mapper.withheld, unmapped_columns=mapper.unmapped,
                problems=collector.listed, problems_truncated=collector.truncated,
                summary=collector.summary(),
            )
            repo.finish_submission(conn, sub_id, counts["total"], counts["accepted"],
                                   counts["quarantined"], report.model_dump_json())
            if options.replaces is not None:
                repo.retire_submission(conn, options.replaces)
            if counts["accepted"] > 100_000:
                db.dialect.analyse(conn)
    except DBAPIError:
        # the driver's message may quote a cell: say what happened, not what was in it
        raise DatabaseError(
            f"{path.name}: the database refused the file's data; nothing was stored",
            hint="look for NUL characters or unusually long cells, or run with TIPHUB_DEBUG=1",
        ) from None
    finally:
        source.close()
    if progress:
        progress(source.size, source.size)
    return report


def _chain(first: list[list[str]], rest: Any) -> Any:
    yield from first
    yield from rest


def _stream(db: Database, conn: Any, mapper: Any, rows: Any, sub_id: int, org_id: int,
            collector: ProblemCollector, options: ImportOptions,
            tick: Callable[[], None]) -> dict[str, int]:
    target = t.case_records if mapper.target == "case_records" else t.country_aggregates
    columns = tuple(mapper.columns)
    mapper.start(sub_id, org_id)
    convert, add = mapper.convert, collector.add
    cubes = CubeCounter(columns) if target is t.case_records else None

    sidecar = getattr(mapper, "sidecar", None)

    def write(item: tuple[Any, tuple[str, ...], list[Any]]) -> None:
        table, cols, batch = item
        db.dialect.bulk_insert(conn, table, cols, batch)
        if table is target:
            if cubes is not None:
                cubes.add(batch)
            if sidecar is not None:
                db.dialect.bulk_insert(conn, sidecar.table, sidecar.columns, sidecar.drain())

    batch: list[Any] = []
    held: list[tuple] = []
    total = accepted = quarantined = blank = 0
    size = options.batch_size
    for number, row in enumerate(rows, start=1):
        if not any(row):
            blank += 1
            continue
        total += 1
        rec, problems = convert(row, number)
        if rec is not None:
            batch.append(rec)
            if len(batch) >= size:
                write((target, columns, batch))
                accepted += len(batch)
                batch = []
                tick()
            continue
        quarantined += 1
        for column, rule in problems:
            add(number, column, rule)
        held.append((sub_id, number, json.dumps(mapper.keepable(row), ensure_ascii=False),
                     json.dumps([{"column": c, "rule": r} for c, r in problems])))
        if len(held) >= size:
            write((t.quarantine, QUARANTINE_COLUMNS, held))
            held = []
    for table, cols, rest in ((target, columns, batch), (t.quarantine, QUARANTINE_COLUMNS, held)):
        if rest:
            write((table, cols, rest))
    accepted += len(batch)
    if cubes is not None:
        for name, cube_rows in cubes.rows(sub_id).items():
            db.dialect.bulk_insert(conn, t.stat_cubes, ("submission_id", "cube", *CUBES[name], "n"),
                                   cube_rows)
    if sidecar is not None:
        sidecar.finish(conn, sub_id)
        for note in sidecar.notes():
            collector.add(None, "", "records-without-encoding", severity="warning", message=note)
    if blank:
        collector.add(None, "", "blank-rows", severity="warning",
                      message=f"{blank} empty row(s) skipped")
    return {"total": total, "accepted": accepted, "quarantined": quarantined}


def _report_for_existing(sub: Submission, org_code: str) -> ImportReport:
    if sub.report:
        return ImportReport.model_validate_json(sub.report).model_copy(
            update={"already_imported": True})
    return ImportReport(
        submission_id=sub.id, file_name=sub.file_name, profile=sub.profile,
        schema_version=sub.schema_version, organisation=org_code, rows_total=sub.rows_total,
        rows_accepted=sub.rows_accepted, rows_quarantined=sub.rows_quarantined,
        already_imported=True,
    )
