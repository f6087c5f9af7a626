"""The three public CTDC files: global synthetic, global k-anonymised, victim–perpetrator."""

from __future__ import annotations

from typing import Any

from tiphub.ingest.profiles.base import (
    FIELD_INDEX,
    GROUP_SLOTS,
    Col,
    Finisher,
    Problem,
    Profile,
    majority_from_band,
)
from tiphub.vocab.codes import ANALYTIC

GENDER = {
    "Woman": "female", "Female": "female", "Man": "male", "Male": "male",
    "Trans/Transgender/NonConforming": "other", "Transgender/NonConforming": "other",
    "Transgender": "other", "Unknown": "unknown", "": None, "-99": None,
}


def _age_codes() -> dict[str, Any]:
    codes: dict[str, Any] = {"": None, "-99": None, "Unknown": "unknown", "48+": "48+", "48 +": "48+"}
    for band, (lo, hi) in ANALYTIC.age_bounds.items():
        if band == "48+":
            continue
        for text in (f"{lo}--{hi}", f"{lo:02d}--{hi:02d}", f"{lo}-{hi}", f"{lo:02d}-{hi:02d}",
                     f"{lo:02d}--{hi}", f"{lo} - {hi}"):
            codes[text] = band
    return codes


AGE = _age_codes()
MAJORITY = {"Adult": "adult", "Minor": "minor", "Unknown": "unknown", "": None, "-99": None}
MONTHS = {
    "0--12 (0-1 yr)": "0-12", "13--24 (1-2 yrs)": "13-24", "25+ (2+ yrs)": "25+",
    "0--12": "0-12", "13--24": "13-24", "25+": "25+", "0-12": "0-12", "13-24": "13-24",
    "Unknown": "unknown", "": None,
}
DATASOURCE = {"Case management": "case_management", "Hotline": "hotline", "": None,
              "Unknown": "unknown", "-99": None}
REGIONS = {"Africa": "Africa", "Asia": "Asia", "Europe": "Europe", "Americas": "Americas",
           "Oceania": "Oceania", "Americas/Oceania": "Americas/Oceania",
           "Americas & Oceania": "Americas/Oceania", "Unknown": "unknown", "": None}


def flags(group: str, pairs: dict[str, str], prefix_aliases: tuple[str, ...] = ()) -> list[Col]:
    """Flag columns of one group; ``prefix_aliases`` rename the prefix (typeOf → sectorOf)."""
    out = []
    for column, code in pairs.items():
        aliases = tuple(column.replace(old, new) for old, new in prefix_aliases)
        out.append(Col(column, "flag", target=group, code=code, aliases=aliases))
    return out


SYNTHETIC_MEANS = {
    "meansDebtBondageEarnings": "debt_bondage_earnings", "meansThreats": "threats",
    "meansAbusePsyPhySex": "abuse", "meansFalsePromises": "false_promises",
    "meansDrugsAlcohol": "psychoactive_substances", "meansDenyBasicNeeds": "deny_basic_needs",
    "meansExcessiveWorkHours": "excessive_working_hours", "meansWithholdDocs": "withholds_documents",
}
FORMS_3 = {"isForcedLabour": "forced_labour", "isSexualExploit": "sexual_exploitation",
           "isOtherExploit": "other_exploitation"}
RECRUITERS = {"recruiterRelationIntimatePartner": "intimate_partner",
              "recruiterRelationFriend": "friend", "recruiterRelationFamily": "family",
              "recruiterRelationOther": "other"}


class CtdcSynthetic(Profile):
    name = "ctdc-synthetic"
    schema_version = "ctdc-synthetic/2024"
    description = "CTDC global synthetic dataset (27 columns, every edition)"
    signature = ("yearofregistration", "agebroad", "meansthreats", "meansabusepsyphysex",
                 "traffickmonths")
    group_rule = "ctdc"

    def columns(self) -> list[Col]:
        rename = (("typeOf", "sectorOf"),)
        return [
            Col("yearOfRegistration", "year", target="year", required=True),
            Col("gender", "code", target="gender", codes=GENDER, required=True),
            Col("ageBroad", "code", target="age_band", codes=AGE, required=True),
            Col("citizenship", "country", target="citizenship", required=True,
                accepted="ISO 3166 alpha-3 code"),
            Col("CountryOfExploitation", "country", target="country_of_exploitation",
                required=True, accepted="ISO 3166 alpha-3 code"),
            Col("traffickMonths", "code", target="duration_band", codes=MONTHS),
            *flags("means", SYNTHETIC_MEANS),
            *flags("forms", FORMS_3),
            *flags("sectors", {
                "typeOfLabourAgriculture": "agriculture",
                "typeOfLabourConstruction": "construction",
                "typeOfLabourDomesticWork": "domestic_work",
                "typeOfLabourHospitality": "hospitality"}, rename),
            *flags("sex_types", {"typeOfSexProstitution": "prostitution",
                                 "typeOfSexPornography": "pornography"}, rename),
            *flags("recruiters", RECRUITERS),
        ]

    def finishers(self, current_year: int) -> list[Finisher]:
        def majority(rec: list[Any], problems: list[Problem], raw: dict[str, str]) -> None:
            majority_from_band(rec, problems, "ageBroad")

        return [majority]


KANON_MEANS = {
    "DebtBondage": "debt_bondage_earnings", "TakesEarnings": "debt_bondage_earnings",
    "RestrictsFinancialAccess": "debt_bondage_earnings", "Threats": "threats",
    "PsychologicalAbuse": "abuse", "PhysicalAbuse": "abuse", "SexualAbuse": "abuse",
    "FalsePromises": "false_promises", "PsychoactiveSubstances": "psychoactive_substances",
    "RestrictsMovement": "restricts_movement", "RestrictsMedicalCare": "deny_basic_needs",
    "ExcessiveWorkingHours": "excessive_working_hours", "UsesChildren": "other",
    "ThreatOfLawEnforcement": "threats", "WithholdsNecessities": "deny_basic_needs",
    "WithholdsDocuments": "withholds_documents", "Other": "other",
}
KANON_LABOUR = {
    "Agriculture": "agriculture", "Aquafarming": "aquafarming", "Begging": "begging",
    "Construction": "construction", "DomesticWork": "domestic_work",
    "Hospitality": "hospitality", "IllicitActivities": "illicit_activities",
    "Manufacturing": "manufacturing", "MiningOrDrilling": "mining_or_drilling",
    "Peddling": "peddling", "Transportation": "transportation", "Other": "other",
}
KANON_SEX = {"Prostitution": "prostitution", "Pornography": "pornography",
             "RemoteInteractiveServices": "remote_interactive",
             "PrivateSexualServices": "private_sexual_services"}
KANON_FORMS = {**FORMS_3, "isForcedMarriage": "forced_marriage",
               "isForcedMilitary": "forced_military", "isOrganRemoval": "organ_removal",
               "isSlaveryAndPractices": "slavery_practices"}
KANON_NOT_SPECIFIED = {"means": "meansOfControlNotSpecified",
                       "sectors": "typeOfLabourNotSpecified",
                       "recruiters": "recruiterRelationUnknown"}


def combined_flags(group: str, prefix: str, pairs: dict[str, str]) -> list[Col]:
    """Several source flags may map to one analytic code: a yes in any of them is a yes."""
    return [Col(prefix + src, "flag", target=group, code=code) for src, code in pairs.items()]


class CtdcKanon(Profile):
    name = "ctdc-kanon"
    schema_version = "ctdc-kanon/2021"
    description = "CTDC global k-anonymised dataset (2021, 63 columns, ISO alpha-2)"
    signature = ("datasource", "majoritystatusatexploit", "meansofcontroldebtbondage",
                 "typeofexploitconcatenated", "isabduction")

    def columns(self) -> list[Col]:
        derived = ("meansOfControlConcatenated", "typeOfExploitConcatenated",
                   "typeOfLabourConcatenated", "typeOfSexConcatenated", "isSexAndLabour",
                   "RecruiterRelationship", *KANON_NOT_SPECIFIED.values())
        return [
            Col("yearOfRegistration", "year", target="year", required=True),
            Col("Datasource", "code", target="data_source", codes=DATASOURCE),
            Col("gender", "code", target="gender", codes=GENDER, required=True),
            Col("ageBroad", "code", target="age_band", codes=AGE, required=True),
            Col("majorityStatus", "code", target="majority_status", codes=MAJORITY),
            Col("majorityStatusAtExploit", "code", target="majority_at_exploit", codes=MAJORITY),
            Col("citizenship", "country", target="citizenship", required=True,
                accepted="ISO 3166 alpha-2 code, 00 = unknown (NA is Namibia)"),
            Col("CountryOfExploitation", "country", target="country_of_exploitation",
                required=True, accepted="ISO 3166 alpha-2 code, 00 = unknown (NA is Namibia)"),
            *combined_flags("means", "meansOfControl", KANON_MEANS),
            *flags("forms", KANON_FORMS),
            *combined_flags("sectors", "typeOfLabour", KANON_LABOUR),
            *combined_flags("sex_types", "typeOfSex", KANON_SEX),
            *flags("recruiters", RECRUITERS),
            *[Col(name, "raw") for name in derived],
        ]

    def raw_columns(self) -> tuple[str, ...]:
        return tuple(KANON_NOT_SPECIFIED.values())

    def finishers(self, current_year: int) -> list[Finisher]:
        slots = [(GROUP_SLOTS[g], KANON_NOT_SPECIFIED.get(g)) for g in GROUP_SLOTS]

        def not_specified(rec: list[Any], problems: list[Problem], raw: dict[str, str]) -> None:
            for (yes_i, known_i), unspecified in slots:
                if (unspecified and raw.get(unspecified) == "1" and not rec[yes_i]) or not rec[
                    known_i
                ]:
                    rec[yes_i] = rec[known_i] = None
                elif rec[yes_i] is None:
                    rec[yes_i] = 0

        def majority(rec: list[Any], problems: list[Problem], raw: dict[str, str]) -> None:
            majority_from_band(rec, problems, "majorityStatus")

        return [not_specified, majority]


VP_YEARS = {"2005-2013": (None, "2005-2013"), "2014-2018": (None, "2014-2018"),
            "2019": (2019, "2019"), "2020": (2020, "2020"), "2021-2022": (None, "2021-2022"),
            "": (None, None)}


class CtdcVictimPerpetrator(Profile):
    name = "ctdc-vp"
    schema_version = "ctdc-vp/2022"
    description = "CTDC victim–perpetrator synthetic dataset (2022, UN regions)"
    signature = ("yearregister", "uncooregion", "uncoeregion", "ipexploiter", "iprelation")
    group_rule = "ctdc"

    def columns(self) -> list[Col]:
        return [
            Col("yearRegister", "raw", required=True,
                accepted=", ".join(k for k in VP_YEARS if k) + " or empty"),
            Col("gender", "code", target="gender", codes=GENDER, required=True),
            Col("majorityStatus", "code", target="majority_status", codes=MAJORITY),
            *flags("forms", {"isForcedLabour": "forced_labour",
                             "isSexualExploit": "sexual_exploitation"}),
            Col("UN_COO_Region", "code", target="citizenship_region", codes=REGIONS,
                required=True),
            Col("UN_COE_Region", "code", target="exploitation_region", codes=REGIONS,
                required=True),
        ]

    def raw_columns(self) -> tuple[str, ...]:
        return ("yearRegister",)

    def finishers(self, current_year: int) -> list[Finisher]:
        year_i, band_i = FIELD_INDEX["year"], FIELD_INDEX["year_band"]
        def years(rec: list[Any], problems: list[Problem], raw: dict[str, str]) -> None:
            hit = VP_YEARS.get(raw.get("yearRegister", "").strip())
            if hit is None:
                problems.append(("yearRegister", "unknown-code"))
            else:
                rec[year_i], rec[band_i] = hit

        return [years]
