"""The estimate page: the newest link run's estimate for every member (rounded for publication),
and estimates from an uploaded overlap table (nothing stored)."""

from __future__ import annotations

import pytest
from conftest import form_token
from factories import encoded_csv, planted_encodings

HOLDERS = [[0]] * 40 + [[0, 1]] * 20 + [[1]] * 30  # police 60, shelter 50, both 20: N = 150
TABLE = b"A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,25\n1,1,0,10\n1,0,1,8\n0,1,1,6\n1,1,1,3\n"


@pytest.fixture(scope="module")
def estimated(world):
    records = planted_encodings(len(HOLDERS), HOLDERS, seed=11)
    for party, code in enumerate(("police", "shelter")):
        path = world.home / f"{code}-estimate.csv"
        path.write_text(encoded_csv(records[party]))
        world.hub.import_file(path, org=code)
    world.hub.link(threshold=0.8)
    return world


@pytest.mark.parametrize("who", ["viewer", "hub_admin"])
def test_the_newest_run_is_estimated_for_every_member(estimated, who: str) -> None:
    answer = estimated.client(who).get("/estimate")
    assert answer.status_code == 200
    text = " ".join(answer.text.split())
    assert "Estimated 150 victims in all" in text
    assert ("rounded like every published count" in text) == (who != "hub_admin")
    assert "Closed population" in text


def test_an_uploaded_table_is_estimated(estimated) -> None:
    client = estimated.client("viewer")
    token = form_token(client, "/estimate")
    answer = client.post("/estimate", data={"csrf_token": token},
                         files={"file": ("overlap.csv", TABLE, "text/csv")})
    assert answer.status_code == 200 and "Your table" in answer.text
    assert "seen by at least one of the 3 lists" in " ".join(answer.text.split())
    bad = client.post("/estimate", data={"csrf_token": token},
                      files={"file": ("overlap.csv", b"A,B,count\n1,0,Zz9q\n0,1,3\n1,1,2\n", "text/csv")})
    assert bad.status_code == 422 and "Zz9q" not in bad.text


def test_estimate_page_in_french(estimated) -> None:
    answer = estimated.client("viewer").get("/estimate?lang=fr")
    assert answer.status_code == 200 and "Nombre estimé de victimes" in answer.text
