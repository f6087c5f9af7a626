"""One report section per statistics table: a chart, the table itself, the completeness of
its fields and its notes — or a short line when the data held cannot give the table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from tiphub.errors import InvalidInput, NotFound
from tiphub.reports import views as v
from tiphub.reports.charts import Group, Series, bar_chart, line_chart
from tiphub.reports.flows import Link, flow_chart
from tiphub.stats import StatTable

MAX_ORIGINS = 12
TREND_GROUPS = ("women", "girls", "men", "boys", "other", "total")
NO_CHART = "Every cell of this table is withheld or zero, so no chart is drawn."

ChartResult = tuple[Markup | None, str | None]
ChartFn = Callable[[str, str, StatTable, str], ChartResult]


@dataclass
class Section:
    slug: str
    heading: str
    intro: str
    chart: Markup | None = None
    chart_note: str | None = None
    grid: v.Grid | None = None
    completeness: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    source: str | None = None
    unavailable: str | None = None
    table: StatTable | None = None


def fetch(hub: Any, table: str, country: str | None,
          by: str | None = None) -> tuple[StatTable | None, str | None]:
    """``hub.stats(...)``, or the reason it cannot be had from the data held."""
    try:
        result = hub.stats(table, country=country, by=by)
    except (NotFound, InvalidInput) as exc:
        return None, exc.message
    if not result.rows:
        return None, "no record holds this information"
    return result, None


def caption(table: StatTable, place: str) -> str:
    year = table.filters.get("year")
    where = f"{place}, {year}" if year else place
    origin = " (UNODC Global Report)" if table.source != "case records" else ""
    by = f", by {table.column_dimension.lower()}" if table.by else ""
    return f"{table.title}, {where}{by}{origin}"


def fill(section: Section, table: StatTable, title: str, chart: ChartFn | None, cid: str,
         place: str, label: v.Labeller = v.key_label, *, shares: bool = True) -> Section:
    """Put a fetched table, its chart and its metadata into ``section``."""
    if chart is not None:
        section.chart, section.chart_note = chart(cid, title, table, place)
    section.grid = v.grid(table, title, label, shares=shares)
    section.completeness = v.completeness(table)
    section.notes = list(table.notes)
    section.source = table.source
    section.table = table
    return section


# -- charts per table ---------------------------------------------------------------------


def sex_age_chart(cid: str, title: str, table: StatTable, place: str) -> ChartResult:
    groups = [Group(v.key_label(row), tuple(v.datum(v.key_label(col), cell, share=False)
                                            for col, cell in zip(table.columns, cells, strict=True)))
              for row, cells in zip(table.rows, table.cells, strict=True)]
    return _bars(cid, title, groups, [c for cells in table.cells for c in cells])


def forms_chart(cid: str, title: str, table: StatTable, place: str) -> ChartResult:
    cells = [c for row in table.cells for c in row] + table.row_totals
    share = v.shares_usable(cells)
    rows = [v.key_label(k) for k in table.rows]
    groups = [Group("All detected victims",
                    tuple(v.datum(r, c, share=share) for r, c in zip(rows, table.row_totals,
                                                                      strict=True)))]
    for j, col in enumerate(table.columns):
        items = tuple(v.datum(r, table.cells[i][j], share=share) for i, r in enumerate(rows))
        groups.append(Group(v.key_label(col), items))
    return _bars(cid, title, groups, cells)


def single_bars(cid: str, title: str, table: StatTable, place: str) -> ChartResult:
    cells = [row[0] for row in table.cells]
    share = v.shares_usable(cells)
    items = tuple(v.datum(v.key_label(k), c, share=share)
                  for k, c in zip(table.rows, cells, strict=True))
    return _bars(cid, title, [Group(None, items)], cells)


def _bars(cid: str, title: str, groups: list[Group], cells: list[Any]) -> ChartResult:
    if not v.any_published(cells):
        return None, NO_CHART
    return bar_chart(cid, title, groups), None


def flows_chart(cid: str, title: str, table: StatTable, place: str) -> ChartResult:
    if not v.any_published([c for row in table.cells for c in row]):
        return None, NO_CHART
    order = sorted(range(len(table.rows)), key=lambda i: -(table.row_totals[i].count or -1))
    kept = order[:MAX_ORIGINS]
    sources = [v.datum(v.key_label(table.rows[i]), table.row_totals[i], share=False) for i in kept]
    targets = [v.datum(_target_label(k, place), t, share=False)
               for k, t in zip(table.columns, table.column_totals, strict=True)]
    links = [Link(s, j, v.datum(f"{sources[s].label} to {targets[j].label}", cell, share=False))
             for s, i in enumerate(kept) for j, cell in enumerate(table.cells[i])
             if cell.suppressed or cell.count]
    note = None
    if len(order) > len(kept):
        note = (f"The chart shows the {len(kept)} origins with the most detected victims; "
                f"all {len(order)} are in the table.")
    return flow_chart(cid, title, sources, targets, links), note


def _target_label(key: Any, place: str) -> str:
    return f"Detected in {place}" if key.code == "total" else v.key_label(key)


def trends_chart(cid: str, title: str, table: StatTable, place: str) -> ChartResult:
    keep = [i for i, k in enumerate(table.rows) if k.code not in v.GAPS]
    if not keep:
        return None, "No year of registration is recorded, so no chart is drawn."
    xs = [table.rows[i].label for i in keep]
    series = []
    if not v.single_column(table):
        series.append(_series("All detected victims", xs, [table.row_totals[i] for i in keep]))
    for j, col in enumerate(table.columns):
        if col.code in TREND_GROUPS:
            label = "Detected victims" if col.code == "total" else v.key_label(col)
            series.append(_series(label, xs, [table.cells[i][j] for i in keep]))
    drawn = [s for s in series if any(p.value for p in s.points)]
    if not drawn:
        return None, NO_CHART
    left_out = len(table.columns) + (not v.single_column(table)) - len(drawn)
    note = ("Groups whose sex or age was not recorded, and groups with no published figure, "
            "are in the table only.") if left_out else None
    return line_chart(cid, title, drawn), note


def _series(label: str, xs: list[str], cells: list[Any]) -> Series:
    return Series(label, tuple(v.datum(x, c, share=False) for x, c in zip(xs, cells, strict=True)))


# -- the table sections -------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    table: str
    slug: str
    heading: str
    intro: str
    chart: ChartFn
    shares: bool = True  # a share column for one-column tables (not for years)


SPECS = (
    Spec("sex-age", "sex-age", "Sex and age",
         "Detected victims by sex and by age group (children are under 18).", sex_age_chart),
    Spec("forms", "forms", "Forms of exploitation",
         "The forms of exploitation victims were detected in, for all victims and for each sex "
         "and age group. One victim can be exploited in several forms.", forms_chart),
    Spec("means", "means", "Means of control",
         "How traffickers controlled victims, among the victims for whom any means of control "
         "was recorded. Several means can be recorded for one victim.", single_bars),
    Spec("recruiters", "recruiters", "Relation to the recruiter",
         "Who recruited the victim, among the victims for whom the relation was recorded.",
         single_bars),
    Spec("flows", "flows", "Origins and flows",
         "Where detected victims came from and whether they were exploited in their own "
         "country, elsewhere in their region or in another region.", flows_chart),
    Spec("trends", "trends", "Trends",
         "Detected victims by year of registration. Changes over time often follow how much "
         "effort went into detecting and recording victims, not how many there were.",
         trends_chart, shares=False),
)


def table_section(hub: Any, spec: Spec, country: str | None, place: str, cid: str) -> Section:
    section = Section(spec.slug, spec.heading, spec.intro)
    table, problem = fetch(hub, spec.table, country)
    if table is None:
        section.unavailable = problem
        return section
    return fill(section, table, caption(table, place), spec.chart, cid, place,
                shares=spec.shares)


def table_sections(hub: Any, country: str | None, place: str) -> list[Section]:
    return [table_section(hub, spec, country, place, f"chart-{spec.slug}") for spec in SPECS]
