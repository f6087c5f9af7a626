"""The national report: a country's contribution to the report of the Secretary-General on the
General Assembly resolution "Improving the coordination of efforts against trafficking in
persons" (A/RES/74/176), compiled from what the hub holds, as one self-contained HTML file and
a PDF printed from it.

The sections follow what the resolution asks of Member States:

1. **International instruments** — UNTOC, the Palermo trafficking Protocol, the Optional
   Protocol on the sale of children and ILO P029 (resolution paragraph 1);
2. **National mechanisms** — national rapporteurs, coordinators and referral mechanisms
   (paragraph 23);
3. **Detected victims** — the protected statistics of the country and year (cell suppression
   and secret rounding already applied by ``hub.stats``);
4. **Distinct persons and the hidden number** — the newest link run's protected summary and
   its estimate as published (rounded; never the exact overlap table);
5. **Programmes by pillar** of the Global Plan of Action;
6. **Coverage and gaps**;
7. **Indicators** — programme logframes and the country indicators of the Global Plan of Action
   appraisal.

Every section says plainly when the hub holds nothing for it. The HTML has no script and no
URL (styles and charts inline) and carries print rules (``@page``, page numbers, a cover and a
table of contents with page references) that WeasyPrint turns into the PDF.

>>> write_national(hub, "GBR", 2024, Path("out"))   # doctest: +SKIP
{'html': PosixPath('out/tiphub-national-gbr-2024.html'), 'pdf': PosixPath('out/...pdf')}
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tiphub.coordination import vocab
from tiphub.coordination.coverage import Period, active
from tiphub.errors import ConfigError, InvalidInput, NotFound, TiphubError
from tiphub.reports import views as v
from tiphub.reports.html import _environment, _estimate, _persons, _write_atomically
from tiphub.reports.sections import SPECS, Section, caption, fill
from tiphub.reports.summary import headline
from tiphub.reports.svg import number, percent
from tiphub.stats import StatTable

FIRST_YEAR = 1990
RESOLUTION = "A/RES/74/176"
RESOLUTION_TITLE = "Improving the coordination of efforts against trafficking in persons"
MECHANISM_KINDS = ("national_rapporteur", "national_coordinator", "referral_mechanism")
STATUS_LABELS = {"party": "Party", "signatory": "Signatory, not a party", "none": "Not a party"}
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


class PdfUnavailable(ConfigError):
    """The PDF cannot be printed on this machine (WeasyPrint or the system's Pango missing)."""

    http_status = 503


# -- the report's parts -------------------------------------------------------------------


@dataclass
class Part:
    """One numbered section: its content, or ``empty`` saying plainly that there is no data."""

    slug: str
    number: int
    heading: str
    intro: str
    empty: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class NationalReport:
    country: str
    place: str
    year: int
    generated: date
    k: int
    rounding_base: int
    parts: list[Part]
    facts: dict[str, str]  # region and sub-region

    @property
    def title(self) -> str:
        return f"{self.place}: national report on trafficking in persons, {self.year}"

    @property
    def generated_text(self) -> str:
        return f"{self.generated.day} {self.generated:%B %Y}"

    def part(self, slug: str) -> Part:
        return next(p for p in self.parts if p.slug == slug)


def check_year(year: int, current: int) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= current:
        raise InvalidInput(f"year {year} is out of range",
                           hint=f"a data year from {FIRST_YEAR} to {current}")
    return year


def build(hub: Any, iso3: str, year: int, *, today: date | None = None) -> NationalReport:
    """Gather every section of the report of ``iso3`` (an ISO alpha-3 code) for ``year``."""
    from tiphub.vocab import geo

    country = geo.country_by_iso3(iso3)
    place = country.name
    builders = (instruments_part, mechanisms_part, statistics_part, persons_part,
                programmes_part, coverage_part, indicators_part)
    parts = [fn(hub, iso3, year, place, i) for i, fn in enumerate(builders, start=1)]
    return NationalReport(
        country=iso3, place=place, year=year, generated=today or datetime.now(UTC).date(),
        k=hub.settings.min_cell_size, rounding_base=hub.settings.rounding_base, parts=parts,
        facts={"Region": country.region or "–", "Sub-region": country.subregion or "–"})


# -- 1. instruments -----------------------------------------------------------------------


def instruments_part(hub: Any, iso3: str, year: int, place: str, n: int) -> Part:
    from tiphub.coordination import treaties

    part = Part("instruments", n, "International instruments",
                "The resolution urges Member States that have not yet done so to ratify or accede "
                "to the United Nations Convention against Transnational Organized Crime and its "
                "Protocol against trafficking in persons (paragraph 1). The table gives the status "
                f"of {place} with the four instruments the hub tracks, as recorded in the "
                "depositaries' status lists imported into the hub.")
    rows = hub.instrument_status(country=iso3)
    if not any(r.get("known") or r.get("recorded") for r in rows):
        part.empty = (f"No status of {place} with any of the tracked instruments is recorded in "
                      "the hub: import the depositaries' status lists (UN Treaty Collection status "
                      "files, ILO NORMLEX extracts) to fill this section.")
        return part
    titles = {item.id: item.title for item in treaties.instruments()}
    part.data = {"rows": [{
        "instrument": r.get("instrument_name") or r["instrument"],
        "title": titles.get(r["instrument"], ""),
        "status": r.get("label") or STATUS_LABELS.get(r.get("status") or "none", "Not a party"),
        "signed": _day(r.get("signed")), "consent": _day(r.get("consent")),
        "consent_type": (r.get("consent_type") or "").capitalize(),
        "withdrawn": bool(r.get("withdrawn")), "source": r.get("source") or "",
        "party": r.get("status") == "party" and not r.get("withdrawn"),
    } for r in rows]}
    part.data["parties"] = sum(row["party"] for row in part.data["rows"])
    return part


def _day(value: Any) -> str:
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.day} {day:%B %Y}"


# -- 2. national mechanisms ---------------------------------------------------------------


def mechanisms_part(hub: Any, iso3: str, year: int, place: str, n: int) -> Part:
    part = Part("mechanisms", n, "National mechanisms",
                "The resolution notes the network of national rapporteurs and equivalent "
                "mechanisms and asks for up-to-date information on them (paragraph 23). These are "
                f"the national rapporteurs, national coordinators and referral mechanisms of {place} "
                "in the hub's directory.")
    entries = hub.directory(country=iso3)
    mechanisms = [e for e in entries if e.kind in MECHANISM_KINDS]
    organisations = [e for e in entries if e.kind not in MECHANISM_KINDS]
    part.data = {
        "mechanisms": [{"name": e.name, "kind": vocab.label("directory_kinds", e.kind),
                        "mandate": e.mandate or "", "email": e.contact_email or "",
                        "website": e.website or "", "member": e.member}
                       for e in sorted(mechanisms, key=lambda e: (MECHANISM_KINDS.index(e.kind),
                                                                  e.name))],
        "missing": [vocab.label("directory_kinds", k) for k in MECHANISM_KINDS
                    if k not in {e.kind for e in mechanisms}],
        "organisations": len(organisations),
        "members": sum(1 for e in organisations if e.member),
    }
    if not mechanisms:
        part.empty = (f"No national rapporteur, national coordinator or referral mechanism of "
                      f"{place} is recorded in the hub's directory.")
    return part


# -- 3. protected statistics --------------------------------------------------------------


def statistics_part(hub: Any, iso3: str, year: int, place: str, n: int) -> Part:
    part = Part("statistics", n, "Detected victims",
                f"Victims of trafficking in persons detected in {place} and registered in {year}, "
                "from the case records of the hub's member organisations or, where there are none, "
                "from UNODC's Global Report table. Detected victims are the victims organisations "
                "identified and recorded, not the number of victims: the figures follow how much "
                "effort went into finding them.")
    sections = [_year_section(hub, spec, iso3, year, place) for spec in SPECS]
    tables = {spec.table: s.table for spec, s in zip(SPECS, sections, strict=True)}
    shown = headline(tables.get("sex-age"), tables.get("forms"))
    sources = sorted({s.table.source for s in sections if s.table is not None})
    part.data = {"sections": sections, "headline": shown, "sources": sources}
    if all(s.unavailable for spec, s in zip(SPECS, sections, strict=True) if spec.table != "trends"):
        part.empty = (f"The hub holds no case records and no Global Report figures of detected "
                      f"victims for {place} in {year}.")
    return part


def _year_section(hub: Any, spec: Any, iso3: str, year: int, place: str) -> Section:
    """The existing report's section for one table, filtered to ``year`` (trends: every year,
    so the year can be read against the others)."""
    trends = spec.table == "trends"
    intro = spec.intro + (" Every year the hub holds is shown, for comparison." if trends else "")
    section = Section(f"stats-{spec.slug}", spec.heading, intro)
    try:
        table: StatTable = hub.stats(spec.table, country=iso3, year=None if trends else year)
    except (NotFound, InvalidInput) as exc:
        section.unavailable = exc.message
        return section
    if not table.rows:
        section.unavailable = f"no record of {year} holds this information"
        return section
    return fill(section, table, caption(table, place), spec.chart, f"chart-{section.slug}",
                place, shares=spec.shares)


# -- 4. distinct persons and the hidden number --------------------------------------------


def persons_part(hub: Any, iso3: str, year: int, place: str, n: int) -> Part:
    part = Part("persons", n, "Distinct persons and the hidden number",
                "The same person is often known to several organisations (police, a shelter, a "
                "hotline). Linking the organisations' encoded records — names and dates of birth "
                "never reach the hub — counts each person once; how the organisations' lists "
                "overlap then gives an estimate of the victims no organisation saw (multiple "
                "systems estimation).")
    summary = _persons(hub, iso3)
    if summary is None:
        part.empty = (f"No link run covers the records of an organisation of {place}, so the "
                      "hub has no count of distinct persons and no estimate of the hidden number.")
        return part
    estimate = _estimate(hub, summary)
    run = summary["run"]
    based_here = sorted({o.code for o in hub.organisations() if o.country == iso3}
                        & set(summary["lists"]))
    part.data = {
        "based_here": based_here,
        "based_elsewhere": sorted(set(summary["lists"]) - set(based_here)),
        "run": {"id": run["id"], "threshold": run.get("threshold"),
                "created": _day(run.get("created_at"))},
        "records": summary["records"], "persons": summary["persons"],
        "overcount": summary["overcount"], "organisations": summary["organisations"],
        "lists": summary["lists"], "overlap": summary["overlap"],
        "min_cell_size": summary["min_cell_size"], "estimate": estimate,
        "estimate_missing": None if estimate else (
            "The overlap of the lists admits no estimate (at least two lists and a model that "
            "fits are needed), so none is given."),
    }
    return part


# -- 5. programmes by pillar --------------------------------------------------------------


def programmes_part(hub: Any, iso3: str, year: int, place: str, n: int) -> Part:
    part = Part("programmes", n, "Programmes by pillar of the Global Plan of Action",
                f"Programmes and activities in {place} active in {year} (their period intersects "
                "the year; an activity without dates counts in every year), by pillar of the "
                "United Nations Global Plan of Action to Combat Trafficking in Persons: prevention, "
                "protection and assistance, prosecution, partnership.")
    found = [p for p in hub.programmes(country=iso3) if active(p, Period.year(year))]
    if not found:
        part.empty = f"No programme or activity in {place} active in {year} is recorded in the hub."
        return part
    pillars = []
    for code in vocab.codes("pillars"):
        rows = sorted((p for p in found if p.pillar == code), key=lambda p: (p.organisation, p.name))
        pillars.append({
            "code": code, "label": vocab.label("pillars", code), "count": len(rows),
            "organisations": len({p.organisation for p in rows}),
            "targeted": _sum(p.targeted for p in rows), "reached": _sum(p.reached for p in rows),
            "budget": _budgets(rows),
            "programmes": [{
                "name": p.name, "organisation": p.organisation,
                "intervention": _label("intervention_types", p.intervention),
                "place": p.adm1 or "Whole country", "period": _period(p.start_date, p.end_date),
                "targeted": _num(p.targeted), "reached": _num(p.reached),
            } for p in rows],
        })
    part.data = {"pillars": pillars, "total": len(found),
                 "organisations": len({p.organisation for p in found}),
                 "without": [p["label"] for p in pillars if not p["count"]]}
    return part


def _label(name: str, code: str) -> str:
    try:
        return vocab.label(name, code)
    except KeyError:
        return code


def _sum(values: Any) -> str:
    known = [x for x in values if x is not None]
    return number(sum(known)) if known else "–"


def _num(value: int | None) -> str:
    return number(value) if value is not None else "–"


def _budgets(rows: list[Any]) -> str:
    by_currency: dict[str, float] = defaultdict(float)
    for p in rows:
        if p.budget is not None:
            by_currency[p.currency or "(currency not given)"] += p.budget
    return "; ".join(f"{number(round(total))} {cur}" for cur, total in sorted(by_currency.items())) or "–"


def _period(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return "no dates"
    return f"{start.isoformat() if start else '…'} to {end.isoformat() if end else 'ongoing'}"


# -- 6. coverage and gaps -----------------------------------------------------------------


def coverage_part(hub: Any, iso3: str, year: int, place: str, n: int) -> Part:
    part = Part("coverage", n, "Coverage and gaps",
                f"Who does what where in {place} in {year}: for each place, pillar and type of "
                "intervention, how many organisations are active and how many of the people "
                "targeted were reached; where several organisations do the same thing in the same "
                "place (overlaps, a reason to coordinate); and where victims are detected but no "
                "protection and assistance activity runs (gaps).")
    result = hub.coverage(country=iso3, year=year)
    cells = result.get("matrix") or []
    matrix = [{
        "place": c["place"], "pillar": _label("pillars", c["pillar"]),
        "intervention": _label("intervention_types", c["intervention"]),
        "organisations": c["organisations"], "activities": c["activities"],
        "targeted": _num(c.get("targeted")), "reached": _num(c.get("reached")),
        "coverage": percent(c["coverage"]) if c.get("coverage") is not None else "–",
    } for c in cells]
    overlaps = [{
        "place": o["place"], "intervention": _label("intervention_types", o["intervention"]),
        "organisations": ", ".join(o["organisations"]),
        "period": _period(_date(o.get("start")), _date(o.get("end"))),
    } for o in result.get("overlaps") or []]
    gaps = [_gap_text(g) for g in result.get("gaps") or []]
    part.data = {"matrix": matrix, "overlaps": overlaps, "gaps": gaps,
                 "notes": list(result.get("notes") or [])}
    if not matrix and not gaps:
        part.empty = (f"No programme or activity in {place} active in {year} is recorded, and no "
                      "gap can be found without detected victims or activities.")
    return part


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _gap_text(gap: dict[str, Any]) -> str:
    victims = gap.get("victims") or {}
    shown = victims.get("display")
    seen = f" ({shown} detected victims)" if shown else ""
    if gap.get("kind") == "victims_without_protection":
        return (f"{gap['place']}: victims are detected{seen} but no protection and assistance "
                "activity runs.")
    missing = ", ".join(_label("pillars", p) for p in gap.get("pillars") or [])
    return f"{gap['place']}: activities run, but none for {missing}."


# -- 7. indicators ------------------------------------------------------------------------


def indicators_part(hub: Any, iso3: str, year: int, place: str, n: int) -> Part:
    part = Part("indicators", n, "Indicators",
                "The country indicators of the appraisal of the Global Plan of Action (victims "
                f"detected, persons prosecuted and convicted in {year}), and the progress of the "
                "programmes' outcome and output indicators against their baselines and targets, "
                f"as of the end of {year} (or today, for the current year).")
    as_of = min(date(year, 12, 31), datetime.now(UTC).date())
    programme = [_programme_indicator(i) for i in hub.indicators(country=iso3, as_of=as_of)]
    country = [_country_indicator(i) for i in hub.country_indicators(country=iso3, year=year)]
    part.data = {"programme": programme, "country": country, "as_of": _day(as_of),
                 "statuses": dict(Counter(i["status"] for i in programme))}
    if not programme and not country:
        part.empty = (f"No country indicator for {year} and no programme indicator is recorded "
                      f"for {place}.")
    return part


def _programme_indicator(i: dict[str, Any]) -> dict[str, Any]:
    progress = i.get("progress") or {}
    status = progress.get("status") or "no_data"
    return {"programme": i.get("programme_name") or i.get("programme") or "",
            "organisation": i.get("organisation") or "",
            "name": i.get("name") or i.get("code") or "",
            "level": (i.get("level") or "").capitalize(), "unit": i.get("unit") or "",
            "baseline": _value(i.get("baseline")), "target": _value(i.get("target")),
            "target_date": i.get("target_date") or "",
            "latest": _value(i.get("latest")), "measured_on": i.get("latest_date") or "",
            "status": progress.get("label") or status.replace("_", " ").capitalize()}


def _country_indicator(i: dict[str, Any]) -> dict[str, Any]:
    return {"name": i.get("label") or i.get("indicator") or "", "value": str(i.get("display")),
            "withheld": bool(i.get("suppressed")), "year": i.get("year") or "",
            "source": i.get("source") or ""}


def _value(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return number(x) if isinstance(x, int) else str(x)


# -- writing ------------------------------------------------------------------------------


def render(report: NationalReport) -> str:
    from tiphub import __version__

    return _environment().get_template("national.html.j2").render(
        r=report, version=__version__, v=v)


def write_national(hub: Any, iso3: str, year: int, target: Path, *, pdf: bool = True,
                   today: date | None = None) -> dict[str, Path]:
    """Write the report as HTML (and PDF when ``pdf``) and return the paths written.

    ``target`` is a directory (files named ``tiphub-national-<iso3>-<year>.html/.pdf``) or an
    ``.html`` / ``.pdf`` file name, whose sibling gets the other format. The HTML is written
    first: when the PDF cannot be printed, :class:`PdfUnavailable` says so and the HTML stays."""
    report = build(hub, iso3, year, today=today)
    html = render(report)
    html_path, pdf_path = _paths(Path(target), iso3, year)
    _write_atomically(html_path, html)
    written = {"html": html_path}
    if pdf:
        print_pdf(html, pdf_path, written_html=html_path)
        written["pdf"] = pdf_path
    return written


def _paths(target: Path, iso3: str, year: int) -> tuple[Path, Path]:
    suffix = target.suffix.lower()
    if suffix in (".html", ".htm", ".pdf"):
        stem = target.with_suffix("")
        return (target if suffix != ".pdf" else stem.with_suffix(".html"),
                target if suffix == ".pdf" else stem.with_suffix(".pdf"))
    if target.exists() and not target.is_dir():
        raise InvalidInput(f"{target} is a file, not a directory",
                           hint="give a directory, or a file name ending .html or .pdf")
    name = f"tiphub-national-{iso3.lower()}-{year}"
    return target / f"{name}.html", target / f"{name}.pdf"


def pdf_bytes(html: str) -> bytes:
    """Print the report's HTML with WeasyPrint (no network: every resource is inline)."""
    weasyprint = _weasyprint()

    def refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"the national report fetches nothing: {url[:60]}")

    return weasyprint.HTML(string=html, url_fetcher=refuse).write_pdf()


def print_pdf(html: str, target: Path, *, written_html: Path | None = None) -> Path:
    try:
        data = pdf_bytes(html)
    except PdfUnavailable as exc:
        if written_html is not None:
            exc.message += f" (the HTML report was written: {written_html})"
        raise
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError as exc:
        raise PdfUnavailable(
            "the PDF needs WeasyPrint, which is not installed",
            hint="pip install weasyprint (it is a dependency of tiphub); or --no-pdf") from exc
    except OSError as exc:  # WeasyPrint loads Pango with ctypes when imported
        raise PdfUnavailable(
            "the PDF needs the system's Pango library (1.44 or newer), which was not found",
            hint=f"on Debian or Ubuntu: apt-get install {PANGO_PACKAGES}; or --no-pdf") from exc
    return weasyprint


def pdf_available() -> bool:
    try:
        _weasyprint()
    except TiphubError:
        return False
    return True


__all__ = ["NationalReport", "PdfUnavailable", "build", "pdf_available", "pdf_bytes", "render",
           "write_national"]
