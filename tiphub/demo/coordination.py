"""The demo's coordination space: national mechanisms in the directory, and each demo
organisation's programmes and activities (5W) as the HXL file it would submit.

Everything here is illustrative: invented names, places taken from ISO 3166-2 (pycountry), and
figures drawn from a seeded generator. The activities are laid out so that the coverage page
has something to show: several organisations identifying victims in the same place (an
overlap), and a first-level area with no protection activity at all (a gap).
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pycountry

from tiphub.coordination.hxl import MAPPING
from tiphub.vocab.geo import country_by_iso3

from .calibration import YEARS

if TYPE_CHECKING:
    from tiphub.hub import Hub

#: (code suffix, name, kind, mandate) of the national mechanisms the demo registers
MECHANISMS = (
    ("rapporteur", "National Rapporteur on Trafficking in Persons (demo)", "national_rapporteur",
     "Independent monitoring of the national response; reports to parliament every year."),
    ("coordinator", "Inter-ministerial Anti-Trafficking Coordinator (demo)", "national_coordinator",
     "Chairs the national coordination group and keeps the national action plan."),
    ("nrm", "National Referral Mechanism (demo)", "referral_mechanism",
     "Decides on referrals of possible victims and their access to support."),
)


@dataclass(frozen=True)
class DemoActivity:
    org: str
    code: str
    name: str
    intervention: str
    pillar: str
    places: tuple[int, ...]  # indexes into the country's first-level areas
    first_year: int  # offsets from the demo's last year (0 = the last year)
    last_year: int
    targeted: int
    sexes: str = ""
    ages: str = ""
    industries: str = ""
    funder: str = ""
    source: str = "public"


#: Area 0 is the most populous in the demo's picture; area 3 (Wales for the default GBR) gets
#: awareness raising only, so the coverage page shows a place without protection activity.
ACTIVITIES = (
    DemoActivity("police", "P-TRAIN", "Training of investigators in trafficking cases",
                 "training_law_enforcement", "prosecution", (0, 1, 2), -3, 0, 400, ages="adults"),
    DemoActivity("police", "P-INV", "Joint investigation teams", "investigation", "prosecution",
                 (0,), -5, 0, 0),
    DemoActivity("police", "P-ID", "Victim identification in police operations",
                 "victim_identification", "protection", (0, 1), -4, 0, 600),
    DemoActivity("immigration", "IMM-ID", "Screening for indicators of trafficking at the border",
                 "victim_identification", "protection", (0,), -3, 0, 900),
    DemoActivity("immigration", "IMM-RET", "Safe return and reception", "repatriation",
                 "protection", (0,), -2, 0, 150, funder="International Organization for Migration",
                 source="multilateral"),
    DemoActivity("shelter", "SH-BEDS", "Safe accommodation for women and girls", "shelter",
                 "protection", (0, 1), -6, 0, 300, sexes="f", funder="Freedom Foundation (demo)",
                 source="private"),
    DemoActivity("shelter", "SH-LEGAL", "Legal advice for survivors", "legal_aid", "protection",
                 (0,), -3, 0, 250),
    DemoActivity("shelter", "SH-WORK", "Reintegration and job placement", "reintegration",
                 "protection", (1,), -2, 0, 120, ages="adults", source="trust_fund",
                 funder="UN Voluntary Trust Fund for Victims of Trafficking"),
    DemoActivity("hotline", "HL-LINE", "24-hour multilingual helpline", "helpline", "protection",
                 (0, 1, 2), -6, 0, 5000, source="private"),
    DemoActivity("hotline", "HL-AWARE", "Know-your-rights campaign for seasonal workers",
                 "awareness_raising", "prevention", (0, 1, 2, 3), -1, 0, 20000, industries="A;I"),
    DemoActivity("labour", "LAB-AUDIT", "Supply-chain inspections in agriculture and construction",
                 "supply_chain_due_diligence", "prevention", (0, 2), -4, 0, 0, industries="A;F"),
    DemoActivity("labour", "LAB-RECRUIT", "Licensing of labour recruiters", "ethical_recruitment",
                 "prevention", (0,), -2, 0, 0),
    DemoActivity("labour", "LAB-DATA", "Annual data collection with partners", "data_collection",
                 "partnership", (0,), -3, 0, 0),
)


def first_level_areas(iso3: str) -> list[str]:
    """The country's first-level subdivisions (ISO 3166-2), bracketed local names dropped."""
    alpha2 = country_by_iso3(iso3).iso2
    top = [s for s in pycountry.subdivisions.get(country_code=alpha2) or [] if s.parent_code is None]
    return [re.sub(r"\s*\[.*?\]", "", s.name) for s in sorted(top, key=lambda s: s.code)]


def write_programmes(directory: Path, org: str, country: str, *, seed: int) -> Path:
    """Write ``org``'s activities as the HXL-tagged 5W CSV it would submit."""
    rnd = random.Random(f"{seed}-{org}")
    areas = first_level_areas(country) or [""]
    columns = [c for c in MAPPING]
    path = directory / f"{org}.5w.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow([c.header for c in columns])
        out.writerow([c.tag for c in columns])
        last = YEARS[-1]
        for a in (a for a in ACTIVITIES if a.org == org):
            for place in a.places:
                if place >= len(areas):
                    continue
                row = _row(a, areas[place], country, last, rnd)
                out.writerow([row.get(c.field, "") for c in columns])
    return path


def _row(a: DemoActivity, area: str, country: str, last: int, rnd: random.Random) -> dict[str, str]:
    row = {"organisation": a.org, "code": f"{a.code}-{_slug(area)}" if area else a.code,
           "name": a.name, "pillar": a.pillar, "intervention": a.intervention, "country": country,
           "adm1": area, "start_date": f"{last + a.first_year}-01-01",
           "end_date": f"{last + a.last_year}-12-31", "target_sexes": a.sexes,
           "target_ages": a.ages, "target_industries": a.industries, "funders": a.funder,
           "funding_source": a.source}
    if a.targeted:
        targeted = max(20, round(a.targeted * rnd.uniform(0.4, 1.0)))
        reached = round(targeted * rnd.uniform(0.45, 0.98))
        for measure, total in (("targeted", targeted), ("reached", reached)):
            for cell, n in _split(total, a, rnd).items():
                row[f"{measure}_{cell}"] = str(n)
            row[measure] = str(total)
        # reached never exceeds targeted in a cell either
        for cell in ("f_children", "f_adults", "m_children", "m_adults"):
            t, r = int(row[f"targeted_{cell}"]), int(row[f"reached_{cell}"])
            row[f"reached_{cell}"] = str(min(t, r))
        row["reached"] = str(sum(int(row[f"reached_{c}"]) for c in
                                 ("f_children", "f_adults", "m_children", "m_adults")))
    budget = rnd.randrange(40, 900) * 1000
    row.update(budget=str(budget), currency="GBP" if country == "GBR" else "USD")
    return row


def _split(total: int, a: DemoActivity, rnd: random.Random) -> dict[str, int]:
    weights = {"f_children": 0.15, "f_adults": 0.45, "m_children": 0.1, "m_adults": 0.3}
    if a.sexes == "f":
        weights.update(m_children=0.0, m_adults=0.0)
    if a.ages == "adults":
        weights.update(f_children=0.0, m_children=0.0)
    weights = {k: w * rnd.uniform(0.8, 1.2) for k, w in weights.items()}
    scale = sum(weights.values())
    cells = {k: int(total * w / scale) for k, w in weights.items()}
    biggest = max(cells, key=lambda k: cells[k])
    cells[biggest] += total - sum(cells.values())
    return cells


def _slug(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "", text.upper())[:8]


def load_coordination(hub: Hub, directory: Path, country: str, orgs: list[str], *,
                      seed: int) -> dict[str, int]:
    """Register the national mechanisms and import every demo organisation's 5W file (idempotent:
    a second run updates the same entries and programmes)."""
    for suffix, name, kind, mandate in MECHANISMS:
        hub.update_directory_entry(f"{suffix}-{country.lower()}", name=name, kind=kind,
                                   country=country, mandate=mandate, member=False)
    imported = {}
    for org in orgs:
        if not any(a.org == org for a in ACTIVITIES):
            continue
        report = hub.import_programmes(write_programmes(directory, org, country, seed=seed), org=org)
        imported[org] = report.rows_total
    return imported
