"""The five organisations of a national demo and how each one records a case.

Each organisation sees a different part of the caseload (``affinity``) and writes it
down with its own habits: the immigration service copies names from passports (own
script, upper-case family names, document numbers), the hotline hears names over the
phone (spelling variants, typos, first name only, few birth dates), the labour
inspectorate sees adults in forced labour.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .names import Style


@dataclass(frozen=True)
class DemoOrganisation:
    """A member organisation of the demo hub (``type`` is an HTCDS ``org_Type``)."""

    code: str
    name: str
    type: str
    country: str


@dataclass(frozen=True)
class Habits:
    """Probabilities (per record) of how an organisation writes a case down."""

    code: str
    name: str
    type: str
    id_pattern: str  # the organisation's own case numbers: {year}, {yy}, {seq}
    reach: float
    decided_by: str
    status: tuple[float, float, float, float]  # actual, possible, not a victim, blank
    alpha2: bool = False
    style: Style = field(default_factory=Style)
    swap: float = 0.04
    drop_middle: float = 0.35
    typo: float = 0.05
    no_given: float = 0.01
    no_family: float = 0.02
    upper_family: float = 0.05
    no_birthdate: float = 0.15
    document: float = 0.5
    means_recall: float = 0.8
    blank: dict[str, float] = field(default_factory=dict)

    def blank_rate(self, name: str) -> float:
        return self.blank.get(name, _BLANK[name])


_BLANK = {
    "gender": 0.01, "citizenship": 0.05, "language": 0.3, "second_language": 0.5,
    "forms": 0.05, "industry": 0.3, "sex_type": 0.3, "means": 0.25, "relation": 0.5,
    "country": 0.15, "duration": 0.45, "age": 0.5,
}

HABITS = (
    Habits("police", "National Police Anti-Trafficking Unit", "LawEnforcement",
           id_pattern="PF-{year}-{seq:05d}", reach=0.35, decided_by="Police",
           status=(0.45, 0.50, 0.05, 0.0), style=Style(native=0.05, variant=0.3, strip=0.7),
           upper_family=0.1, document=0.6),
    Habits("shelter", "Safe Harbour Shelter Network", "NGO",
           id_pattern="SH{seq:05d}", reach=0.25, decided_by="NGO",
           status=(0.35, 0.62, 0.03, 0.0), alpha2=True,
           style=Style(native=0.10, variant=0.35, strip=0.4), swap=0.05, drop_middle=0.3,
           no_birthdate=0.10, document=0.4, means_recall=0.9,
           blank={"means": 0.15, "relation": 0.3, "duration": 0.3, "age": 0.3}),
    Habits("hotline", "Freedom Helpline", "NGO",
           id_pattern="HL{yy:02d}-{seq:06d}", reach=0.15, decided_by="NGO",
           status=(0.02, 0.88, 0.02, 0.08), style=Style(native=0.0, variant=0.5, strip=0.9),
           swap=0.08, drop_middle=0.7, typo=0.12, no_given=0.08, no_family=0.25,
           upper_family=0.0, no_birthdate=0.55, document=0.05, means_recall=0.5,
           blank={"gender": 0.06, "citizenship": 0.3, "language": 0.5, "forms": 0.2,
                  "means": 0.45, "relation": 0.6, "country": 0.3, "duration": 0.6}),
    Habits("labour", "Labour Standards Inspectorate", "CentralGovernmentOrganisation",
           id_pattern="INSP/{year}/{seq:04d}", reach=0.10,
           decided_by="NonPoliceGovernmentalOrganization", status=(0.35, 0.60, 0.05, 0.0),
           style=Style(native=0.02, variant=0.3, strip=0.8), drop_middle=0.5,
           no_birthdate=0.25, document=0.5, means_recall=0.85,
           blank={"industry": 0.1, "relation": 0.6}),
    Habits("immigration", "Immigration and Border Service", "ImmigrationService",
           id_pattern="IMM{seq:07d}", reach=0.15,
           decided_by="NonPoliceGovernmentalOrganization", status=(0.35, 0.55, 0.10, 0.0),
           style=Style(native=0.25, variant=0.1, strip=0.9,
                       systems=(0.75, 0.15, 0.03, 0.04, 0.03)),
           swap=0.03, drop_middle=0.2, typo=0.03, upper_family=0.5, no_birthdate=0.03,
           document=0.9, means_recall=0.6,
           blank={"means": 0.35, "relation": 0.55, "duration": 0.5, "language": 0.1}),
)


def affinity(code: str, *, female: bool, child: bool, form: int, national: bool) -> float:
    """How likely an organisation is to hold a case like this one (relative weight)."""
    if code == "police":
        return (1.2, 0.8, 1.4)[form]
    if code == "shelter":
        return (1.3 if female else 1.0) * (1.3 if child else 1.0) * (1.0 if female or child else 0.6)
    if code == "hotline":
        return (1.3 if form == 1 else 1.0) * (1.3 if national else 1.0)
    if code == "labour":
        return (0.3 if child else 2.0) if form == 1 else 0.05
    if code == "immigration":
        return 0.0 if national else (1.2 if not child else 0.8)
    raise ValueError(code)
