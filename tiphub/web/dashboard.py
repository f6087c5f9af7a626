"""The dashboard's sections: each protected table from ``hub.stats`` with its chart
(:mod:`tiphub.web.charts`), its table of display strings, completeness and notes, in the page's
language. Withheld cells keep their mark and never get a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from tiphub.accounts import Principal
from tiphub.errors import InvalidInput, NotFound
from tiphub.hub import Hub
from tiphub.reports import views as v
from tiphub.reports.svg import percent
from tiphub.stats import Cell, Key, StatTable
from tiphub.vocab import geo
from tiphub.web import i18n
from tiphub.web.charts import (
    ChartFn,
    flows_chart,
    forms_chart,
    localise_svg,
    sex_age_chart,
    single_bars,
    totals_chart,
    trends_chart,
)
from tiphub.web.core_strings import note
from tiphub.web.i18n import N_, _, core

ISO3 = re.compile(r"^[A-Z]{3}$")


# -- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    country: str | None = None  # ISO alpha-3
    region: str | None = None  # UN M49 region
    year: int | None = None

    def params(self, **extra: Any) -> dict[str, Any]:
        pairs = {"country": self.country, "region": self.region, "year": self.year, **extra}
        return {k: value for k, value in pairs.items() if value not in (None, "")}

    def query(self, **extra: Any) -> str:
        return urlencode(self.params(**extra))

    def place(self) -> str:
        if self.country:
            return country(self.country)
        if self.region:
            return core(self.region)
        return _("all countries")

    def describe(self) -> str:
        if self.year is not None:
            return _("%(place)s, %(year)s", place=self.place(), year=self.year)
        return self.place()


def parse_filters(country_code: str | None, region: str | None,
                  year: str | None) -> tuple[Filters, list[str]]:
    """The filters of a dashboard request, and what is wrong with them (in words)."""
    errors = []
    code = (country_code or "").strip().upper() or None
    if code and not _is_country(code):
        errors.append(_("Choose a country from the list."))
        code = None
    region = (region or "").strip() or None
    if region and region not in geo.regions():
        errors.append(_("Choose a region from the list."))
        region = None
    number = None
    if (year or "").strip():
        text = (year or "").strip()
        if text.isdigit() and 1900 <= int(text) <= 2200:
            number = int(text)
        else:
            errors.append(_("The year is a number such as 2021."))
    return Filters(code, region, number), errors


def _is_country(code: str) -> bool:
    try:
        geo.country_by_iso3(code)
    except KeyError:
        return False
    return bool(ISO3.match(code))


def country(iso3: str) -> str:
    return i18n.country_name(v.country_name(iso3))


def country_options(with_records: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Countries for the filter: those with case records first, then every country."""
    named = sorted(((c.iso3, country(c.iso3)) for c in geo.countries()), key=lambda p: p[1])
    held = sorted(((code, country(code)) for code in with_records if _is_country(code)),
                  key=lambda p: p[1])
    return [(_("Countries with case records"), held), (_("All countries"), named)]


def region_options() -> list[tuple[str, str]]:
    return [(name, core(name)) for name in geo.regions()]


# -- labels, numbers and grids ------------------------------------------------------------


def label(key: Key, names: dict[str, str] | None = None) -> str:
    """A row or column label: a country's name, an organisation's name (``names``: by code),
    or a core label translated."""
    if key.label == key.code and ISO3.match(key.code):
        return country(key.code)
    if names and key.label in names:
        return names[key.label]
    return core(key.label)


def localise(table: StatTable, names: dict[str, str] | None = None) -> StatTable:
    """``table`` with its words in the page's language (counts untouched)."""
    organisations = names if table.by == "organisation" else None
    return table.model_copy(update={
        "title": core(table.title),
        "row_dimension": core(table.row_dimension),
        "column_dimension": core(table.column_dimension),
        "rows": [Key(code=k.code, label=label(k)) for k in table.rows],
        "columns": [Key(code=k.code, label=label(k, organisations)) for k in table.columns],
    })


def shown(cell: Cell) -> v.CellView:
    if cell.suppressed:
        return v.CellView(cell.display, withheld=True)
    text = i18n.number(int(cell.display)) if cell.display.isdigit() else cell.display
    return v.CellView(text)


def grid(table: StatTable, caption: str, *, shares: bool = True) -> v.Grid:
    """The protected table as printed (display strings only), like the report's."""
    footer_label = _("Records (denominator)") if table.multi_response else _("Total")
    if v.single_column(table):
        extra = (lambda c: [_share(c)]) if shares else (lambda c: [])
        rows = [(k.label, [shown(c[0]), *extra(t)])
                for k, c, t in zip(table.rows, table.cells, table.row_totals, strict=True)]
        footer = (footer_label, [shown(table.total), *([v.CellView("")] if shares else [])])
        columns = [_("Detected victims"), *([_("Share")] if shares else [])]
        return v.Grid(caption, table.row_dimension, columns, rows, footer)
    rows = [(k.label, [*map(shown, cells), shown(t)])
            for k, cells, t in zip(table.rows, table.cells, table.row_totals, strict=True)]
    footer = (footer_label, [*map(shown, table.column_totals), shown(table.total)])
    columns = [c.label for c in table.columns] + [_("Total")]
    return v.Grid(caption, table.row_dimension, columns, rows, footer)


def _share(cell: Cell) -> v.CellView:
    if cell.suppressed or cell.share is None:
        return v.CellView("–")
    return v.CellView(percent(cell.share))


def completeness(table: StatTable) -> list[tuple[str, str]]:
    out = []
    for name, share in table.completeness.items():
        text = (_("%(share)s known", share=percent(share)) if share is not None
                else _("withheld (too few records)"))
        out.append((core(v.FIELD_LABELS.get(name, name.replace("_", " ").capitalize())), text))
    return out


# -- sections -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    table: str
    slug: str
    heading: str
    intro: str
    chart: ChartFn
    by: str | None = None
    shares: bool = True


SPECS = (
    Spec("sex-age", "sex-age", N_("Sex and age"),
         N_("Detected victims by sex and by age group (children are under 18)."), sex_age_chart),
    Spec("forms", "forms", N_("Forms of exploitation"),
         N_("The forms of exploitation victims were detected in, for all victims and for each sex "
            "and age group. One victim can be exploited in several forms."), forms_chart),
    Spec("means", "means", N_("Means of control"),
         N_("How traffickers controlled victims, among the victims for whom any means of control "
            "was recorded. Several means can be recorded for one victim."), single_bars),
    Spec("recruiters", "recruiters", N_("Relation to the recruiter"),
         N_("Who recruited the victim, among the victims for whom the relation was recorded."),
         single_bars),
    Spec("flows", "flows", N_("Origins and flows"),
         N_("Where detected victims came from and whether they were exploited in their own "
            "country, elsewhere in their region or in another region."), flows_chart),
    Spec("trends", "trends", N_("Trends"),
         N_("Detected victims by year of registration. Changes over time often follow how much "
            "effort went into detecting and recording victims, not how many there were."),
         trends_chart, shares=False),
)
BREAKDOWNS = (
    Spec("sex-age", "by-organisation", N_("By organisation"),
         N_("Detected victims by sex for each organisation, because one large source can "
            "dominate the totals and their patterns."), totals_chart, by="organisation"),
    Spec("sex-age", "by-data-source", N_("By data source"),
         N_("Detected victims by sex for each kind of data source (case management, hotline, "
            "police records and others)."), totals_chart, by="data_source"),
)


@dataclass
class Section:
    slug: str
    heading: str
    intro: str
    csv: str
    chart: Markup | None = None
    chart_note: str | None = None
    grid: v.Grid | None = None
    completeness: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, bool]] = field(default_factory=list)
    aggregates: bool = False
    unavailable: str | None = None
    reason: str | None = None  # the core's reason, in English


def section(hub: Hub, principal: Principal, spec: Spec, filters: Filters,
            names: dict[str, str] | None = None) -> Section:
    """One table: ``hub.stats`` with the request's principal, drawn and described."""
    csv = f"/api/v1/stats/{spec.table}?{filters.query(by=spec.by, format='csv')}"
    out = Section(spec.slug, _(spec.heading), _(spec.intro), csv)
    try:
        raw = hub.stats(spec.table, country=filters.country, region=filters.region,
                        year=filters.year, by=spec.by, principal=principal)
    except (NotFound, InvalidInput) as exc:
        out.unavailable, out.reason = _("Not available for these filters."), exc.message
        return out
    if not raw.rows:
        out.unavailable = _("No record holds this information.")
        return out
    table = localise(raw, names)
    title = _("%(title)s — %(where)s", title=table.title, where=filters.describe())
    if spec.by:
        title = _("%(title)s, by %(dimension)s — %(where)s", title=table.title,
                  dimension=table.column_dimension.lower(), where=filters.describe())
    chart, out.chart_note = spec.chart(f"chart-{spec.slug}", title, table, filters.place())
    out.chart = localise_svg(chart) if chart is not None else None
    out.grid = grid(table, title, shares=spec.shares)
    out.completeness = completeness(raw)
    out.notes = [note(text) for text in raw.notes]
    out.aggregates = raw.source != "case records"
    return out


def build(hub: Hub, principal: Principal, filters: Filters) -> tuple[list[Section], list[Section]]:
    """The six tables, then the breakdowns by organisation and by data source."""
    tables = [section(hub, principal, spec, filters) for spec in SPECS]
    names = {o.code: f"{o.name} ({o.code})" for o in hub.organisations(principal=principal)}
    return tables, [section(hub, principal, spec, filters, names) for spec in BREAKDOWNS]
