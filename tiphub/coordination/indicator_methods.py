"""The Hub's indicator methods (mixed into :class:`tiphub.Hub`): programme logframes imported
and exported as HXL-tagged CSV, their progress against targets, and the country indicators of
the Global Plan of Action appraisal (victims detected, persons prosecuted, persons convicted)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from tiphub.accounts.policy import allowed, authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.coordination import logframes
from tiphub.coordination.coverage_methods import YEARS
from tiphub.coordination.indicators import progress
from tiphub.coordination.methods import importer, refuse_errors
from tiphub.errors import FileRejected, InvalidInput
from tiphub.records import Organisation, Problem
from tiphub.stats.aggregates import shown_figure
from tiphub.store import indicators as store
from tiphub.store import repo
from tiphub.vocab import geo

if TYPE_CHECKING:
    from tiphub.accounts.service import Accounts
    from tiphub.config import Settings
    from tiphub.stats import StatTable
    from tiphub.store.engine import Database

#: The country indicators of the appraisal: code, label, the Global Report's indicator name.
COUNTRY_INDICATORS = (
    ("victims_detected", "Victims detected", "Detected trafficking victims"),
    ("persons_prosecuted", "Persons prosecuted", "Persons prosecuted"),
    ("persons_convicted", "Persons convicted", "Persons convicted"),
)
CASE_RECORDS_SOURCE = ("case records in the hub: detected victims' records (not distinct "
                       "persons), small counts withheld and counts rounded as published")
GLOBAL_REPORT_SOURCE = "UNODC Global Report on Trafficking in Persons"


class IndicatorImportReport(BaseModel):
    """What an indicators import stored. A file with any error stores nothing: its problems
    come back in the error instead (see :class:`tiphub.errors.FileRejected`)."""

    file_name: str
    organisation: str
    rows_total: int
    indicators_created: int = 0
    indicators_updated: int = 0
    indicators_unchanged: int = 0
    measurements_created: int = 0
    measurements_updated: int = 0
    measurements_unchanged: int = 0
    ignored_columns: list[str] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list, description="Warnings only.")


class IndicatorMethods:
    db: Database
    settings: Settings
    accounts: Accounts

    def organisation(self, code: str) -> Organisation:  # provided by Hub
        raise NotImplementedError

    def stats(self, table: str, country: str | None = None, region: str | None = None,
              year: int | None = None, by: str | None = None, org: str | None = None, *,
              principal: Principal = SYSTEM) -> StatTable:  # provided by Hub
        raise NotImplementedError

    # -- logframes --------------------------------------------------------------------------

    def import_indicators(self, path: Path | str, principal: Principal = SYSTEM, *,
                          org: str) -> IndicatorImportReport:
        """Import an HXL-tagged logframe CSV (indicator definitions and measurements) for
        organisation ``org`` (the implementer of rows that name none). All or nothing: any
        error and nothing is stored; :class:`~tiphub.errors.FileRejected` carries every
        problem with its row and column."""
        path = Path(path)
        organisation = importer(self, org, principal, "indicators:import")
        try:
            table = logframes.read(path)
            with self.db.connect() as conn:
                directory = {o.code: o.id for o in repo.organisations(conn)}
                programmes = store.programme_index(conn)
            checked = logframes.check(
                table, default_org=org, directory=directory, programmes=programmes,
                may_manage=lambda oid: allowed(principal, "programmes:manage", oid))
            warnings = refuse_errors(table.problems + checked.problems, path.name)
            with self.db.begin() as conn:
                counts = store.upsert(conn, checked.indicators, checked.measurements,
                                      recorded_by=principal.name[:320])
        except FileRejected as exc:
            self.accounts.audit(principal, "indicators:import", outcome="failed",
                                organisation_id=organisation.id,
                                detail={"file": path.name, "problems": len(exc.problems)})
            raise
        rows_total = sum(1 for r in table.rows if any(r.values()))
        report = IndicatorImportReport(
            file_name=path.name, organisation=org, rows_total=rows_total, **counts,
            ignored_columns=table.ignored, problems=warnings)
        self.accounts.audit(principal, "indicators:import", target_type="organisation",
                            target_id=organisation.id, organisation_id=organisation.id,
                            detail={"file": path.name, **counts})
        return report

    def indicators(self, principal: Principal = SYSTEM, *, country: str | None = None,
                   org: str | None = None, programme: str | None = None,
                   as_of: date | None = None) -> list[dict[str, Any]]:
        """Programme indicators with their measurements and progress status on ``as_of``
        (default: today), filtered by the programme's country, implementer or code. Every
        member of the space reads them all. Dates are ISO strings (JSON-ready)."""
        authorize(principal, "programmes:read")
        iso3 = geo.iso3_of(country) if country else None
        org_id = self.organisation(org).id if org else None
        with self.db.connect() as conn:
            found = store.indicators(conn, country=iso3, org_id=org_id, programme=programme)
        return [_view(row, as_of) for row in found]

    def indicators_export(self, principal: Principal = SYSTEM, **filters: Any) -> bytes:
        """The indicators (filtered like :meth:`indicators`) as HXL-tagged CSV: one row per
        measurement, which imports again unchanged."""
        found = self.indicators(principal, **filters)
        data = logframes.to_csv(found)
        self.accounts.audit(principal, "indicators:export", target_type="indicators",
                            target_id="csv",
                            detail={"indicators": len(found)} | {k: v for k, v in filters.items()
                                                                 if v})
        return data

    def export_indicators(self, path: Path | str, principal: Principal = SYSTEM,
                          **filters: Any) -> Path:
        """Write the indicators to ``path`` as HXL-tagged CSV."""
        target = Path(path)
        data = self.indicators_export(principal, **filters)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target

    # -- the country indicators of the Global Plan of Action appraisal ----------------------

    def country_indicators(self, principal: Principal = SYSTEM, *, country: str,
                           year: int | None = None) -> list[dict[str, Any]]:
        """Victims detected, persons prosecuted and persons convicted in ``country``, per year
        (or for ``year``), each with its source: the hub's case records (published counts
        only: small counts withheld, counts rounded) and the Global Report table's rows without
        breakdown. Withheld values stay withheld (``value`` None, ``display`` the mark)."""
        authorize(principal, "stats:read")
        if year is not None and year not in YEARS:
            raise InvalidInput(f"year {year} is out of range", hint="a year from 1900 to 2100")
        iso3 = geo.iso3_of(country)
        out: list[dict[str, Any]] = []
        with self.db.connect() as conn:
            has_records = repo.has_records(conn, iso3)
            rows = store.global_report_totals(conn, iso3, tuple(g for _, _, g in COUNTRY_INDICATORS),
                                              year)
        if has_records:
            table = self.stats("trends", country=iso3, principal=principal)
            for key, cell in zip(table.rows, table.row_totals, strict=True):
                if not key.code.isdigit() or (year is not None and int(key.code) != year):
                    continue
                out.append(_country_row(iso3, int(key.code), "victims_detected", cell.count,
                                        cell.display, cell.suppressed, CASE_RECORDS_SOURCE,
                                        "case_records"))
        k = self.settings.min_cell_size
        seen: set[tuple[str, int]] = set()
        by_name = {g: code for code, _, g in COUNTRY_INDICATORS}
        for row in rows:  # newest submission first: an older edition's figure is superseded
            code = by_name[row.indicator]
            if (code, row.year) in seen:
                continue
            seen.add((code, row.year))
            source = GLOBAL_REPORT_SOURCE + (f" ({row.source})" if row.source else "")
            value, display, suppressed = shown_figure(row, k)
            out.append(_country_row(iso3, row.year, code, value, display, suppressed, source,
                                    "global_report"))
        order = [code for code, _, _ in COUNTRY_INDICATORS]
        out.sort(key=lambda r: (-r["year"], order.index(r["indicator"]),
                                r["source_kind"] != "case_records"))
        return out


def _country_row(iso3: str, year: int, code: str, value: int | None, display: str,
                 suppressed: bool, source: str, kind: str) -> dict[str, Any]:
    label = next(lbl for c, lbl, _ in COUNTRY_INDICATORS if c == code)
    return {"country": iso3, "year": year, "indicator": code, "label": label, "value": value,
            "display": display, "suppressed": suppressed, "source": source, "source_kind": kind}


def _view(row: dict[str, Any], as_of: date | None) -> dict[str, Any]:
    """An indicator as the shells see it: JSON-ready, with its latest total and progress."""
    totals = [(m["measured_on"], m["value"]) for m in row["measurements"]
              if (m["sex"], m["age"]) == ("all", "all")]
    status = progress(baseline=row["baseline"], baseline_date=row["baseline_date"],
                      target=row["target"], target_date=row["target_date"],
                      direction=row["direction"], measurements=totals, on=as_of)
    out = {k: row[k] for k in ("organisation", "programme", "programme_name", "country",
                               "pillar", "code", "level", "name", "unit", "direction",
                               "disaggregation", "baseline", "target")}
    out["baseline_date"] = row["baseline_date"].isoformat()
    out["target_date"] = row["target_date"].isoformat()
    out["measurements"] = [{**m, "measured_on": m["measured_on"].isoformat()}
                           for m in row["measurements"]]
    out["latest"] = status.latest
    out["latest_date"] = status.latest_date.isoformat() if status.latest_date else None
    out["progress"] = status.as_dict()
    return out
