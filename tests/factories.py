"""Tiny builders of source files for tests."""

from __future__ import annotations

from tiphub.demo import ctdc_columns

CTDC_SYNTHETIC = list(ctdc_columns())


def ctdc_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(CTDC_SYNTHETIC, "")
    row.update({"yearOfRegistration": "2020", "gender": "Woman", "ageBroad": "18--20",
                "citizenship": "UKR", "CountryOfExploitation": "POL"})
    row.update(values)
    return row


def ctdc_csv(rows: list[dict[str, str]], delimiter: str = ",", header: list[str] | None = None) -> str:
    header = header or CTDC_SYNTHETIC
    lines = [delimiter.join(header)]
    lines += [delimiter.join(r.get(h, "") for h in header) for r in rows]
    return "\n".join(lines) + "\n"


HTCDS_HEADER = [
    "prs_Id", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender",
    "prs_Citizenship", "vic_IdentificationDate", "vic_TraffickingStatus",
    "vic_TypeOfExploitation", "vic_MethodsOfControl", "hte_ExploitationCountry",
]


def htcds_csv(rows: list[dict[str, str]]) -> str:
    lines = [",".join(HTCDS_HEADER)]
    lines += [",".join(r.get(h, "") for h in HTCDS_HEADER) for r in rows]
    return "\n".join(lines) + "\n"


GLOTIP_HEADER = ["Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension",
                 "Category", "Sex", "Age", "Year", "Unit of measurement", "txtVALUE", "Source"]


def glotip_csv(rows: list[list[str]]) -> str:
    lines = ["UNODC Global Report on Trafficking in Persons", "Data portal export", ",".join(GLOTIP_HEADER)]
    lines += [",".join(r) for r in rows]
    return "\n".join(lines) + "\n"
