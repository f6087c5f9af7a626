"""HTCDS 2.0 flat case records (see docs/profiles.md for the columns)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from tiphub.ingest.profiles.base import (
    FIELD_INDEX,
    Col,
    Finisher,
    Problem,
    Profile,
    majority_from_band,
)
from tiphub.ingest.profiles.spec import FIRST_YEAR
from tiphub.vocab.codes import ANALYTIC, htcds

DURATION = {"0-12": (0, 12), "13-24": (13, 24), "25+": (25, 1200)}  # months; 100 years at most
PREFIXES = ("prs_", "vic_", "per_", "cas_", "cco_", "hte_", "spl_", "con_", "org_")
IDENTIFYING = ("prs_FirstName", "prs_MiddleName", "prs_SecondName", "prs_Birthdate",
               "prs_DocumentNumber", "prs_Email", "prs_HomePhone", "prs_MobilePhone",
               "prs_MailingStreet", "prs_MailingPostalCode", "prs_MailingCity")


def _parse_date(text: str) -> date | None:
    text = text.strip()
    if text.startswith("\x00date:"):
        text = text[len("\x00date:"):][:10]
    return date.fromisoformat(text[:10])


class Htcds(Profile):
    name = "htcds"
    schema_version = "htcds/2.0"
    description = "HTCDS 2.0 case records, one row per person in a victim context"
    signature = ("prsid", "prsgender", "prscitizenship", "victraffickingstatus",
                 "victypeofexploitation")
    keeps_unmapped = False  # unknown columns of a case file may hold anything personal

    def score(self, header: Sequence[str]) -> float:
        """HTCDS field names carry entity prefixes (prs_, vic_, ...): a header made mostly of
        them is HTCDS even when it has few of the usual columns."""
        named = [h for h in header if h.strip()]
        prefixed = sum(1 for h in named if h.strip().lower().startswith(PREFIXES))
        return max(super().score(header), prefixed / len(named) if named else 0.0)

    def columns(self) -> list[Col]:
        v = htcds()
        return [
            Col("prs_Id", "id", required=True, aliases=("cas_CaseId", "prs_PersonId")),
            *[Col(name, "identifying") for name in IDENTIFYING],
            Col("prs_Gender", "code", target="gender",
                codes={**v["prs_Gender"], "": None}),
            Col("prs_Citizenship", "country", target="citizenship",
                aliases=("prs_Nationality",), accepted="ISO 3166 alpha-2 or alpha-3 code"),
            Col("prs_PrimaryLanguage", "language", target="primary_language",
                accepted="ISO 639 code (e.g. uk, ukr, ara) or English language name"),
            Col("prs_SecondaryLanguage", "language", target="secondary_language",
                accepted="ISO 639 code (e.g. uk, ukr, ara) or English language name"),
            Col("vic_IdentificationDate", "raw", accepted="a date YYYY-MM-DD"),
            Col("vic_AgeAtIdentification", "raw", accepted="whole years, 0 to 120"),
            Col("vic_TraffickingStatus", "code", target="trafficking_status",
                codes={**v["vic_TraffickingStatus"], "": None}),
            Col("vic_TraffickingStatusDecisionMakingOrg", "code", target="status_decided_by",
                codes={**v["vic_TraffickingStatusDecisionMakingOrg"], "": None}),
            Col("vic_TypeOfExploitation", "multi", target="forms",
                codes=v["vic_TypeOfExploitation"]),
            Col("vic_ForcedLabourIndustry", "multi", target="sectors",
                codes=v["vic_ForcedLabourIndustry"], accepted="ISIC Rev.4 sections A to U"),
            Col("vic_TypeOfSexExploitation", "multi", target="sex_types",
                codes=v["vic_TypeOfSexExploitation"]),
            Col("vic_MethodsOfControl", "multi", target="means",
                codes=v["vic_MethodsOfControl"]),
            Col("vic_RelationshipToTrafficker", "multi", target="recruiters",
                codes=v["vic_RelationshipToTrafficker"]),
            Col("hte_ExploitationCountry", "country", target="country_of_exploitation",
                aliases=("vic_CountryOfExploitation",), accepted="ISO 3166 alpha-2 or alpha-3 code"),
            Col("vic_ExploitationDurationMonths", "int", target="duration_band", codes=DURATION,
                accepted="whole months, 0 to 1200"),
        ]

    def raw_columns(self) -> tuple[str, ...]:
        return ("prs_Birthdate", "vic_IdentificationDate", "vic_AgeAtIdentification")

    def finishers(self, current_year: int) -> list[Finisher]:
        year_i, band_i = FIELD_INDEX["year"], FIELD_INDEX["age_band"]
        seen: set[str] = set()

        def identity(rec: list[Any], problems: list[Problem], raw: dict[str, str]) -> None:
            local = rec[0]
            if not local:
                problems.append(("prs_Id", "missing-id"))
            elif local in seen:
                problems.append(("prs_Id", "duplicate-id"))
            else:
                seen.add(local)

        def dates(rec: list[Any], problems: list[Problem], raw: dict[str, str]) -> None:
            identified = born = None
            if raw.get("vic_IdentificationDate"):
                try:
                    identified = _parse_date(raw["vic_IdentificationDate"])
                except ValueError:
                    problems.append(("vic_IdentificationDate", "not-a-date"))
                else:
                    if identified.year < FIRST_YEAR:
                        problems.append(("vic_IdentificationDate", "year-out-of-range"))
                    elif identified.year > current_year:
                        problems.append(("vic_IdentificationDate", "future-year"))
                    else:
                        rec[year_i] = identified.year
            if raw.get("prs_Birthdate"):
                try:
                    born = _parse_date(raw["prs_Birthdate"])
                except ValueError:
                    problems.append(("prs_Birthdate", "not-a-date"))
                else:
                    if identified is None and born.year > current_year:
                        problems.append(("prs_Birthdate", "future-year"))
            age = None
            if born and identified:
                if born > identified:
                    problems.append(("prs_Birthdate", "birth-after-identification"))
                    return
                age = identified.year - born.year - (
                    (identified.month, identified.day) < (born.month, born.day))
            elif raw.get("vic_AgeAtIdentification"):
                text = raw["vic_AgeAtIdentification"].strip()
                try:
                    if not text.isdigit():
                        raise ValueError
                    age = int(text)
                except ValueError:
                    problems.append(("vic_AgeAtIdentification", "not-a-number"))
                    return
            if age is not None:
                if not 0 <= age <= 120:
                    problems.append(("vic_AgeAtIdentification", "implausible-age"))
                else:
                    rec[band_i] = ANALYTIC.band_for_age(age)
            majority_from_band(rec, problems, "vic_AgeAtIdentification")

        return [identity, dates]
