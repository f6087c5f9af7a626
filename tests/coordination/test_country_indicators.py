"""The country indicators of the Global Plan of Action appraisal: victims detected from the
hub's protected statistics and from the Global Report table, persons prosecuted and convicted
from the Global Report table — each with its source, withheld values kept withheld."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import ctdc_csv, ctdc_row, glotip_csv

from tiphub import Hub, Settings
from tiphub.accounts import ANONYMOUS, Principal
from tiphub.errors import Forbidden, InvalidInput, NotFound


def gr(iso3: str, indicator: str, year: int, value: str, *, dimension: str = "Total",
       category: str = "Total", sex: str = "Total", age: str = "Total",
       source: str = "National authorities") -> list[str]:
    return [iso3, "Country", "Region", "Subregion", indicator, dimension, category, sex, age,
            str(year), "Counts", value, source]


def load(hub: Hub, home: Path) -> None:
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    hub.add_organisation("unodc", "UNODC figures", "NGO", None)
    records = ([ctdc_row(CountryOfExploitation="GBR", yearOfRegistration="2020")
                for _ in range(12)]
               + [ctdc_row(CountryOfExploitation="GBR", yearOfRegistration="2021")
                for _ in range(23)]
               + [ctdc_row(CountryOfExploitation="GBR", yearOfRegistration="2022")
                  for _ in range(4)]
               + [ctdc_row(CountryOfExploitation="POL", yearOfRegistration="2021")
                  for _ in range(30)])
    (home / "police.csv").write_text(ctdc_csv(records))
    hub.import_file(home / "police.csv", org="police")
    old = [gr("GBR", "Persons convicted", 2021, "40", source="Old edition")]
    (home / "glotip-old.csv").write_text(glotip_csv(old))
    hub.import_file(home / "glotip-old.csv", org="unodc")
    rows = [
        gr("GBR", "Detected trafficking victims", 2021, "1200"),
        gr("GBR", "Detected trafficking victims", 2021, "700", sex="Female"),  # a breakdown
        gr("GBR", "Detected trafficking victims", 2021, "300", dimension="by form of exploitation",
           category="Forced labour"),
        gr("GBR", "Persons prosecuted", 2021, "<5", source=""),
        gr("GBR", "Persons convicted", 2021, "43"),
        gr("GBR", "Persons convicted", 2022, "7"),
        gr("GBR", "Persons brought into formal contact", 2021, "500"),
        gr("NGA", "Persons convicted", 2021, "12"),
    ]
    (home / "glotip.csv").write_text(glotip_csv(rows))
    hub.import_file(home / "glotip.csv", org="unodc")


@pytest.fixture
def loaded(tmp_path: Path):
    home = tmp_path / "home"
    with Hub(Settings(home=home, current_year=2025, rounding_base=5)) as hub:
        home.mkdir(parents=True, exist_ok=True)
        load(hub, home)
        yield hub


def as_table(found: list[dict]) -> set[tuple]:
    return {(r["year"], r["indicator"], r["source_kind"], r["display"]) for r in found}


def test_every_source_and_every_mark(loaded: Hub) -> None:
    found = loaded.country_indicators(country="GBR")
    records_2021 = next(r for r in found if (r["year"], r["source_kind"]) == (2021, "case_records"))
    assert records_2021["display"] in ("20", "25")  # 23, rounded with the hub's secret to base 5
    assert as_table([r for r in found if r is not records_2021]) == {
        (2022, "victims_detected", "case_records", "<10"),       # 4: withheld by the hub
        (2020, "victims_detected", "case_records", "x"),         # would reveal 2022's 4
        (2021, "victims_detected", "global_report", "1200"),     # the total row only
        (2021, "persons_prosecuted", "global_report", "<5"),     # UNODC's own mark
        (2021, "persons_convicted", "global_report", "43"),      # the newer edition wins
        (2022, "persons_convicted", "global_report", "<10"),     # 7: the hub's small-cell rule
    }
    assert [(r["year"], r["indicator"]) for r in found][:2] == [
        (2022, "victims_detected"), (2022, "persons_convicted")]  # newest year first
    withheld = [r for r in found if r["suppressed"]]
    assert withheld and all(r["value"] is None for r in withheld)
    assert all(r["value"] is not None for r in found if not r["suppressed"])
    sources = {r["source_kind"]: r["source"] for r in found}
    assert "not distinct persons" in sources["case_records"]
    assert sources["global_report"].startswith("UNODC Global Report")
    convicted = next(r for r in found if r["indicator"] == "persons_convicted" and r["year"] == 2021)
    assert convicted["source"] == "UNODC Global Report on Trafficking in Persons (National authorities)"
    assert convicted["label"] == "Persons convicted" and convicted["country"] == "GBR"


def test_one_year_and_countries_without_records(loaded: Hub) -> None:
    assert as_table(loaded.country_indicators(country="GBR", year=2022)) == {
        (2022, "victims_detected", "case_records", "<10"),
        (2022, "persons_convicted", "global_report", "<10")}
    assert as_table(loaded.country_indicators(country="nga")) == {
        (2021, "persons_convicted", "global_report", "12")}
    assert loaded.country_indicators(country="FRA") == []
    assert loaded.country_indicators(country="GBR", year=1999) == []
    with pytest.raises(NotFound):
        loaded.country_indicators(country="Atlantis")


@pytest.mark.parametrize("year", [10**20, -1, 1899, 2101])
def test_a_year_out_of_range_is_a_clear_error(loaded: Hub, year: int) -> None:
    with pytest.raises(InvalidInput, match="out of range"):  # not a database overflow
        loaded.country_indicators(country="GBR", year=year)


def test_every_member_reads_nobody_else(loaded: Hub) -> None:
    viewer = Principal(user_id=9, email="v@x.test", name="V", roles={1: "viewer"})
    assert loaded.country_indicators(viewer, country="GBR")
    with pytest.raises(Forbidden):
        loaded.country_indicators(ANONYMOUS, country="GBR")
