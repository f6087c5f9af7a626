"""The instruments API: the public status table (JSON and CSV) and the import of status files."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tiphub import Hub, Settings
from tiphub.api import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery staple"
DATA = Path(__file__).parents[1] / "coordination" / "data" / "treaties"


class Space:
    def __init__(self, hub: Hub, client: TestClient, tokens: dict[str, str]) -> None:
        self.hub, self.client, self.tokens = hub, client, tokens

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Space]:
    home = tmp_path_factory.mktemp("instruments-api")
    hub = Hub(Settings(home=home, current_year=2025))
    hub.add_organisation("police", "Police", "LawEnforcement", "GBR")
    hub.create_user("hub@admin.test", "Hub admin", PASSWORD, hub_admin=True)
    hub.create_user("steward@police.test", "Steward", PASSWORD)
    hub.set_role("steward@police.test", "police", "org_admin")
    tokens = {}
    for who, email in (("admin", "hub@admin.test"), ("org_admin", "steward@police.test")):
        principal = hub.login(email, PASSWORD, ip="127.0.0.1")[0]
        tokens[who] = hub.create_api_token(principal, "tests", ["read", "import", "admin"])[1]
    with TestClient(create_app(hub)) as client:
        yield Space(hub, client, tokens)
    hub.close()


def _upload(space: Space, who: str, name: str, content: bytes, **form: str):
    return space.client.post(
        "/api/v1/instruments/imports", headers=space.headers(who), data=form, files={"file": (name, content)}
    )


def test_only_hub_administrators_import(space: Space) -> None:
    content = (DATA / "XVIII-12-a.en.xml").read_bytes()
    assert _upload(space, "anonymous", "XVIII-12-a.en.xml", content).status_code == 401
    denied = _upload(space, "org_admin", "XVIII-12-a.en.xml", content)
    assert denied.status_code == 403 and set(denied.json()) == {"error"}
    done = _upload(space, "admin", "XVIII-12-a.en.xml", content)
    assert done.status_code == 201, done.text
    assert done.json() | {"created": 0, "unchanged": 0} == {
        "file": "XVIII-12-a.en.xml",
        "format": "untc-xml",
        "instruments": ["palermo-trafficking"],
        "records": 10,
        "countries": 10,
        "parties": 9,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
    }


def test_status_table_is_public_in_json_and_csv(space: Space) -> None:
    _upload(space, "admin", "XVIII-12-a.en.xml", (DATA / "XVIII-12-a.en.xml").read_bytes())
    rows = space.client.get("/api/v1/instruments").json()
    assert {r["country"] for r in rows} >= {"AFG", "ALB", "group:EU"}
    alb = space.client.get("/api/v1/instruments?country=ALB").json()
    assert [r["instrument"] for r in alb] == ["untoc", "palermo-trafficking", "opsc", "ilo-p029"]
    assert (alb[1]["status"], alb[1]["consent"], alb[1]["source"]) == (
        "party",
        "2002-08-21",
        "XVIII-12-a.en.xml",
    )
    response = space.client.get("/api/v1/instruments.csv?country=ALB")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert len(table) == 4 and table[1]["label"] == "Party (ratification)" and table[0]["known"] == "false"
    missing = space.client.get("/api/v1/instruments?country=Atlantis")
    assert missing.status_code == 404 and missing.json()["error"]["type"]


def test_a_bad_file_is_a_422_naming_every_problem_and_stores_nothing(space: Space) -> None:
    before = space.client.get("/api/v1/instruments.csv").text
    bad = (
        b"country,instrument,signature_date,consent_date,consent_type\n"
        b"GBR,P029,,2016-01-22,ratification\n"
        b"Atlantis,P029,,2016-01-22,ratification\n"
        b"FRA,P029,,22 Jan 2016,accession\n"
    )
    response = _upload(space, "admin", "p029.csv", bad)
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert "Atlantis" in message and "mixed date formats" in message and "accession" in message
    assert space.client.get("/api/v1/instruments.csv").text == before


def test_naming_the_instrument_and_format_in_the_form(space: Space) -> None:
    content = (DATA / "XVIII-12-a.en.xml").read_bytes()
    wrong = _upload(space, "admin", "status.xml", content, instrument="untoc")
    assert wrong.status_code == 422 and "not the status of UNTOC" in wrong.json()["error"]["message"]
    bad_format = _upload(space, "admin", "status.xml", content, format="xlsx")
    assert bad_format.status_code == 422
    ok = _upload(space, "admin", "download", (DATA / "ilo_p029.csv").read_bytes(), format="csv")
    assert ok.status_code == 201 and ok.json()["instruments"] == ["ilo-p029"]
