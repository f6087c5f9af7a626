"""The API through the real app: sign-in with cookies and CSRF, uploads, pages, errors."""

from __future__ import annotations

import warnings

from conftest import PASSWORD, World
from factories import ctdc_csv, ctdc_row

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from tiphub.api import create_app


def test_cookie_session_needs_csrf_for_changes(world: World) -> None:
    with TestClient(create_app(world.hub)) as browser:
        r = browser.post("/api/v1/auth/login", json={"email": "steward@police.test",
                                                     "password": PASSWORD})
        assert r.status_code == 200
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        csrf = r.json()["csrf_token"]
        assert browser.get("/api/v1/records?org=police").status_code == 200
        files = {"file": ("cookie.csv", ctdc_csv([ctdc_row(yearOfRegistration="2019")]).encode())}
        assert browser.post("/api/v1/imports", data={"org": "police"}, files=files).status_code == 403
        r = browser.post("/api/v1/imports", data={"org": "police"}, files=files,
                         headers={"X-CSRF-Token": csrf})
        assert r.status_code == 201 and r.json()["rows_accepted"] == 1
        assert browser.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
        assert browser.get("/api/v1/auth/me").status_code == 401


def test_upload_with_an_error_is_reported_without_values(world: World) -> None:
    text = ctdc_csv([ctdc_row(), ctdc_row(gender="Secretname")])
    r = world.client.post("/api/v1/imports", headers=world.headers("steward"),
                          data={"org": "police"}, files={"file": ("errors.csv", text.encode())})
    report = r.json()
    assert r.status_code == 201 and report["rows_quarantined"] == 1
    assert report["problems"][0]["column"] == "gender" and "Secretname" not in r.text
    again = world.client.get(f"/api/v1/submissions/{report['submission_id']}/report",
                             headers=world.headers("viewer"))
    assert again.json()["rows_quarantined"] == 1


def test_pagination_and_canonical_errors(world: World) -> None:
    h = world.headers("analyst")
    page = world.client.get("/api/v1/records?org=police&page=1&per_page=5", headers=h).json()
    assert page["per_page"] == 5 and len(page["items"]) == 5 and page["total"] >= 15
    assert "extra" in page["items"][0] and "gender" in page["items"][0]
    bad = world.client.get("/api/v1/records?org=police&per_page=9999", headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["fields"] == ["query.per_page"]
    missing = world.client.get("/api/v1/stats/colours", headers=h)
    assert missing.status_code == 422 and "accepted" in missing.json()["error"]["hint"]
    nowhere = world.client.get("/api/v1/nowhere", headers=h)
    assert nowhere.status_code == 404 and nowhere.json()["error"]["type"] == "NotFound"


def test_openapi_document(world: World) -> None:
    doc = world.client.get("/api/v1/openapi.json").json()
    assert "/api/v1/records" in doc["paths"] and "/api/v1/imports" in doc["paths"]


def test_first_administrator_by_setup_link(tmp_path) -> None:
    from tiphub import Hub, Settings

    with Hub(Settings(home=tmp_path)) as hub, TestClient(create_app(hub)) as client:
        token = hub.setup_link()
        r = client.post("/api/v1/auth/setup", json={"token": token, "email": "me@x.test",
                                                    "name": "Me", "password": PASSWORD})
        assert r.status_code == 201 and r.json()["hub_admin"]
        again = client.post("/api/v1/auth/setup", json={"token": token, "email": "you@x.test",
                                                        "name": "You", "password": PASSWORD})
        assert again.status_code == 401


def test_placeholder_secret_is_refused_in_production(tmp_path) -> None:
    import pytest

    from tiphub import ConfigError, Settings

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings(home=tmp_path, environment="production").check_for_serving()


def test_api_documentation_works_offline(world: World) -> None:
    import re

    page = world.client.get("/api/v1/docs").text
    assert not re.search(r"(src|href)=['\"]https?://", page)
    for asset in re.findall(r"(/api/v1/static/[^'\"]+)", page):
        assert world.client.get(asset).status_code == 200


def test_link_run_summary_and_persons(world: World) -> None:
    admin, analyst = world.headers("hub_admin"), world.headers("analyst")
    run = world.client.get("/api/v1/link-runs/latest", headers=analyst).json()
    assert run["id"] == world.run and (run["records"], run["persons"]) == (40, 30)
    again = world.client.post("/api/v1/link-runs", headers=admin, json={"threshold": 0.8})
    assert again.status_code == 201 and again.json()["reused"] and again.json()["id"] == world.run
    summary = world.client.get(f"/api/v1/link-runs/{world.run}/summary", headers=analyst).json()
    assert summary["persons"] == 30 and not summary["exact"]
    assert {r["persons_shown"] for r in summary["overlap"]} == {"10"}
    csv_text = world.client.get(f"/api/v1/link-runs/{world.run}/overlap.csv", headers=admin).text
    assert csv_text.splitlines() == ["police,shelter,count", "1,0,10", "0,1,10", "1,1,10"]
    mine = world.client.get("/api/v1/organisations/police/persons", headers=analyst).json()
    assert len(mine) == 20 and sum(r["also_held_by"] == ["shelter"] for r in mine) == 10
    assert "score" not in str(mine) and "clk" not in str(summary)


def test_link_run_bad_input(world: World) -> None:
    admin = world.headers("hub_admin")
    for body in ({"threshold": 0}, {"threshold": 2}, {"engine": "magic"}, {"blocking": "x"},
                 {"surprise": 1}):
        response = world.client.post("/api/v1/link-runs", headers=admin, json=body)
        assert response.status_code == 422, body
    assert world.client.get("/api/v1/link-runs/999999", headers=admin).status_code == 404


def test_estimates_from_a_table_and_from_a_link_run(world: World) -> None:
    table = b"A,B,count\n1,0,40\n0,1,30\n1,1,10\n"
    answer = world.client.post("/api/v1/estimates", headers=world.headers("viewer"),
                               data={"bootstrap": "50"}, files={"file": ("t.csv", table)})
    assert answer.status_code == 200, answer.text
    result = answer.json()
    assert result["total"] == 200.0 and result["observed"] == 80  # Lincoln-Petersen: 50 * 40 / 10
    assert result["assumptions"] and result["intervals"][0]["lower"] < 200 < result["intervals"][0]["upper"]
    bad = world.client.post("/api/v1/estimates", headers=world.headers("viewer"),
                            files={"file": ("t.csv", b"A,B,count\n1,0,-4\n0,1,3\n1,1,1\n")})
    assert bad.status_code == 422 and "-4" not in bad.text
    run = world.client.post(f"/api/v1/link-runs/{world.run}/estimate", headers=world.headers("hub_admin"),
                            json={"bootstrap": 20})
    assert run.status_code == 200 and run.json()["source"] == {"link_run": world.run}
    assert run.json()["total"] == 40.0  # 20 and 20 seen, 10 by both: 20*20/10
