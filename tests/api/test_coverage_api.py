"""GET /api/v1/coverage and /coverage.csv: the matrix, overlaps and gaps as JSON and CSV."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import World

HXL = ("Implementer,Code,Activity,Type,Country,Region,Start,End,Targeted,Reached\n"
       "#org+impl,#activity+code,#activity+name,#activity+type,#country+code,#adm1+name,"
       "#date+start,#date+end,#targeted,#reached\n")


@pytest.fixture(scope="module")
def covered(world: World) -> World:
    """Programmes: a shelter in Poland from 2021 (the police's 15 victims were detected in
    2020), and two organisations raising awareness in Warsaw at the same time."""
    path = world.upload.parent / "coverage-5w.csv"
    path.write_text(HXL + "\n".join([
        "shelter,S1,Safe house,shelter,POL,Masovia,2021-01-01,2021-12-31,40,30",
        "shelter,S2,Campaign,awareness_raising,POL,,2020-01-01,2020-12-31,500,450",
        "police,P1,Campaign,awareness_raising,POL,,2020-06-01,2020-08-31,100,100",
    ]) + "\n")
    world.hub.import_programmes(path, org="shelter")
    return world


def get(world: World, path: str, who: str = "viewer"):
    return world.client.get("/api/v1" + path, headers=world.headers(who))


def test_coverage_json_has_matrix_overlaps_and_gaps(covered: World) -> None:
    answer = get(covered, "/coverage?country=POL&year=2020")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"matrix", "overlaps", "gaps", "countries", "filters", "notes"}
    assert body["filters"]["country"] == "POL" and body["filters"]["year"] == 2020
    [cell] = body["matrix"]
    assert (cell["intervention"], cell["organisations"], cell["activities"]) == (
        "awareness_raising", 2, 2)
    assert (cell["targeted"], cell["reached"]) == (600, 550)
    [overlap] = body["overlaps"]
    assert overlap["organisations"] == ["police", "shelter"]
    assert (overlap["start"], overlap["end"]) == ("2020-06-01", "2020-08-31")
    [gap] = [g for g in body["gaps"] if g["kind"] == "victims_without_protection"]
    assert gap["country"] == "POL" and gap["victims"]["display"] == "15"
    assert body["countries"][0]["status"] == "gap"


def test_a_protection_activity_closes_the_gap(covered: World) -> None:
    body = get(covered, "/coverage?country=POL&year=2021").json()
    assert not [g for g in body["gaps"] if g["kind"] == "victims_without_protection"]
    assert get(covered, "/coverage?pillar=protection").json()["matrix"][0]["adm1"] == "Masovia"


def test_coverage_csv_is_the_matrix(covered: World) -> None:
    answer = get(covered, "/coverage.csv?year=2020", who="hub_admin")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [(r["country"], r["intervention"], r["organisations"]) for r in rows] == [
        ("POL", "awareness_raising", "2")]
    assert rows[0]["organisation_codes"] == "police;shelter"


@pytest.mark.parametrize("query,status", [
    ("?pillar=rescue", 422), ("?year=99999", 422), ("?country=Atlantis", 404),
])
def test_bad_filters_are_refused(covered: World, query: str, status: int) -> None:
    answer = get(covered, "/coverage" + query)
    assert answer.status_code == status and set(answer.json()) == {"error"}


def test_coverage_needs_signing_in(covered: World) -> None:
    assert get(covered, "/coverage", who="anonymous").status_code == 401
    assert get(covered, "/coverage.csv", who="anonymous").status_code == 401
