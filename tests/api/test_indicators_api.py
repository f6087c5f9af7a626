"""The indicators API: list with progress, HXL export that imports again, all-or-nothing
imports with every problem, and the country indicators."""

from __future__ import annotations

import pytest

PROGRAMMES = ("Code,Activity,Type,Country\n#activity+code,#activity+name,#activity+type,"
              "#country+code\nP-1,Investigations,investigation,GBR\n")
LOGFRAME = ("Programme,Code,Indicator,Level,Baseline,Baseline date,Target,Target date,Measured,"
            "Value\n#activity+code,#indicator+code,#indicator+name,#indicator+type,"
            "#indicator+value+baseline,#date+baseline,#indicator+value+target,#date+target,"
            "#date+reported,#indicator+num\n"
            "P-1,OC-1,Cases brought to court,outcome,10,2020-01-01,50,2022-01-01,2021-01-01,30\n"
            "P-1,OC-1,Cases brought to court,outcome,10,2020-01-01,50,2022-01-01,2022-01-01,55\n")


@pytest.fixture(scope="module")
def programme(world):
    path = world.upload.parent / "indicators-5w.csv"
    path.write_text(PROGRAMMES)
    world.hub.import_programmes(path, org="police")
    return world


def post(world, who: str, text: str, org: str = "police"):
    return world.client.post("/api/v1/indicators/imports", headers=world.headers(who),
                             data={"org": org}, files={"file": ("lf.csv", text.encode())})


def test_import_list_export(programme) -> None:
    w = programme
    answer = post(w, "steward", LOGFRAME)
    assert answer.status_code == 201, answer.text
    assert answer.json()["indicators_created"] + answer.json()["indicators_unchanged"] == 1
    found = w.client.get("/api/v1/indicators?country=GBR", headers=w.headers("viewer")).json()
    mine = next(i for i in found if i["programme"] == "P-1")
    assert mine["progress"]["status"] == "achieved" and mine["progress"]["label"] == "Achieved"
    assert mine["latest"] == 55 and len(mine["measurements"]) == 2
    csv = w.client.get("/api/v1/indicators.csv?org=police", headers=w.headers("viewer"))
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "#indicator+value+baseline" in csv.text and "Cases brought to court" in csv.text
    again = post(w, "steward", csv.text)
    assert again.status_code == 201 and again.json()["measurements_unchanged"] == 2


def test_a_bad_file_is_a_422_with_every_problem(programme) -> None:
    bad = LOGFRAME.replace(",10,2020-01-01,50", ",,2020-01-01,50").replace("P-1,OC-1", "NOPE,OC-1", 1)
    answer = post(programme, "steward", bad)
    assert answer.status_code == 422
    rules = {(p["row"], p["rule"]) for p in answer.json()["error"]["problems"]}
    assert (1, "unknown-programme") in rules and (2, "no-baseline") in rules


def test_who_may(programme) -> None:
    assert post(programme, "viewer", LOGFRAME).status_code == 403
    assert post(programme, "other_steward", LOGFRAME).status_code == 403
    assert post(programme, "anonymous", LOGFRAME).status_code == 401
    assert programme.client.get("/api/v1/indicators").status_code == 401


def test_country_indicators(programme) -> None:
    w = programme
    answer = w.client.get("/api/v1/countries/POL/indicators", headers=w.headers("viewer"))
    assert answer.status_code == 200
    rows = answer.json()
    assert rows and {r["indicator"] for r in rows} == {"victims_detected"}
    assert all(r["source_kind"] == "case_records" for r in rows)
    year = rows[0]["year"]
    one = w.client.get(f"/api/v1/countries/POL/indicators?year={year}", headers=w.headers("viewer"))
    assert [r["year"] for r in one.json()] == [year]
    assert w.client.get("/api/v1/countries/XXX/indicators",
                        headers=w.headers("viewer")).status_code == 404
    assert w.client.get("/api/v1/countries/POL/indicators?year=99999",
                        headers=w.headers("viewer")).status_code == 422
