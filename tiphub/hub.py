"""The Hub: one object holding the open database and the settings, offering every capability
as a method. The CLI, and later the API and web pages, are thin shells over it.

>>> hub = Hub(Settings(home=Path("var")))          # doctest: +SKIP
>>> hub.import_file(Path("police.csv"), org="police")  # doctest: +SKIP
>>> hub.stats("forms", country="GBR").as_rows()      # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tiphub.accounts.methods import AccountMethods
from tiphub.accounts.policy import allowed, authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.config import Settings
from tiphub.coordination.coverage_methods import CoverageMethods
from tiphub.coordination.indicator_methods import IndicatorMethods
from tiphub.coordination.instruments_methods import InstrumentMethods
from tiphub.coordination.methods import CoordinationMethods
from tiphub.errors import Forbidden, InvalidInput, NotFound, TiphubError
from tiphub.estimation.methods import EstimationMethods
from tiphub.ingest import ImportOptions
from tiphub.ingest import import_file as _import_file
from tiphub.linkage.methods import LinkageMethods
from tiphub.records import ImportReport, Organisation, Submission
from tiphub.release.methods import ReleaseMethods
from tiphub.reports.methods import ReportMethods
from tiphub.stats import Filters, StatTable, compute, protect
from tiphub.stats.aggregates import aggregate_table
from tiphub.stats.cache import TableCache
from tiphub.store import repo
from tiphub.store.engine import Database
from tiphub.vocab import geo

Progress = Callable[[int, int], None]


class Hub(AccountMethods, LinkageMethods, EstimationMethods, CoordinationMethods,
          CoverageMethods,
          IndicatorMethods,
          InstrumentMethods,
          ReleaseMethods, ReportMethods):
    """The evidence hub of one coordination space."""

    def __init__(self, settings: Settings | None = None, *, db: str | None = None,
                 check: bool = True) -> None:
        """Open the hub's database; ``check=False`` skips the schema check (for ``db upgrade``).

        An empty database is created at the newest schema; one at an older revision is refused
        with a hint to run ``tiphub db upgrade``.
        """
        self.settings = settings or Settings()
        if db:
            self.settings = self.settings.model_copy(update={"database_url": db})
        self.db = Database(self.settings.resolved_database_url())
        self._tables = TableCache()
        if check:
            self.db.ensure_current()

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Hub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- database -------------------------------------------------------------------------

    def db_upgrade(self, revision: str = "head") -> str | None:
        """Bring the database schema to ``revision`` (default: the newest)."""
        return self.db.upgrade(revision)

    # -- organisations --------------------------------------------------------------------

    def add_organisation(self, code: str, name: str, type: str = "NGO",
                         country: str | None = None, *,
                         principal: Principal = SYSTEM) -> Organisation:
        """Register a member organisation (``type`` is an HTCDS org_Type)."""
        authorize(principal, "organisations:manage")
        iso3 = self._country(country) if country else None
        with self.db.begin() as conn:
            organisation = repo.add_organisation(conn, code, name, type, iso3)
        self.accounts.audit(principal, "organisation:create", target_type="organisation",
                            target_id=organisation.id, organisation_id=organisation.id)
        return organisation

    def organisations(self, *, principal: Principal = SYSTEM) -> list[Organisation]:
        authorize(principal, "organisations:read")
        with self.db.connect() as conn:
            return repo.organisations(conn)

    def organisation(self, code: str) -> Organisation:
        with self.db.connect() as conn:
            return repo.organisation(conn, code)

    # -- imports --------------------------------------------------------------------------

    def import_file(self, path: Path | str, org: str, profile: str | None = None,
                    replaces: int | None = None, encoding: str | None = None,
                    progress: Progress | None = None, *,
                    principal: Principal = SYSTEM) -> ImportReport:
        """Import one file for organisation ``org``; see docs/profiles.md.

        Idempotent: the same file for the same organisation returns the earlier report.
        ``replaces`` swaps an earlier submission of the organisation for this one, atomically.
        """
        organisation = self.organisation(org)
        self._authorize_audited(principal, "imports:create", organisation.id, "organisation",
                                organisation.id)
        options = ImportOptions(
            profile=profile, replaces=replaces, encoding=encoding,
            batch_size=self.settings.import_batch_size,
            max_problems_per_rule=self.settings.max_problems_per_rule,
            current_year=self.settings.current_year or datetime.now(UTC).year,
        )
        try:
            report = _import_file(self.db, Path(path),
                                  organisation=(organisation.id, organisation.code),
                                  options=options, progress=progress)
        except TiphubError as exc:
            self.accounts.audit(principal, "import:create", outcome="failed",
                                organisation_id=organisation.id,
                                detail={"file": Path(path).name, "reason": type(exc).__name__})
            raise
        self.accounts.audit(principal, "import:create", target_type="submission",
                            target_id=report.submission_id, organisation_id=organisation.id,
                            detail={"file": Path(path).name, "profile": report.profile,
                                    "accepted": report.rows_accepted,
                                    "quarantined": report.rows_quarantined,
                                    "already_imported": report.already_imported})
        return report

    def submissions(self, org: str | None = None, *,
                    principal: Principal = SYSTEM) -> list[Submission]:
        """Received files with their provenance (those of organisations ``principal`` may see)."""
        with self.db.connect() as conn:
            org_id = repo.organisation(conn, org).id if org else None
            if org_id is not None:
                authorize(principal, "submissions:read", org_id)
            return [s for s in repo.submissions(conn, org_id)
                    if allowed(principal, "submissions:read", s.organisation_id)]

    def submission(self, submission: int, *, principal: Principal = SYSTEM) -> Submission:
        with self.db.connect() as conn:
            sub = repo.submission(conn, submission)
        self._authorize_audited(principal, "submissions:read", sub.organisation_id,
                                "submission", submission)
        return sub

    def _authorize_audited(self, principal: Principal, action: str, organisation_id: int,
                           target_type: str, target_id: Any) -> None:
        """Authorize an organisation's data; a refusal is written to the audit log too."""
        try:
            authorize(principal, action, organisation_id)
        except Forbidden:
            self.accounts.audit(principal, action, outcome="denied", target_type=target_type,
                                target_id=target_id, organisation_id=organisation_id)
            raise

    def import_report(self, submission: int, *, principal: Principal = SYSTEM) -> ImportReport:
        """The validation report of an earlier import, as it was returned then."""
        sub = self.submission(submission, principal=principal)
        with self.db.connect() as conn:
            text = repo.submission_report(conn, submission)
        if text is None:
            raise NotFound(f"submission {submission} has no stored report")
        report = ImportReport.model_validate_json(text)
        return report if sub.status == "active" else report.model_copy(
            update={"rows_accepted": 0})

    def quarantine(self, submission: int, *,
                   principal: Principal = SYSTEM) -> list[dict[str, Any]]:
        """Rows of a submission that failed validation, with their problems (case-level data:
        the submitting organisation's stewards only)."""
        with self.db.connect() as conn:
            sub = repo.submission(conn, submission)
        self._authorize_audited(principal, "quarantine:read", sub.organisation_id,
                                "submission", submission)
        with self.db.connect() as conn:
            rows = repo.quarantine(conn, submission)
        self.accounts.audit(principal, "quarantine:read", target_type="submission",
                            target_id=submission, organisation_id=sub.organisation_id,
                            detail={"rows": len(rows)})
        return rows

    def records(self, org: str, page: int = 1, per_page: int = 50, *,
                principal: Principal = SYSTEM) -> dict[str, Any]:
        """One page of an organisation's case records (analytic fields only; its members only)."""
        if page < 1 or not 1 <= per_page <= 500:
            raise InvalidInput("page starts at 1; per_page is 1 to 500")
        organisation = self.organisation(org)
        self._authorize_audited(principal, "records:read", organisation.id, "organisation",
                                organisation.id)
        with self.db.connect() as conn:
            total, items = repo.records_page(conn, organisation.id, page=page, per_page=per_page)
        self.accounts.audit(principal, "records:read", target_type="organisation",
                            target_id=organisation.id, organisation_id=organisation.id,
                            detail={"page": page, "rows": len(items)})
        return {"total": total, "page": page, "per_page": per_page, "items": items}

    # -- statistics -----------------------------------------------------------------------

    def stats(self, table: str, country: str | None = None, region: str | None = None,
              year: int | None = None, by: str | None = None,
              org: str | None = None, *, principal: Principal = SYSTEM) -> StatTable:
        """A protected statistics table (``sex-age``, ``forms``, ``means``, ``recruiters``,
        ``flows``, ``trends``), filtered by country/region of exploitation and year, optionally
        broken down ``by`` organisation or data source."""
        authorize(principal, "stats:read")
        iso3 = self._country(country) if country else None
        if region and region not in geo.regions():
            raise InvalidInput(f"unknown region {region!r}", hint=f"accepted: {', '.join(geo.regions())}")
        with self.db.connect() as conn:
            org_id = repo.organisation(conn, org).id if org else None
            key = (repo.data_version(conn), table, iso3, region, year, by, org_id)
            cached = self._tables.get(key)
            if cached is not None:
                return cached
            filters = Filters(country=iso3, region=region, year=year, organisation_id=org_id,
                              organisation=org)
            if iso3 and not repo.has_records(conn, iso3) and org_id is None:
                if by is not None:
                    raise InvalidInput(
                        f"{iso3} has only Global Report figures: they have no breakdown by {by}",
                        hint="leave out --by for this country",
                    )
                result = aggregate_table(conn, table, iso3, year=year,
                                         k=self.settings.min_cell_size)
                return self._tables.put(key, result)
            raw = compute(conn, table, filters, by=by)
            labels = {"organisation": {str(o.id): o.code for o in repo.organisations(conn)}}
            rounder = self._rounder(conn)
        result = protect(raw, k=self.settings.min_cell_size, filters=filters, by=by, labels=labels,
                         rounder=rounder)
        return self._tables.put(key, result)

    def summary(self) -> dict[str, int]:
        """How much the hub holds."""
        with self.db.connect() as conn:
            return repo.counts(conn)

    def countries(self, *, principal: Principal = SYSTEM) -> list[tuple[str, int]]:
        """Countries of exploitation present in the case records, most records first (the
        counts are internal: only the codes may be shown)."""
        authorize(principal, "stats:read")
        with self.db.connect() as conn:
            return repo.record_countries(conn)

    # -- reports and demo -----------------------------------------------------------------

    def report(self, country: str | None = None, path: Path | str | None = None, *,
               principal: Principal = SYSTEM) -> Path:
        """Write the self-contained HTML profile of ``country`` (or the global one)."""
        from tiphub.reports import write_report

        authorize(principal, "reports:read")
        iso3 = self._country(country) if country else None
        name = f"tiphub-{(iso3 or 'global').lower()}.html"
        target = Path(path) if path else self.settings.home / "reports" / name
        return write_report(self, target, country=iso3)

    def demo(self, people: int = 1200, global_rows: int = 20_000, seed: int = 2024,
             progress: Progress | None = None) -> dict[str, Any]:
        """Generate the demo data, import it as its organisations would, write the report."""
        from tiphub.demo.run import run_demo

        return run_demo(self, people=people, global_rows=global_rows, seed=seed,
                        progress=progress)

    # -- helpers --------------------------------------------------------------------------

    _country = staticmethod(geo.iso3_of)
