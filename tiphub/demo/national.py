"""The national demo: one country's organisations, overlapping caseloads, one file each.

Persons are drawn once (true attributes, from :mod:`.sampling`), then handed to one to
four organisations. Each organisation writes its own record of the person in the
``htcds`` flat format of ``docs/profiles.md``, with its own habits and errors (see
:mod:`.organisations`, :mod:`.names`, :mod:`.variants`). ``truth.csv`` keeps which record
is which person, for evaluating linkage.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pycountry

from . import calibration as cal
from .countries import COUNTRIES, flows, national_origins
from .names import Identity, culture_of, draw_identity, render, secondary_language
from .organisations import HABITS, Habits, affinity
from .sampling import Cases, sample_ages, sample_cases, sample_months
from .variants import document_number, document_variant, shift_year, swap_day_month, typo

HTCDS_COLUMNS = (
    "prs_Id", "prs_FirstName", "prs_MiddleName", "prs_SecondName", "prs_Birthdate",
    "prs_DocumentNumber", "prs_Gender", "prs_Citizenship", "prs_PrimaryLanguage",
    "prs_SecondaryLanguage", "vic_IdentificationDate", "vic_AgeAtIdentification",
    "vic_TraffickingStatus", "vic_TraffickingStatusDecisionMakingOrg", "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry", "vic_TypeOfSexExploitation", "vic_MethodsOfControl",
    "vic_RelationshipToTrafficker", "hte_ExploitationCountry", "vic_ExploitationDurationMonths",
)
IDENTIFYING = ("prs_FirstName", "prs_MiddleName", "prs_SecondName", "prs_Birthdate",
               "prs_DocumentNumber")

# how many organisations hold a person who is held by more than one
SEVERAL = (2, 3, 4)
SEVERAL_SHARES = (0.85, 0.12, 0.03)

_FORMS_ORDER = ("ForcedLabour", "SexualExploitation", "ChildLabour", "ForcedMarriage",
                "Servitude", "ForcedMilitaryByNonStateActors", "OrganRemoval", "ForcedBegging",
                "ForcedAdoption", "Surrogacy", "ForcedCriminality", "Other")
_OTHER_FORMS = (("ForcedCriminality", 0.42), ("ForcedBegging", 0.15), ("ForcedMarriage", 0.12),
                ("Servitude", 0.13), ("Other", 0.15), ("OrganRemoval", 0.02),
                ("Surrogacy", 0.01))
_MEANS_ORDER = ("PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily",
                "DebtBondage", "FalsePromises", "PhysicalAbuse", "SexualAbuse", "TakesEarnings",
                "RestrictsFinancialAccess", "RestrictsMedicalCare", "WithholdsNecessities",
                "PsychologicalAbuse", "PsychoactiveSubstance", "ExcessiveWorkingHours",
                "WithholdsDocuments", "RestrictsMovement", "UsesChildren", "Other")
# CTDC means column -> the HTCDS values it stands for, with their chance
_FINE_MEANS = (
    (("DebtBondage", 0.6), ("TakesEarnings", 0.6), ("RestrictsFinancialAccess", 0.2)),
    (("PhysicalThreats", 0.7), ("ThreatsLawEnforcement", 0.3), ("ThreatensChildrenFamily", 0.3)),
    (("PsychologicalAbuse", 0.7), ("PhysicalAbuse", 0.5), ("SexualAbuse", 0.3)),
    (("FalsePromises", 1.0),),
    (("PsychoactiveSubstance", 1.0),),
    (("WithholdsNecessities", 0.7), ("RestrictsMedicalCare", 0.4)),
    (("ExcessiveWorkingHours", 1.0),),
    (("WithholdsDocuments", 1.0),),
)
_SECTOR_LETTERS = ("A", "F", "T", "I")
_OTHER_SECTORS = (("C", 0.3), ("G", 0.3), ("S", 0.25), ("H", 0.1), ("B", 0.05))
_RELATIONS = ("IntimatePartner", "Acquainted", "Familial", "Unacquainted")
_RELATION_ORDER = ("Familial", "Acquainted", "Unacquainted", "IntimatePartner")
_GENDER = ("Feminine", "Masculine")
_OTHER_GENDER = ("TransgenderFeminine", "TransgenderMasculine", "NonConforming")
_LAST_DAY = date(cal.YEARS[-1], 12, 31)


@dataclass(frozen=True)
class Person:
    """The truth about one person, before any organisation writes it down."""

    person_id: str
    citizenship: str
    gender: str  # an HTCDS prs_Gender value
    national: bool
    child: bool
    form: int
    birth: date
    documented_birth: bool
    contact: date
    identity: Identity
    document: str | None
    language: str
    second_language: str | None
    forms: tuple[str, ...]
    industries: tuple[str, ...]
    sex_types: tuple[str, ...]
    means: tuple[str, ...]
    relations: tuple[str, ...]
    exploited_in: str
    months: int


def _pick(rnd: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    return rnd.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _ordered(values: set[str], order: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v for v in order if v in values)


def make_people(n: int, country: str, rng: np.random.Generator, rnd: random.Random) -> list[Person]:
    """Draw ``n`` persons detected in ``country``: demographics, case facts, names."""
    cases = sample_cases(rng, n)
    ages = sample_ages(rng, cases.band)
    months = sample_months(rng, cases.duration)
    origins = national_origins(country)
    width = max(6, len(str(n)))
    return [_person(i, cases, int(ages[i]), int(months[i]), country, origins, rnd, width)
            for i in range(n)]


def _citizenship(rnd: random.Random, origins: dict[str, float], form: int) -> str:
    codes = list(origins)
    weights = []
    for code in codes:
        lean = COUNTRIES.get(code, (0, 0, 0, 0))[3]
        boost = 2.0 if (lean > 0 and form == cal.FL) or (lean < 0 and form == cal.SE) else 1.0
        weights.append(origins[code] * boost)
    return rnd.choices(codes, weights=weights)[0]


def _person(i: int, cases: Cases, age: int, months: int, country: str,
            origins: dict[str, float], rnd: random.Random, width: int) -> Person:
    form = int(cases.form[i])
    citizenship = _citizenship(rnd, origins, form)
    sex = ("female", "male", "other")[int(cases.gender[i])]
    year = int(cases.year[i])
    contact = date(year, 1, 1) + timedelta(days=rnd.randrange(365))
    if age == 0:
        birth = contact - timedelta(days=rnd.randrange(30, 330))
    else:
        birth = shift_year(contact, -age) - timedelta(days=rnd.randrange(365))
    national = citizenship == country
    return Person(
        person_id=f"P{i + 1:0{width}d}",
        citizenship=citizenship,
        gender={"female": "Feminine", "male": "Masculine"}.get(sex) or rnd.choice(_OTHER_GENDER),
        national=national,
        child=bool(cases.child[i]),
        form=form,
        birth=birth,
        documented_birth=rnd.random() < 0.88,
        contact=contact,
        identity=draw_identity(rnd, citizenship, sex),
        document=document_number(citizenship, rnd) if rnd.random() < (0.7 if national else 0.5)
        else None,
        language=culture_of(citizenship)[1],
        second_language=_second_language(citizenship, rnd),
        forms=_forms(cases, i, rnd),
        industries=_industries(cases, i, rnd),
        sex_types=_sex_types(cases, i, rnd),
        means=_means(cases, i, rnd),
        relations=_ordered({_RELATIONS[k] for k in np.flatnonzero(cases.recruiters[i])},
                           _RELATION_ORDER),
        exploited_in=_exploited_in(citizenship, country, national, rnd),
        months=months,
    )


def _second_language(citizenship: str, rnd: random.Random) -> str | None:
    second = secondary_language(citizenship)
    if second == culture_of(citizenship)[1] or rnd.random() >= 0.35:
        return None
    return second


def _forms(cases: Cases, i: int, rnd: random.Random) -> tuple[str, ...]:
    sexual, labour, other = (bool(x) for x in cases.forms[i])
    out = set()
    if labour:
        out.add("ForcedLabour")
        if cases.child[i] and rnd.random() < 0.3:
            out.add("ChildLabour")
        if cases.sectors[i, 2] and rnd.random() < 0.4:
            out.add("Servitude")
    if sexual:
        out.add("SexualExploitation")
    if other:
        out.add(_pick(rnd, _OTHER_FORMS))
    return _ordered(out, _FORMS_ORDER)


def _industries(cases: Cases, i: int, rnd: random.Random) -> tuple[str, ...]:
    flags = cases.sectors[i]
    out = {_SECTOR_LETTERS[k] for k in range(4) if flags[k]}
    if flags[4]:
        out.add(_pick(rnd, _OTHER_SECTORS))
    return tuple(sorted(out))


def _sex_types(cases: Cases, i: int, rnd: random.Random) -> tuple[str, ...]:
    prostitution, pornography = (bool(x) for x in cases.sex_types[i])
    out = set()
    if prostitution:
        out.add("Prostitution")
        if rnd.random() < 0.1:
            out.add("PrivateSexualServices")
    if pornography:
        out.add("RemoteInteractiveServices" if rnd.random() < 0.3 else "Pornography")
    return _ordered(out, ("Prostitution", "Pornography", "RemoteInteractiveServices",
                          "PrivateSexualServices"))


def _means(cases: Cases, i: int, rnd: random.Random) -> tuple[str, ...]:
    out: set[str] = set()
    for k in np.flatnonzero(cases.means[i]):
        options = _FINE_MEANS[k]
        chosen = {v for v, p in options if rnd.random() < p}
        out |= chosen or {options[0][0]}
    if rnd.random() < 0.25:
        out.add("RestrictsMovement")
    if rnd.random() < 0.03:
        out.add("Other")
    return _ordered(out, _MEANS_ORDER)


def _exploited_in(citizenship: str, country: str, national: bool, rnd: random.Random) -> str:
    if rnd.random() < (0.95 if national else 0.85):
        return country
    f = flows()
    if citizenship not in f.codes:
        return country
    row = f.flow[f.codes.index(citizenship)].copy()
    if country in f.codes:
        row[f.codes.index(country)] = 0.0
    if row.sum() <= 0:
        return country
    return rnd.choices(f.codes, weights=row.tolist())[0]


def assign(people: list[Person], held_by_several: float,
           rnd: random.Random) -> list[tuple[Habits, Person, date]]:
    """Hand each person to one to four organisations; the first one meets them first."""
    out = []
    for person in people:
        weights = [h.reach * affinity(h.code, female=person.gender == "Feminine",
                                      child=person.child, form=person.form,
                                      national=person.national) for h in HABITS]
        k = 1
        if rnd.random() < held_by_several:
            k = rnd.choices(SEVERAL, weights=SEVERAL_SHARES)[0]
        k = min(k, sum(w > 0 for w in weights))
        day = person.contact
        for habits in _choose(weights, k, rnd):
            out.append((habits, person, min(day, _LAST_DAY)))
            day = day + timedelta(days=int(rnd.expovariate(1 / 45)) + 1)
    return out


def _choose(weights: list[float], k: int, rnd: random.Random) -> list[Habits]:
    chosen: list[Habits] = []
    weights = list(weights)
    for _ in range(k):
        i = rnd.choices(range(len(HABITS)), weights=weights)[0]
        chosen.append(HABITS[i])
        weights[i] = 0.0
    return chosen


def _alpha2(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    return country.alpha_2 if country else code


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def write_record(habits: Habits, person: Person, on: date, prs_id: str,
                 rnd: random.Random) -> dict[str, str]:
    """One organisation's ``htcds`` row for a person met on ``on``."""
    row = dict.fromkeys(HTCDS_COLUMNS, "")
    row["prs_Id"] = prs_id
    first, middle, second = _names(habits, person.identity, rnd)
    row["prs_FirstName"], row["prs_MiddleName"], row["prs_SecondName"] = first, middle, second
    birth = _birthdate(habits, person, rnd)
    if birth is not None and birth >= on:
        birth = person.birth
    row["prs_Birthdate"] = "" if birth is None else birth.isoformat()
    if person.document and rnd.random() < habits.document:
        doc = person.document
        row["prs_DocumentNumber"] = document_variant(doc, rnd) if rnd.random() < 0.1 else doc
    row.update(_analytic(habits, person, on, rnd, has_birth=bool(row["prs_Birthdate"])))
    return row


def _names(habits: Habits, who: Identity, rnd: random.Random) -> tuple[str, str, str]:
    first, middle, second = render(who, rnd, habits.style)
    if middle and rnd.random() < habits.drop_middle:
        middle = ""
    elif middle and rnd.random() < 0.05:
        first, middle = f"{first} {middle}", ""
    if " " in second and len(who.family) > 1 and rnd.random() < 0.35:
        second = second.split(" ")[0]
    if rnd.random() < habits.swap * (4 if who.family_first else 1):
        first, second = second, first
    if rnd.random() < habits.typo:
        first = typo(first, rnd)
    if rnd.random() < habits.typo:
        second = typo(second, rnd)
    if rnd.random() < habits.upper_family:
        second = second.upper()
    if rnd.random() < habits.no_given:
        first, middle = "", ""
    elif rnd.random() < habits.no_family:
        second = ""
    return first, middle, second


def _birthdate(habits: Habits, person: Person, rnd: random.Random) -> date | None:
    if not person.documented_birth:
        if habits.code == "immigration" and rnd.random() < 0.5:
            return date(person.birth.year + rnd.choice((-1, 0, 0, 1)), 1, 1)
        return None
    if rnd.random() < habits.no_birthdate:
        return None
    roll = rnd.random()
    if roll < 0.04:
        return swap_day_month(person.birth) or person.birth
    if roll < 0.08:
        return shift_year(person.birth, rnd.choice((-1, 1)))
    return person.birth


def _blank(habits: Habits, name: str, rnd: random.Random) -> bool:
    return rnd.random() < habits.blank_rate(name)


def _analytic(habits: Habits, person: Person, on: date, rnd: random.Random,
              has_birth: bool) -> dict[str, str]:
    country = _alpha2 if habits.alpha2 else (lambda c: c)
    row = {
        "prs_Gender": _gender(habits, person, rnd),
        "prs_Citizenship": "" if _blank(habits, "citizenship", rnd) else country(person.citizenship),
        "prs_PrimaryLanguage": "" if _blank(habits, "language", rnd) else person.language,
        "prs_SecondaryLanguage": "" if _blank(habits, "second_language", rnd)
        else person.second_language or "",
        "vic_IdentificationDate": on.isoformat(),
        "vic_AgeAtIdentification": _age_field(habits, person, on, rnd, has_birth),
        "hte_ExploitationCountry": "" if _blank(habits, "country", rnd)
        else country(person.exploited_in),
        "vic_ExploitationDurationMonths": _duration(habits, person, rnd),
    }
    row.update(_status(habits, rnd))
    row.update(_case_facts(habits, person, rnd))
    return row


def _gender(habits: Habits, person: Person, rnd: random.Random) -> str:
    if _blank(habits, "gender", rnd):
        return ""
    if rnd.random() < 0.02:
        return "NonSpecifiedUnknown"
    if person.gender in _GENDER or rnd.random() < 0.85:
        return person.gender
    return rnd.choice(_GENDER)


def _age_field(habits: Habits, person: Person, on: date, rnd: random.Random,
               has_birth: bool) -> str:
    if rnd.random() < (0.15 if not has_birth else habits.blank_rate("age")):
        return ""
    age = _age(person.birth, on)
    if not person.documented_birth and rnd.random() < 0.4:
        age = max(0, age + rnd.choice((-2, -1, 1, 2)))
    return str(age)


def _duration(habits: Habits, person: Person, rnd: random.Random) -> str:
    if _blank(habits, "duration", rnd):
        return ""
    months = person.months
    if rnd.random() < 0.25:
        months = max(0, months + rnd.choice((-3, -2, -1, 1, 2, 3)))
    return str(months)


def _status(habits: Habits, rnd: random.Random) -> dict[str, str]:
    status = rnd.choices(("ActualVictimOfTrafficking", "PossibleVictimOfTrafficking",
                          "NotAVictimOfTrafficking", ""), weights=habits.status)[0]
    decided = ""
    if status:
        decided = habits.decided_by
        if status == "ActualVictimOfTrafficking" and rnd.random() < 0.15:
            decided = "CourtOrProsecution"
    return {"vic_TraffickingStatus": status, "vic_TraffickingStatusDecisionMakingOrg": decided}


def _case_facts(habits: Habits, person: Person, rnd: random.Random) -> dict[str, str]:
    forms = list(person.forms)
    if len(forms) > 1 and rnd.random() < 0.3:
        forms.remove(rnd.choice(forms))
    means = [m for m in person.means if rnd.random() < habits.means_recall]
    labour = "ForcedLabour" in person.forms
    sexual = "SexualExploitation" in person.forms
    return {
        "vic_TypeOfExploitation": "" if _blank(habits, "forms", rnd) else ";".join(forms),
        "vic_ForcedLabourIndustry": ";".join(person.industries)
        if labour and not _blank(habits, "industry", rnd) else "",
        "vic_TypeOfSexExploitation": ";".join(person.sex_types)
        if sexual and not _blank(habits, "sex_type", rnd) else "",
        "vic_MethodsOfControl": "" if _blank(habits, "means", rnd) else ";".join(means),
        "vic_RelationshipToTrafficker": "" if _blank(habits, "relation", rnd)
        else ";".join(person.relations),
    }
