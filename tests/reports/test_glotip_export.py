"""The Global Report long-table export: exact columns, protected figures, withheld stays
withheld."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_data import GLOTIP_COLUMNS, PLANTED, POLICE, SHELTER, ctdc_file, glotip_file

from tiphub import Hub, Settings
from tiphub.errors import InvalidInput, NotFound
from tiphub.reports.glotip import COLUMNS


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    home = tmp_path_factory.mktemp("glotip-hub")
    with Hub(Settings(home=home, current_year=2025, rounding_base=1)) as h:
        h.add_organisation("police", "National Police", "LawEnforcement", country="POL")
        h.add_organisation("shelter", "Shelter", "NGO", country="POL")
        h.add_organisation("unodc", "UNODC data portal", "CentralGovernmentOrganisation")
        h.import_file(ctdc_file(home / "police.csv", POLICE), org="police")
        h.import_file(ctdc_file(home / "shelter.csv", SHELTER), org="shelter")
        glotip = glotip_file(home / "glotip.csv", "NGA", "Nigeria")
        extra = ("NGA,Nigeria,Africa,Sub-Saharan Africa,Persons convicted,Total,Total,Total,Total,"
                 "2022,Counts,7,National data\n"
                 "NGA,Nigeria,Africa,Sub-Saharan Africa,Persons prosecuted,Total,Total,Total,Total,"
                 "2022,Counts,<5,National data\n")
        glotip.write_text(glotip.read_text() + extra)
        h.import_file(glotip, org="unodc")
        yield h


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_columns_are_exactly_the_global_reports(hub: Hub) -> None:
    text = hub.glotip_export("NGA")
    assert text.splitlines()[0].split(",") == list(GLOTIP_COLUMNS) == list(COLUMNS)
    assert COLUMNS == ("Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension",
                       "Category", "Sex", "Age", "Year", "Unit of measurement", "txtVALUE",
                       "Source")


def test_global_report_rows_round_trip_and_withheld_stays_withheld(hub: Hub) -> None:
    rows = rows_of(hub.glotip_export("NGA", year=2022))
    assert {r["Year"] for r in rows} == {"2022"}
    assert {(r["Iso3_code"], r["Country"], r["Region"], r["Subregion"]) for r in rows} == {
        ("NGA", "Nigeria", "Africa", "Sub-Saharan Africa")}
    by = {(r["Indicator"], r["Dimension"], r["Category"], r["Sex"], r["Age"]): r for r in rows}
    detected = "Detected trafficking victims"
    assert by[(detected, "Total", "Total", "Male", "0 to 17 years")]["txtVALUE"] == "<5"
    assert by[(detected, "Total", "Total", "Female", "18 years or over")]["txtVALUE"] == "150"
    assert by[(detected, "by citizenship", "Nigerians", "Total", "Total")]["txtVALUE"] == "260"
    assert by[("Persons prosecuted", "Total", "Total", "Total", "Total")]["txtVALUE"] == "<5"
    # a value under the hub's minimum cell size (10) leaves the hub withheld too
    assert by[("Persons convicted", "Total", "Total", "Total", "Total")]["txtVALUE"] == "<10"
    assert all(r["Source"] == "National data" for r in rows)
    assert len(rows_of(hub.glotip_export("NGA"))) == len(rows) + 1  # 2021's total


def test_case_record_rows_are_the_protected_statistics(hub: Hub) -> None:
    rows = rows_of(hub.glotip_export("POL", year=2022))
    assert rows and all(r["Source"].startswith("tiphub: case records of 2 organisations")
                        for r in rows)
    by = {(r["Dimension"], r["Category"], r["Sex"], r["Age"]): r["txtVALUE"] for r in rows}
    table = hub.stats("sex-age", country="POL", year=2022)
    assert by[("Total", "Total", "Total", "Total")] == table.total.display
    # the planted small count: boys known to the shelter only
    assert by[("Total", "Total", "Male", "0 to 17 years")] == "<10"
    assert by[("by form of exploitation", "Forced labour", "Male", "0 to 17 years")] == "<10"
    assert by[("by citizenship", "Ukraine", "Total", "Total")] == "30"
    assert by[("by citizenship", "Nepal", "Total", "Total")] == "<10"
    assert str(PLANTED) not in {r["txtVALUE"] for r in rows}
    every = {v for v in by.values()}
    assert every <= {"<10", "x"} | {str(n) for n in range(0, 10_000)}


def test_every_year_without_a_year(hub: Hub) -> None:
    years = {r["Year"] for r in rows_of(hub.glotip_export("POL"))}
    assert years == {"2021", "2022"}


def test_writing_a_file_and_errors(hub: Hub, tmp_path: Path) -> None:
    target = hub.glotip_export("NGA", year=2021, path=tmp_path / "out" / "nga.csv")
    assert target == tmp_path / "out" / "nga.csv"
    assert rows_of(target.read_text())[0]["txtVALUE"] == "280"
    with pytest.raises(NotFound) as caught:
        hub.glotip_export("FRA")
    assert "France" in caught.value.message and caught.value.hint
    with pytest.raises(NotFound, match="2019"):
        hub.glotip_export("NGA", year=2019)
    with pytest.raises(NotFound):
        hub.glotip_export("XXX")
    with pytest.raises(InvalidInput):
        hub.glotip_export("NGA", year=3000)


def test_cli_glotip(hub: Hub, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tiphub.cli import app

    out = tmp_path / "pol.csv"
    result = CliRunner().invoke(app, ["--db", hub.settings.resolved_database_url(), "report",
                                      "glotip", "--country", "POL", "--year", "2021", "-o",
                                      str(out)])
    assert result.exit_code == 0, result.output
    assert {r["Year"] for r in rows_of(out.read_text())} == {"2021"}
