"""UNODC Global Report on Trafficking in Persons: the data portal's long table.

Rows become :data:`tiphub.store.schema.country_aggregates`, not case records. Citizenship
categories are free text in several languages; they are mapped to ISO codes where possible and
the import report lists every label that stayed unmapped (labels are country names, not
personal data, so they may be named).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from tiphub.ingest.profiles.base import Problem, Profile, artefact, norm
from tiphub.ingest.profiles.spec import FIRST_YEAR
from tiphub.vocab import geo

INDICATORS = (
    "Detected trafficking victims", "Persons convicted", "Persons prosecuted",
    "Persons brought into formal contact", "Offences of trafficking in persons",
)
DIMENSIONS = ("Total", "by form of exploitation", "by citizenship", "by country of repatriation")
SEXES = ("Total", "Female", "Male", "Other", "Unknown")
AGES = ("Total", "0 to 17 years", "18 years or over", "Unknown")
FORMS = {"Sexual exploitation": "sexual_exploitation", "Forced labour": "forced_labour",
         "Other forms of exploitation": "other_exploitation",
         "Forced criminal activity": "forced_criminality", "Forced marriage": "forced_marriage",
         "Organ removal": "organ_removal", "Begging": "forced_begging",
         "Total": "total"}
COLUMNS = ("iso3", "indicator", "dimension", "category", "category_code", "sex", "age", "year",
           "unit", "value", "suppressed", "value_text", "source")
SUPPRESSED = re.compile(r"^<\s*(\d+)$")


def _choices(values: tuple[str, ...]) -> dict[str, str]:
    return {norm(v): v for v in values}


@lru_cache(maxsize=4096)
def citizenship_code(label: str) -> str | None:
    mapping = geo.map_country_labels([label])
    return mapping.mapped.get(label) or mapping.special.get(label)


class AggregateMapper:
    """Binds the Global Report header; converts rows to country aggregates."""

    target = "country_aggregates"
    columns = (*COLUMNS, "submission_id")

    def __init__(self, header: list[str], *, file: str, current_year: int) -> None:
        from tiphub.errors import FileRejected

        index = {norm(h): i for i, h in enumerate(header)}
        wanted = {"iso3": "Iso3_code", "indicator": "Indicator", "dimension": "Dimension",
                  "category": "Category", "sex": "Sex", "age": "Age", "year": "Year",
                  "value": "txtVALUE"}
        missing = [col for col in wanted.values() if norm(col) not in index]
        if missing:
            raise FileRejected(
                f"missing required column(s) for profile glotip: {', '.join(missing)}",
                file=file, hint="the Global Report table starts with two title lines, then "
                "Iso3_code, Country, Region, ... txtVALUE, Source")
        self.idx = {key: index[norm(col)] for key, col in wanted.items()}
        self.unit_i = index.get(norm("Unit of measurement"))
        self.source_i = index.get(norm("Source"))
        self.header = header
        self.width = len(header)
        self.current_year = current_year
        self.profile, self.schema_version = "glotip", "glotip/2024"
        self.withheld: list[str] = []
        self.unmapped: list[str] = []
        self.unmapped_labels: dict[str, int] = {}
        self.iso3 = {c.iso3 for c in geo.countries()}
        self.choices = {"indicator": _choices(INDICATORS), "dimension": _choices(DIMENSIONS),
                        "sex": _choices(SEXES), "age": _choices(AGES)}
        self.accepted = {
            header[self.idx["iso3"]]: "ISO 3166 alpha-3 code",
            header[self.idx["indicator"]]: ", ".join(INDICATORS),
            header[self.idx["dimension"]]: ", ".join(DIMENSIONS),
            header[self.idx["sex"]]: ", ".join(SEXES),
            header[self.idx["age"]]: ", ".join(AGES),
            header[self.idx["year"]]: f"a year from {FIRST_YEAR} to {current_year}",
            header[self.idx["value"]]: "a whole number, or <N for a suppressed value",
        }

    def start(self, submission_id: int, organisation_id: int) -> None:
        self.submission_id = submission_id

    def keepable(self, row: list[str]) -> dict[str, str]:
        return {h: (row[i] if i < len(row) else "") for i, h in enumerate(self.header)}

    def convert(self, row: list[str], row_number: int) -> tuple[tuple | None, list[Problem]]:
        if len(row) != self.width:
            if len(row) > self.width and not any(row[self.width:]):
                row = row[: self.width]
            else:
                return None, [("", "ragged-row")]
        problems: list[Problem] = []
        row = [c.replace("\x00", "") for c in row]  # databases refuse NUL in text
        cell = {key: row[i].strip() for key, i in self.idx.items()}
        col = {key: self.header[i] for key, i in self.idx.items()}
        iso3 = cell["iso3"].upper()
        if iso3 not in self.iso3:
            problems.append((col["iso3"], "unknown-code"))
        chosen: dict[str, str] = {}
        for key, choices in self.choices.items():
            hit = choices.get(norm(cell[key]))
            if hit is None:
                problems.append((col[key], "unknown-code"))
            else:
                chosen[key] = hit
        year = self._year(cell["year"], col["year"], problems)
        value, suppressed = self._value(cell["value"], col["value"], problems)
        if problems:
            return None, problems
        category = cell["category"]
        code = self._category_code(chosen["dimension"], category)
        unit = row[self.unit_i].strip()[:64] if self.unit_i is not None else None
        source = row[self.source_i].strip()[:256] if self.source_i is not None else None
        return (iso3, chosen["indicator"], chosen["dimension"], category[:256], code,
                chosen["sex"], chosen["age"], year, unit or None, value, suppressed,
                cell["value"][:32], source or None, self.submission_id), []

    def _year(self, text: str, column: str, problems: list[Problem]) -> int | None:
        try:
            year = int(text)
        except ValueError:
            problems.append((column, "not-a-year"))
            return None
        if year < FIRST_YEAR:
            problems.append((column, "year-out-of-range"))
        elif year > self.current_year:
            problems.append((column, "future-year"))
        return year

    def _value(self, text: str, column: str, problems: list[Problem]) -> tuple[Any, bool]:
        if SUPPRESSED.match(text):
            return None, True
        try:
            value = int(text.replace(",", "").replace(" ", ""))
        except ValueError:
            problems.append((column, artefact(text) or "not-a-number"))
            return None, False
        if value < 0:
            problems.append((column, "negative-number"))
        return value, False

    def _category_code(self, dimension: str, category: str) -> str | None:
        if dimension == "by form of exploitation":
            return FORMS.get(category)
        if dimension in ("by citizenship", "by country of repatriation"):
            code = citizenship_code(category)
            if code is None:
                self.unmapped_labels[category] = self.unmapped_labels.get(category, 0) + 1
            return code
        return None


class Glotip(Profile):
    name = "glotip"
    schema_version = "glotip/2024"
    description = "UNODC Global Report long table (two title lines, then the header)"
    signature = ("iso3code", "indicator", "dimension", "txtvalue", "unitofmeasurement")

    def bind(self, header: list[str], *, file: str, current_year: int) -> AggregateMapper:  # type: ignore[override]
        return AggregateMapper(header, file=file, current_year=current_year)
