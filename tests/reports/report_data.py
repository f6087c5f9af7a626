"""Small source files for report tests, written by the tests themselves."""

from __future__ import annotations

from pathlib import Path

from tiphub.demo import ctdc_columns

CTDC_COLUMNS = ctdc_columns()
GLOTIP_COLUMNS = ("Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension",
                  "Category", "Sex", "Age", "Year", "Unit of measurement", "txtVALUE", "Source")

#: (copies, values) of each group of identical rows: (organisation, fields)
POLICE = [
    (40, dict(yearOfRegistration="2021", gender="Woman", ageBroad="18--20", citizenship="UKR",
              CountryOfExploitation="POL", traffickMonths="0--12 (0-1 yr)", isSexualExploit="1",
              meansThreats="1", recruiterRelationFriend="1")),
    (30, dict(yearOfRegistration="2022", gender="Man", ageBroad="30--38", citizenship="UKR",
              CountryOfExploitation="POL", traffickMonths="13--24 (1-2 yrs)", isForcedLabour="1",
              meansWithholdDocs="1")),
    (25, dict(yearOfRegistration="2022", gender="Woman", ageBroad="9--17", citizenship="POL",
              CountryOfExploitation="POL", isSexualExploit="1", recruiterRelationFamily="1")),
    (15, dict(yearOfRegistration="2022", gender="Woman", ageBroad="21--23", citizenship="ROU",
              CountryOfExploitation="GBR", isSexualExploit="1", meansThreats="1")),
]
PLANTED = 7  # boys exploited in Poland, known to the shelter only: a small count
SHELTER = [
    (20, dict(yearOfRegistration="2021", gender="Woman", ageBroad="24--26", citizenship="VNM",
              CountryOfExploitation="POL", isForcedLabour="1", meansDebtBondageEarnings="1")),
    (PLANTED, dict(yearOfRegistration="2022", gender="Man", ageBroad="9--17", citizenship="NPL",
                   CountryOfExploitation="POL", traffickMonths="25+ (2+ yrs)",
                   isForcedLabour="1")),
]


def ctdc_file(path: Path, groups: list[tuple[int, dict[str, str]]]) -> Path:
    lines = [",".join(CTDC_COLUMNS)]
    for copies, values in groups:
        lines += [",".join(values.get(c, "") for c in CTDC_COLUMNS)] * copies
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def glotip_file(path: Path, iso3: str, name: str) -> Path:
    """A Global Report table for one country: sex × age, forms, citizenship; a '<5'."""
    def row(dimension: str, category: str, sex: str, age: str, year: int, value: str) -> str:
        return ",".join((iso3, name, "Africa", "Sub-Saharan Africa",
                         "Detected trafficking victims", dimension, category, sex, age,
                         str(year), "Counts", value, "National data"))

    rows = [row("Total", "Total", "Female", "18 years or over", 2022, "150"),
            row("Total", "Total", "Female", "0 to 17 years", 2022, "90"),
            row("Total", "Total", "Male", "18 years or over", 2022, "60"),
            row("Total", "Total", "Male", "0 to 17 years", 2022, "<5"),
            row("Total", "Total", "Total", "Total", 2021, "280"),
            row("Total", "Total", "Total", "Total", 2022, "304"),
            row("by form of exploitation", "Sexual exploitation", "Female", "18 years or over",
                2022, "110"),
            row("by form of exploitation", "Forced labour", "Male", "18 years or over", 2022,
                "45"),
            row("by citizenship", "Nigerians", "Total", "Total", 2022, "260"),
            row("by citizenship", "Beninese", "Total", "Total", 2022, "30")]
    title = ["UNODC Global Report on Trafficking in Persons", "Data portal export"]
    path.write_text("\n".join([*title, ",".join(GLOTIP_COLUMNS), *rows]) + "\n",
                    encoding="utf-8")
    return path
