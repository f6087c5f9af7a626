"""GET and DELETE /api/v1/programmes/{id}, and the year and intervention filters of the list and
the downloads."""

from __future__ import annotations

import pytest
from conftest import World

HEAD = (b"Code,Activity,Type,Country,Start,End,Targeted,Reached\n"
        b"#activity+code,#activity+name,#activity+type,#country+code,#date+start,#date+end,"
        b"#targeted,#reached\n")


def add(world: World, code: str, start: str = "2024-01-01", end: str = "2024-12-31") -> int:
    row = f"{code},Hotline {code},helpline,GBR,{start},{end},10,5\n".encode()
    answer = world.client.post("/api/v1/programmes/imports", headers=world.headers("steward"),
                               data={"org": "police"}, files={"file": ("5w.csv", HEAD + row)})
    assert answer.status_code == 201, answer.text
    found = world.client.get("/api/v1/programmes?org=police", headers=world.headers("viewer"))
    return next(p["id"] for p in found.json() if p["code"] == code)


def test_one_programme(world: World) -> None:
    pid = add(world, "API-1")
    answer = world.client.get(f"/api/v1/programmes/{pid}", headers=world.headers("other_steward"))
    assert answer.status_code == 200 and answer.json()["code"] == "API-1"
    assert world.client.get(f"/api/v1/programmes/{pid}").status_code == 401
    missing = world.client.get("/api/v1/programmes/99999999", headers=world.headers("viewer"))
    assert missing.status_code == 404 and set(missing.json()) == {"error"}


@pytest.mark.parametrize("who,status", [("anonymous", 401), ("viewer", 403), ("analyst", 403),
                                        ("other_steward", 403), ("steward", 204),
                                        ("org_admin", 204), ("hub_admin", 204)])
def test_delete_by_role(world: World, who: str, status: int) -> None:
    pid = add(world, f"DEL-{who}")
    answer = world.client.delete(f"/api/v1/programmes/{pid}", headers=world.headers(who))
    assert answer.status_code == status, answer.text
    after = world.client.get(f"/api/v1/programmes/{pid}", headers=world.headers("viewer"))
    assert after.status_code == (404 if status == 204 else 200)
    if status == 204:
        again = world.client.delete(f"/api/v1/programmes/{pid}", headers=world.headers(who))
        assert again.status_code == 404


def test_year_and_intervention_filters(world: World) -> None:
    add(world, "Y-2019", "2019-01-01", "2019-12-31")
    add(world, "Y-OPEN", "2018-06-01", "")
    viewer = world.headers("viewer")
    codes = {p["code"] for p in world.client.get("/api/v1/programmes?year=2019",
                                                  headers=viewer).json()}
    assert {"Y-2019", "Y-OPEN"} <= codes and "API-1" not in codes
    assert world.client.get("/api/v1/programmes?year=99", headers=viewer).status_code == 422
    csv = world.client.get("/api/v1/programmes.csv?year=2019&intervention=helpline",
                           headers=viewer)
    assert csv.status_code == 200 and "Y-2019" in csv.text and "API-1" not in csv.text
    none = world.client.get("/api/v1/programmes.csv?year=2019&intervention=shelter",
                            headers=viewer)
    assert none.status_code == 200 and len(none.text.splitlines()) == 2  # the two header rows
    xlsx = world.client.get("/api/v1/programmes.xlsx?year=2019", headers=viewer)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
