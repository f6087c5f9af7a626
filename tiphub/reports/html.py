"""The self-contained HTML profile of a country (or the global one), in the manner of the
country profiles of UNODC's Global Report: one file, styles inline, charts as inline SVG,
no script and no URL, so it opens offline and prints cleanly.

Every figure comes from ``hub.stats(...)``, which has already applied cell suppression.

>>> write_report(hub, Path("gbr.html"), country="GBR")   # doctest: +SKIP
PosixPath('gbr.html')
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from tiphub.errors import NotFound
from tiphub.reports.sections import Section, table_sections
from tiphub.reports.summary import Headline, Sources, headline, sources
from tiphub.reports.views import country_name


@dataclass
class Report:
    title: str
    place: str
    country: str | None
    generated: date
    k: int
    headline: Headline
    sections: list[Section]
    sources: Sources
    organisations: int
    aggregates_held: bool
    persons: dict[str, Any] | None = None  # the newest link run's protected summary, if any
    estimate: dict[str, Any] | None = None  # its multiple systems estimate, as published

    @property
    def generated_text(self) -> str:
        return f"{self.generated.day} {self.generated:%B %Y}"


def write_report(hub: Any, target: Path, *, country: str | None,
                 today: date | None = None) -> Path:
    """Write the profile of ``country`` (ISO alpha-3; None: global) to ``target``.

    Raises :class:`~tiphub.errors.NotFound` when the hub holds no figure at all for it.
    """
    report = build(hub, country, today or datetime.now(UTC).date())
    html = render(report)
    _write_atomically(Path(target), html)
    return Path(target)


def build(hub: Any, country: str | None, today: date) -> Report:
    place = country_name(country) if country else "Global"
    sections = table_sections(hub, country, place)
    if all(s.unavailable for s in sections):
        raise _nothing_held(hub, country, place)
    tables = {s.slug: s.table for s in sections}
    sex_age, forms = tables["sex-age"], tables["forms"]
    title = ("Detected victims of trafficking in persons: "
             + (f"country profile of {place}" if country else "global profile"))
    return Report(
        title=title, place=place, country=country, generated=today,
        k=hub.settings.min_cell_size, headline=headline(sex_age, forms), sections=sections,
        sources=sources(hub, country, place, sex_age),
        organisations=len(hub.organisations()),
        aggregates_held=bool(hub.summary().get("country_aggregates")),
        persons=(persons := _persons(hub, country)),
        estimate=_estimate(hub, persons),
    )


def _estimate(hub: Any, persons: dict[str, Any] | None) -> dict[str, Any] | None:
    """The link run's estimate of the victims no organisation saw, rounded for publication."""
    from tiphub.errors import TiphubError
    from tiphub.estimation.methods import published

    if persons is None or len(persons["lists"]) < 2:
        return None
    try:
        full = hub.link_estimate(persons["run"]["id"])
    except TiphubError:  # no model fits the table: the report says nothing rather than guess
        return None
    with hub.db.connect() as conn:
        return published(full, hub._rounder(conn))


def _persons(hub: Any, country: str | None) -> dict[str, Any] | None:
    """Records against distinct persons, when a link run covers the place's organisations."""
    if not hub.link_runs(limit=1):
        return None
    summary = hub.link_summary()
    if country is not None:
        held_here = {o.code for o in hub.organisations() if o.country == country}
        if not held_here & set(summary["lists"]):
            return None
    return summary


def _nothing_held(hub: Any, country: str | None, place: str) -> NotFound:
    if country is None:
        return NotFound("the hub holds no case records to report on",
                        hint="import case records first: tiphub import FILE --org ORG")
    held = [code for code, _ in hub.countries()[:15]]
    hint = ("countries with case records: " + ", ".join(held)) if held else (
        "import case records, or the Global Report table with --profile glotip")
    return NotFound(f"no case records and no Global Report figures for {place} ({country})",
                    hint=hint)


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("tiphub.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(report: Report) -> str:
    from tiphub import __version__

    return _environment().get_template("report.html.j2").render(r=report, version=__version__)


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
