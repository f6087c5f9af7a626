"""Coverage and gaps: the place × pillar × intervention matrix, overlaps, gaps against the
published (protected) counts of detected victims, filters and period intersection."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from factories import ctdc_csv, ctdc_row

from tiphub import Hub, InvalidInput, NotFound, Settings
from tiphub.coordination import coverage as cov
from tiphub.coordination.coverage import Period


def activity(org: str, code: str, intervention: str, *, pillar: str | None = None,
             country: str = "GBR", adm1: str | None = None, start: str | None = None,
             end: str | None = None, **people: int | None) -> dict:
    from tiphub.coordination import vocab

    row = {"organisation": org, "code": code, "name": f"{org} {code}", "intervention": intervention,
           "pillar": pillar or vocab.pillar_of(intervention), "country": country, "adm1": adm1,
           "start_date": date.fromisoformat(start) if start else None,
           "end_date": date.fromisoformat(end) if end else None}
    for measure in ("targeted", "reached"):
        for cell in ("", *("_" + c for c in cov.SEX_AGE)):
            row[measure + cell] = people.get(measure + cell)
    return row


ROWS = [
    activity("shelter", "S1", "shelter", adm1="London", start="2024-01-01", end="2024-12-31",
             targeted=100, reached=80, targeted_f_adults=100, reached_f_adults=80),
    activity("ngo", "N1", "shelter", adm1="London", start="2024-06-01", end="2025-05-31",
             targeted=50, reached=None),
    activity("ngo", "N2", "shelter", adm1="London", start="2024-07-01", end="2024-09-30",
             targeted=10, reached=10, targeted_m_children=10, reached_m_children=10),
    activity("police", "P1", "training_law_enforcement", start="2023-02-01", end="2023-11-30",
             targeted=40, reached=30),
    activity("police", "P2", "awareness_raising", adm1="Wales"),  # no dates: always
    activity("ngo", "N3", "awareness_raising", start="2024-03-01"),  # whole country, open end
    activity("shelter", "S2", "legal_aid", country="FRA", start="2022-01-01", end="2022-12-31"),
]


# -- periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize("start,end,year,expected", [
    ("2023-06-01", "2024-02-01", 2024, True),
    ("2023-06-01", "2024-02-01", 2023, True),
    ("2023-06-01", "2024-02-01", 2025, False),
    ("2024-12-31", "2024-12-31", 2024, True),   # a single day, the last of the year
    ("2025-01-01", None, 2024, False),          # starts after
    ("2025-01-01", None, 2030, True),           # open end
    (None, "2019-12-31", 2020, False),          # ended before
    (None, None, 1990, True),                   # no dates: always
])
def test_an_activity_is_active_when_its_period_intersects_the_year(start, end, year,
                                                                   expected) -> None:
    row = activity("a", "1", "shelter", start=start, end=end)
    assert cov.active(row, Period.year(year)) is expected
    assert cov.active(row) is True  # no period asked: everything


# -- the matrix -------------------------------------------------------------------------------


def test_matrix_counts_distinct_organisations_activities_and_people() -> None:
    cells = {(c["country"], c["adm1"], c["intervention"]): c
             for c in cov.matrix(ROWS, period=Period.year(2024))}
    # FRA's legal aid ended in 2022 and police training P1 in 2023
    assert set(cells) == {("GBR", "London", "shelter"), ("GBR", "Wales", "awareness_raising"),
                          ("GBR", "", "awareness_raising")}
    london = cells[("GBR", "London", "shelter")]
    assert (london["organisations"], london["activities"]) == (2, 3)
    assert london["organisation_codes"] == ["ngo", "shelter"]
    assert (london["targeted"], london["reached"]) == (160, 90)
    # coverage only over activities reporting both: (80 + 10) / (100 + 10)
    assert london["coverage"] == round(90 / 110, 4)
    assert london["by_sex_age"]["f_adults"] == {"targeted": 100, "reached": 80, "coverage": 0.8}
    assert london["by_sex_age"]["m_children"]["coverage"] == 1.0
    assert london["by_sex_age"]["f_children"] == {"targeted": None, "reached": None,
                                                  "coverage": None}
    wales = cells[("GBR", "Wales", "awareness_raising")]
    assert (wales["targeted"], wales["reached"], wales["coverage"]) == (None, None, None)
    assert wales["place"] == "United Kingdom: Wales"


def test_matrix_filters_and_order() -> None:
    every = cov.matrix(ROWS)
    assert [(c["country"], c["adm1"], c["intervention"]) for c in every] == [
        ("FRA", "", "legal_aid"),
        ("GBR", "", "awareness_raising"),
        ("GBR", "", "training_law_enforcement"),
        ("GBR", "London", "shelter"),
        ("GBR", "Wales", "awareness_raising"),
    ]
    assert {c["country"] for c in cov.matrix(ROWS, country="FRA")} == {"FRA"}
    assert {c["pillar"] for c in cov.matrix(ROWS, pillar="prevention")} == {"prevention"}
    assert [c["intervention"] for c in cov.matrix(ROWS, period=Period.year(2023))] == [
        "training_law_enforcement", "awareness_raising"]  # P1 and P2 (no dates)
    assert cov.matrix(ROWS, period=Period(date(2022, 5, 1), date(2022, 5, 2)),
                      country="FRA")[0]["activities"] == 1


# -- overlaps ---------------------------------------------------------------------------------


def test_overlaps_name_organisations_and_the_common_period() -> None:
    found = cov.overlaps(ROWS)
    shelters = [o for o in found if o["intervention"] == "shelter"]
    assert len(shelters) == 1
    one = shelters[0]
    assert (one["place"], one["organisations"]) == ("United Kingdom: London", ["ngo", "shelter"])
    assert [a["code"] for a in one["activities"]] == ["N1", "N2", "S1"]
    # shelter S1 (2024) overlaps N1 from June and N2 from July: together 2024-06-01..2024-12-31
    assert (one["start"], one["end"]) == ("2024-06-01", "2024-12-31")
    # a national campaign (ngo) and a Welsh one (police) of the same type overlap in Wales
    awareness = [o for o in found if o["intervention"] == "awareness_raising"]
    assert [(o["adm1"], o["organisations"]) for o in awareness] == [("Wales", ["ngo", "police"])]
    assert (awareness[0]["start"], awareness[0]["end"]) == ("2024-03-01", None)


def test_no_overlap_for_one_organisation_or_disjoint_periods_or_other_places() -> None:
    rows = [
        activity("a", "1", "shelter", start="2024-01-01", end="2024-03-31"),
        activity("a", "2", "shelter", start="2024-02-01", end="2024-05-31"),  # same organisation
        activity("b", "1", "shelter", start="2024-06-01", end="2024-12-31"),  # after both
        activity("c", "1", "shelter", adm1="Kent", start="2024-01-01"),       # another region...
        activity("d", "1", "shelter", adm1="Essex", start="2024-01-01"),      # ...and another
        activity("e", "1", "legal_aid", start="2024-01-01"),                  # another type
        activity("f", "1", "shelter", country="FRA", start="2024-01-01"),     # another country
    ]
    found = cov.overlaps(rows)
    # only the national activities overlapping the regional ones: c and d, each with a and b
    assert [(o["adm1"], o["organisations"]) for o in found] == [
        ("Essex", ["a", "b", "d"]), ("Kent", ["a", "b", "c"])]
    assert cov.overlaps(rows[:3] + rows[5:]) == []
    assert cov.overlaps(rows, period=Period.year(2023)) == []


# -- gaps -------------------------------------------------------------------------------------


def test_victims_without_protection_use_published_counts_only() -> None:
    victims = {
        "GBR": {"count": 120, "display": "120", "suppressed": False},
        "POL": {"count": None, "display": "<10", "suppressed": True},  # withheld: 1 to 9
        "ITA": {"count": 0, "display": "0", "suppressed": False},      # none detected
        "FRA": {"count": 35, "display": "35", "suppressed": False},
    }
    gaps = cov.gaps(ROWS, victims, period=Period.year(2024))
    urgent = [g for g in gaps if g["kind"] == "victims_without_protection"]
    # FRA's legal aid ended in 2022; GBR has shelters in London; ITA detected nobody
    assert [(g["country"], g["victims"]["display"]) for g in urgent] == [("FRA", "35"),
                                                                         ("POL", "<10")]
    assert urgent[0]["place"] == "France" and urgent[1]["victims"]["count"] is None
    assert gaps[: len(urgent)] == urgent  # most urgent first
    # in 2022 FRA is covered
    assert "FRA" not in {g["country"] for g in cov.gaps(ROWS, victims, period=Period.year(2022))
                         if g["kind"] == "victims_without_protection"}
    # a country filter keeps its own gap only; a pillar filter other than protection none
    assert [g["country"] for g in cov.gaps(ROWS, victims, country="POL")] == ["POL"]
    assert not [g for g in cov.gaps(ROWS, victims, pillar="prevention")
                if g["kind"] == "victims_without_protection"]


def test_missing_pillars_by_country_and_region() -> None:
    gaps = [g for g in cov.gaps(ROWS, {}, period=Period.year(2024))
            if g["kind"] == "missing_pillars"]
    found = {(g["country"], g["adm1"]): g["pillars"] for g in gaps}
    # GBR in 2024: protection (London), prevention (national, Wales); no prosecution
    # (P1 ended in 2023) and no partnership anywhere
    assert found[("GBR", "")] == ["prosecution", "partnership"]
    # London has the national awareness campaign, so misses nothing present elsewhere;
    # Wales has no protection although London has
    assert ("GBR", "London") not in found
    assert found[("GBR", "Wales")] == ["protection"]
    only = cov.gaps(ROWS, {}, period=Period.year(2024), pillar="partnership")
    assert [(g["country"], g["adm1"], g["pillars"]) for g in only] == [
        ("GBR", "", ["partnership"])]


def test_country_status_for_the_map() -> None:
    victims = {"GBR": {"count": 120, "display": "120", "suppressed": False},
               "POL": {"count": None, "display": "<10", "suppressed": True},
               "ITA": {"count": 0, "display": "0", "suppressed": False}}
    status = {c["country"]: c for c in cov.country_status(ROWS, victims)}
    assert {k: v["status"] for k, v in status.items()} == {
        "GBR": "covered", "POL": "gap", "ITA": "none_detected", "FRA": "activities"}
    assert status["POL"]["region"] == "Europe" and status["GBR"]["protection_activities"] == 3
    assert cov.country_status(ROWS, victims, period=Period.year(2023), country="GBR")[0][
        "status"] == "gap"  # only police activities in 2023: no protection


# -- through the Hub: published counts, filters, authorization --------------------------------

HXL = ("Implementer,Code,Activity,Type,Country,Region,Start,End,Targeted,Reached\n"
       "#org+impl,#activity+code,#activity+name,#activity+type,#country+code,#adm1+name,"
       "#date+start,#date+end,#targeted,#reached\n")


@pytest.fixture
def space(tmp_path: Path, write) -> Hub:
    hub = Hub(Settings(home=tmp_path / "hub", current_year=2025, rounding_base=5))
    hub.add_organisation("shelter", "Shelter", "NGO", "ITA")
    hub.add_organisation("police", "Police", "LawEnforcement", "ITA")
    records = ([ctdc_row(CountryOfExploitation="POL", yearOfRegistration="2020")] * 4
               + [ctdc_row(CountryOfExploitation="ITA", yearOfRegistration="2021")] * 23
               + [ctdc_row(CountryOfExploitation="ITA", yearOfRegistration="2020")] * 12)
    hub.import_file(write("cases.csv", ctdc_csv(records)), org="police")
    hub.import_programmes(write("5w.csv", HXL + "\n".join([
        "shelter,S1,Safe house,shelter,ITA,Lazio,2021-01-01,2021-12-31,40,30",
        "police,P1,Shelter support,shelter,ITA,Lazio,2021-06-01,,20,5",
        "police,P2,Awareness,awareness_raising,POL,,2020-01-01,2020-12-31,1000,800",
    ]) + "\n"), org="shelter")
    yield hub
    hub.close()


def test_hub_coverage_gaps_come_from_the_protected_statistics(space: Hub) -> None:
    result = space.coverage(year=2020)
    assert set(result) >= {"matrix", "overlaps", "gaps", "filters", "notes", "countries"}
    assert result["filters"] == {"country": None, "year": 2020, "pillar": None,
                                 "period": {"start": "2020-01-01", "end": "2020-12-31"}}
    gaps = {g["country"]: g for g in result["gaps"] if g["kind"] == "victims_without_protection"}
    assert set(gaps) == {"POL", "ITA"}  # ITA's protection activities start in 2021
    assert gaps["POL"]["victims"]["display"] == "<10" and gaps["POL"]["victims"]["count"] is None
    assert gaps["ITA"]["victims"]["count"] in (10, 15)  # 12, secretly rounded to a multiple of 5
    assert gaps["ITA"]["victims"]["source"] == "case records"
    text = json.dumps(result)
    assert '"count": 4' not in text and '"count": 12' not in text  # never a raw count
    assert {c["country"]: c["status"] for c in result["countries"]} == {"ITA": "gap",
                                                                        "POL": "gap"}


def test_hub_coverage_filters(space: Hub) -> None:
    later = space.coverage(country="ita", year=2021)
    assert later["filters"]["country"] == "ITA"
    assert not [g for g in later["gaps"] if g["kind"] == "victims_without_protection"]
    [cell] = later["matrix"]
    assert (cell["place"], cell["organisations"], cell["targeted"], cell["reached"]) == (
        "Italy: Lazio", 2, 60, 35)
    [overlap] = later["overlaps"]
    assert overlap["organisations"] == ["police", "shelter"]
    assert (overlap["start"], overlap["end"]) == ("2021-06-01", "2021-12-31")
    assert space.coverage(pillar="prevention")["matrix"][0]["country"] == "POL"
    for bad in ({"pillar": "rescue"}, {"year": 20211}):
        with pytest.raises(InvalidInput):
            space.coverage(**bad)
    with pytest.raises(NotFound):
        space.coverage(country="Atlantis")


def test_hub_coverage_is_for_signed_in_members(space: Hub) -> None:
    from tiphub.accounts import ANONYMOUS
    from tiphub.errors import Forbidden, Unauthorized

    with pytest.raises((Forbidden, Unauthorized)):
        space.coverage(ANONYMOUS)
