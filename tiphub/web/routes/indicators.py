"""Indicators: programme logframes with baseline, target, latest value, an inline SVG progress
bar and a status badge in words; the HXL import form (for the stewards of an organisation);
and the country indicators of the Global Plan of Action appraisal for a chosen country."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from babel.dates import format_date
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from markupsafe import Markup

from tiphub.accounts import Principal
from tiphub.api.deps import HubDep
from tiphub.api.uploads import indicators_upload
from tiphub.errors import InvalidInput, NotFound
from tiphub.hub import Hub
from tiphub.reports.svg import esc, n
from tiphub.vocab import geo
from tiphub.web.deps import User
from tiphub.web.i18n import N_, _, core, current, locale, percent
from tiphub.web.imports import import_form, managed
from tiphub.web.pages import render
from tiphub.web.views import country

router = APIRouter()
Param = Annotated[str, Query(max_length=100)]

STATUS_NAMES = {"achieved": N_("Achieved"), "on_track": N_("On track"),
                "at_risk": N_("At risk"), "off_track": N_("Off track"),
                "no_data": N_("No data"), "not_started": N_("Not started")}
LEVEL_NAMES = {"outcome": N_("Outcome"), "output": N_("Output")}
DIRECTION_NAMES = {"increase": N_("to increase"), "decrease": N_("to decrease")}
SEX_NAMES = {"all": N_("all sexes"), "female": N_("female"), "male": N_("male")}
AGE_NAMES = {"all": N_("all ages"), "children": N_("children"), "adults": N_("adults")}
COUNTRY_INDICATOR_NAMES = {"victims_detected": N_("Victims detected"),
                           "persons_prosecuted": N_("Persons prosecuted"),
                           "persons_convicted": N_("Persons convicted")}
SOURCE_NAMES = {"case_records": N_("case records in the hub"),
                "global_report": N_("UNODC Global Report")}
COLUMNS = (("victims_detected", "case_records"), ("victims_detected", "global_report"),
           ("persons_prosecuted", "global_report"), ("persons_convicted", "global_report"))
BAR_WIDTH, BAR_HEIGHT = 120, 16


def progress_bar(progress: dict[str, Any]) -> Markup:
    """A small inline SVG bar: the share of the baseline → target distance done, and a tick
    where the straight line from baseline to target says it should be. Colours come from the
    status's CSS class; the words are in the bar's label and beside it."""
    done, expected = progress.get("achieved_share"), progress.get("expected_share")
    if progress["status"] in ("no_data", "not_started") or (done is None and expected is None):
        return Markup("")
    if done is None:  # a zero-distance target: all or nothing
        done = 1.0 if progress["status"] == "achieved" else 0.0
    shown = min(1.0, max(0.0, done))
    words = _("%(done)s of the way from baseline to target", done=percent(done, 0))
    if expected is not None and progress["status"] != "achieved":
        words += "; " + _("%(expected)s expected by the latest measurement",
                          expected=percent(expected, 0))
    inner = BAR_WIDTH - 2
    parts = [f'<svg class="progress-bar status-{esc(progress["status"])}" '
             f'viewBox="0 0 {BAR_WIDTH} {BAR_HEIGHT}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
             f'role="img" aria-label="{esc(words)}"><title>{esc(words)}</title>',
             f'<rect class="track" x="0.5" y="2.5" width="{BAR_WIDTH - 1}" '
             f'height="{BAR_HEIGHT - 5}"/>']
    if shown > 0:
        parts.append(f'<rect class="done" x="1" y="3" width="{n(inner * shown)}" '
                     f'height="{BAR_HEIGHT - 6}"/>')
    if expected is not None and progress["status"] != "achieved":
        x = 1 + inner * min(1.0, max(0.0, expected))
        parts.append(f'<line class="expected" x1="{n(x)}" y1="0" x2="{n(x)}" '
                     f'y2="{BAR_HEIGHT}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isdigit() and len(text) == 4):
        raise InvalidInput("a year is four digits, e.g. 2024")
    return int(text)


def _page(request: Request, hub: Hub, who: Principal, filters: dict[str, str],
          status: int = 200, **extra: Any) -> Response:
    error = hint = None
    found: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] | None = None
    everything = hub.indicators(who)
    try:
        found = hub.indicators(who, country=filters["country"] or None,
                               org=filters["org"] or None)
        if filters["country"]:
            figures = hub.country_indicators(who, country=filters["country"],
                                             year=_year(filters["year"]))
    except (InvalidInput, NotFound) as exc:
        error, hint, status = core(exc.message), core(exc.hint), 422
    programmes: dict[tuple[str, str], dict[str, Any]] = {}
    for ind in found:
        group = programmes.setdefault((ind["organisation"], ind["programme"]), {
            "organisation": ind["organisation"], "code": ind["programme"],
            "name": ind["programme_name"], "country": ind["country"], "indicators": []})
        group["indicators"].append(ind)
    counts = {s: sum(1 for i in found if i["progress"]["status"] == s) for s in STATUS_NAMES}
    codes = {i["organisation"] for i in everything}
    implementers = sorted(((e.code, e.name) for e in hub.directory(principal=who)
                           if e.code in codes), key=lambda pair: pair[1].casefold())
    context = {
        "programmes": list(programmes.values()), "shown": len(found), "total": len(everything),
        "counts": counts, "filters": filters, "figures": figures,
        "countries": sorted(((c.iso3, country(c.iso3)) for c in geo.countries()),
                            key=lambda pair: pair[1].casefold()),
        "implementers": implementers,
        "managed": managed(hub, who), "chosen_org": "", "report": None, "problems": None,
        "error": error, "hint": hint, "notice": None,
        "STATUS_NAMES": STATUS_NAMES, "LEVEL_NAMES": LEVEL_NAMES,
        "DIRECTION_NAMES": DIRECTION_NAMES, "SEX_NAMES": SEX_NAMES, "AGE_NAMES": AGE_NAMES,
        "COUNTRY_INDICATOR_NAMES": COUNTRY_INDICATOR_NAMES, "SOURCE_NAMES": SOURCE_NAMES,
        "progress_bar": progress_bar, "latest_cells": latest_cells, "reason": reason,
        "table": by_year(figures) if figures else None, **extra,
    }
    return render(request, "indicators.html", status=status, **context)


#: :data:`tiphub.coordination.indicators.REASONS`, marked for translation (a test keeps them equal)
REASON_TEXTS = {
    "before_baseline": N_("the baseline date (%(baseline_date)s) is still to come"),
    "no_measurement": N_("no measurement of the total since the baseline"),
    "reached": N_("the target was reached by %(date)s"),
    "level_not_kept": N_("the level to keep was not kept"),
    "deadline_passed": N_("the target date (%(target_date)s) has passed without the target reached"),
    "share": N_("%(done)s of the way done where %(expected)s was expected"),
}


def reason(progress: dict[str, Any]) -> str:
    """Why the indicator has its status, in the page's language (dates and shares formatted)."""
    values = {key: percent(value, 0) if isinstance(value, float) else
              format_date(date.fromisoformat(value), format="medium", locale=locale(current()))
              for key, value in progress["why_values"].items()}
    return _(REASON_TEXTS[progress["why"]], **values)


def by_year(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """The country indicators as a table: one row per year (newest first), one column per
    indicator and source present."""
    cells = {(f["year"], f["indicator"], f["source_kind"]): f for f in figures}
    columns = [c for c in COLUMNS if any((i, k) == c for _, i, k in cells)]
    years = sorted({f["year"] for f in figures}, reverse=True)
    sources = sorted({f["source"] for f in figures if f["source_kind"] == "global_report"})
    return {"columns": columns, "sources": sources,
            "rows": [(y, [cells.get((y, *c)) for c in columns]) for y in years]}


def latest_cells(indicator: dict[str, Any]) -> list[dict[str, Any]]:
    """The sex × age values measured on the latest total's date (for disaggregated
    indicators)."""
    when = indicator["latest_date"]
    return [m for m in indicator["measurements"]
            if m["measured_on"] == when and (m["sex"], m["age"]) != ("all", "all")]


def _filters(country: str = "", org: str = "", year: str = "") -> dict[str, str]:
    return {"country": country.strip().upper(), "org": org.strip(), "year": year.strip()}


@router.get("/indicators")
def indicators(request: Request, hub: HubDep, who: User, country: Param = "", org: Param = "",
               year: Param = "") -> Response:
    return _page(request, hub, who, _filters(country, org, year))


@router.post("/indicators/import")
def import_indicators(request: Request, hub: HubDep, who: User,
                      org: Annotated[str, Form(max_length=64)] = "",
                      file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Import an HXL-tagged logframe CSV: every row, or none and every problem."""
    def page(**answer: Any) -> Response:
        return _page(request, hub, who, _filters(), **answer)

    def upload(f: UploadFile) -> Any:
        return indicators_upload(hub, f.file, f.filename, org=org, principal=who)

    return import_form(page, upload, hub, who, org, file)
