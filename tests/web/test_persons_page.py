"""The distinct-persons page: the newest link run's protected counts for every signed-in
member, and the link form for hub administrators only."""

from __future__ import annotations

import pytest
from conftest import WHO, Page, form_token
from factories import encoded_csv, planted_encodings

# 12 persons only at the police, 11 at both, 14 only at the shelter
HOLDERS = [[0]] * 12 + [[0, 1]] * 11 + [[1]] * 14


@pytest.fixture(scope="module")
def linked(world):
    assert "No link run yet." in world.client("viewer").get("/persons").text
    records = planted_encodings(len(HOLDERS), HOLDERS, seed=3)
    for party, code in enumerate(("police", "shelter")):
        path = world.home / f"{code}-encoded.csv"
        path.write_text(encoded_csv(records[party]))
        world.hub.import_file(path, org=code)
    world.hub.link(threshold=0.8)
    return world


@pytest.mark.parametrize("who", WHO)
def test_persons_page_for_role(linked, who: str) -> None:
    answer = linked.client(who).get("/persons")
    if who == "anonymous":
        assert answer.status_code == 303
        return
    assert answer.status_code == 200
    text = " ".join(Page(answer.text).text) + " ".join(answer.text.split())
    assert "37 distinct persons" in text and "overstates them by 29.7%" in text
    assert ('action="/persons/link"' in answer.text) == (who == "hub_admin")
    assert ("overlap.csv" in answer.text) == (who == "hub_admin")


def test_linking_from_the_page(linked) -> None:
    admin = linked.client("hub_admin")
    token = form_token(admin, "/persons")
    answer = admin.post("/persons/link", data={"threshold": "0.8", "csrf_token": token})
    assert answer.status_code == 200 and "linked before with the same settings" in answer.text
    answer = admin.post("/persons/link", data={"threshold": "0.95", "csrf_token": token})
    assert answer.status_code == 200 and "is done" in answer.text
    bad = admin.post("/persons/link", data={"threshold": "lots", "csrf_token": token})
    assert bad.status_code == 422 and "between 0 and 1" in bad.text
    viewer = linked.client("viewer")
    refused = viewer.post("/persons/link", data={"threshold": "0.8",
                                                 "csrf_token": form_token(viewer, "/persons")})
    assert refused.status_code == 403


def test_french_page(linked) -> None:
    answer = linked.client("viewer").get("/persons?lang=fr")
    assert "Personnes distinctes" in answer.text
