"""The dashboard's charts: the report's inline SVG charts (:mod:`tiphub.reports.charts`,
:mod:`tiphub.reports.flows`), fed with labels and numbers in the page's language.

Drawn on the server, so they need no JavaScript and nothing from the network. A withheld cell
gets no value: only its mark, drawn as a hatched box that its size never depends on.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from tiphub.reports import views as v
from tiphub.reports.charts import Group, Series, bar_chart, line_chart
from tiphub.reports.flows import Link, flow_chart
from tiphub.reports.sections import MAX_ORIGINS, TREND_GROUPS
from tiphub.reports.svg import Datum, percent
from tiphub.stats import Cell, StatTable
from tiphub.web import i18n
from tiphub.web.i18n import _

ChartResult = tuple[Markup | None, str | None]
ChartFn = Callable[[str, str, StatTable, str], ChartResult]


def datum(text: str, cell: Cell, *, share: bool) -> Datum:
    """A cell as a chart value; a withheld cell gets no value, only its mark."""
    if cell.suppressed or cell.count is None:
        return Datum(text, None, cell.display)
    if share and cell.share is not None:
        return Datum(text, cell.share, f"{percent(cell.share)} ({i18n.number(cell.count)})")
    return Datum(text, float(cell.count), i18n.number(cell.count))


def _bars(cid: str, title: str, groups: list[Group], cells: list[Cell]) -> ChartResult:
    if not v.any_published(cells):
        return None, _("Every cell of this table is withheld or zero, so no chart is drawn.")
    return bar_chart(cid, title, groups), None


def sex_age_chart(cid: str, title: str, t: StatTable, place: str) -> ChartResult:
    groups = [Group(row.label, tuple(datum(col.label, cell, share=False)
                                     for col, cell in zip(t.columns, cells, strict=True)))
              for row, cells in zip(t.rows, t.cells, strict=True)]
    return _bars(cid, title, groups, [c for cells in t.cells for c in cells])


def forms_chart(cid: str, title: str, t: StatTable, place: str) -> ChartResult:
    cells = [c for row in t.cells for c in row] + t.row_totals
    share = v.shares_usable(cells)
    rows = [k.label for k in t.rows]
    groups = [Group(_("All detected victims"),
                    tuple(datum(r, c, share=share) for r, c in zip(rows, t.row_totals, strict=True)))]
    for j, col in enumerate(t.columns):
        groups.append(Group(col.label, tuple(datum(r, t.cells[i][j], share=share)
                                             for i, r in enumerate(rows))))
    return _bars(cid, title, groups, cells)


def single_bars(cid: str, title: str, t: StatTable, place: str) -> ChartResult:
    cells = [row[0] for row in t.cells]
    share = v.shares_usable(cells)
    items = tuple(datum(k.label, c, share=share) for k, c in zip(t.rows, cells, strict=True))
    return _bars(cid, title, [Group(None, items)], cells)


def totals_chart(cid: str, title: str, t: StatTable, place: str) -> ChartResult:
    """Detected victims per column (a breakdown by organisation or data source)."""
    items = tuple(datum(k.label, c, share=False)
                  for k, c in zip(t.columns, t.column_totals, strict=True))
    return _bars(cid, title, [Group(None, items)], t.column_totals)


def flows_chart(cid: str, title: str, t: StatTable, place: str) -> ChartResult:
    if not v.any_published([c for row in t.cells for c in row]):
        return None, _("Every cell of this table is withheld or zero, so no chart is drawn.")
    order = sorted(range(len(t.rows)), key=lambda i: -(t.row_totals[i].count or -1))
    kept = order[:MAX_ORIGINS]
    sources = [datum(t.rows[i].label, t.row_totals[i], share=False) for i in kept]
    targets = [datum(_("Detected in %(place)s", place=place) if k.code == "total" else k.label,
                     total, share=False)
               for k, total in zip(t.columns, t.column_totals, strict=True)]
    links = [Link(s, j, datum(_("%(origin)s to %(target)s", origin=sources[s].label,
                                target=targets[j].label), cell, share=False))
             for s, i in enumerate(kept) for j, cell in enumerate(t.cells[i])
             if cell.suppressed or cell.count]
    note_text = None
    if len(order) > len(kept):
        note_text = _("The chart shows the %(shown)s origins with the most detected victims; all "
                      "%(all)s are in the table.", shown=len(kept), all=len(order))
    return flow_chart(cid, title, sources, targets, links), note_text


def trends_chart(cid: str, title: str, t: StatTable, place: str) -> ChartResult:
    keep = [i for i, k in enumerate(t.rows) if k.code not in v.GAPS]
    if not keep:
        return None, _("No year of registration is recorded, so no chart is drawn.")
    xs = [t.rows[i].label for i in keep]

    def series(name: str, cells: list[Cell]) -> Series:
        return Series(name, tuple(datum(x, c, share=False) for x, c in zip(xs, cells, strict=True)))

    lines = [] if v.single_column(t) else [series(_("All detected victims"),
                                                  [t.row_totals[i] for i in keep])]
    for j, col in enumerate(t.columns):
        if col.code in TREND_GROUPS:
            name = _("Detected victims") if col.code == "total" else col.label
            lines.append(series(name, [t.cells[i][j] for i in keep]))
    drawn = [s for s in lines if any(p.value for p in s.points)]
    if not drawn:
        return None, _("Every cell of this table is withheld or zero, so no chart is drawn.")
    left_out = len(t.columns) + (not v.single_column(t)) - len(drawn)
    note_text = _("Groups whose sex or age was not recorded, and groups with no published figure, "
                  "are in the table only.") if left_out else None
    return line_chart(cid, title, drawn), note_text


def localise_svg(svg: Markup) -> Markup:
    """The few words the report's chart code writes itself ("withheld", "From:"), in the page's
    language."""
    if i18n.current() == i18n.DEFAULT:
        return svg
    words = {name: str(escape(text)) for name, text in (
        ("withheld", _("withheld")), ("label", _("Withheld:")), ("from", _("From:")),
        ("to", _("To:")), ("flows", _("Flows:")))}
    pairs = (("(withheld)", f"({words['withheld']})"),
             (", withheld</title>", f", {words['withheld']}</title>"),
             (">Withheld:</text>", f">{words['label']}</text>"),
             (". From: ", f". {words['from']} "), ("; To: ", f"; {words['to']} "),
             ("; Flows: ", f"; {words['flows']} "))
    text = str(svg)
    for english, translated in pairs:
        text = text.replace(english, translated)
    return Markup(text)
