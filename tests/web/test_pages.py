"""Every page × every role: it renders for those who may see it, and refuses the others with a
page of the right status (anonymous users are sent to the sign-in page)."""

from __future__ import annotations

import pytest
from conftest import USERS, WHO, TestClient, sign_in

ALL = set(WHO)
SIGNED_IN = ALL - {"anonymous"}
POLICE = {"viewer", "analyst", "steward", "org_admin"}
STEWARDS = {"steward", "org_admin", "other_steward"}

PAGES = {  # path -> who may see it (everyone else: 403, anonymous: to the sign-in page)
    "/": ALL,
    "/dashboard": SIGNED_IN,
    "/dashboard?country=GBR&year=2021": SIGNED_IN,
    "/upload": STEWARDS,
    "/submissions": SIGNED_IN,
    "/submissions/{police}": POLICE | {"hub_admin"},
    "/submissions/{police}/quarantine": {"steward", "org_admin"},
    "/records": {"analyst", "steward", "org_admin", "other_steward"},
    "/records?org=police": {"analyst", "steward", "org_admin"},
    "/records?org=police&page=2": {"analyst", "steward", "org_admin"},
    "/account": SIGNED_IN,
    "/persons": SIGNED_IN,
    "/admin": {"hub_admin"},
    "/admin/audit": {"hub_admin"},
    "/organisations/police/members": {"org_admin", "hub_admin"},
}
CASES = [(path, who) for path in PAGES for who in WHO]


@pytest.mark.parametrize(("path", "who"), CASES, ids=[f"{p} {w}" for p, w in CASES])
def test_page_for_role(world, path: str, who: str) -> None:
    answer = world.client(who).get(path.format(police=world.submission))
    if who in PAGES[path]:
        assert answer.status_code == 200, answer.text[:300]
        assert answer.headers["content-type"].startswith("text/html")
    elif who == "anonymous":
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=")
    else:
        assert answer.status_code == 403
        assert "You do not have access to this page" in answer.text


def test_signed_in_users_are_sent_on_from_the_sign_in_page(world) -> None:
    answer = world.client("viewer").get("/login")
    assert answer.status_code == 303 and answer.headers["location"] == "/dashboard"


def test_navigation_offers_what_the_role_may_use(world) -> None:
    viewer = world.client("viewer").get("/dashboard").text
    assert 'href="/upload"' not in viewer and 'href="/admin"' not in viewer
    steward = world.client("steward").get("/dashboard").text
    assert 'href="/upload"' in steward and 'href="/records"' in steward
    assert 'href="/admin"' in world.client("hub_admin").get("/dashboard").text


def test_another_organisations_data_is_neither_listed_nor_shown(world) -> None:
    other = world.client("other_steward")
    assert "police.csv" not in other.get("/submissions").text
    assert "shelter.csv" in other.get("/submissions").text
    refused = other.get(f"/submissions/{world.submission}")
    assert refused.status_code == 403 and "police.csv" not in refused.text
    records = other.get("/records?org=police")
    assert records.status_code == 403 and "Poland" not in records.text


def test_missing_things_get_a_404_page(world) -> None:
    admin = world.client("hub_admin")
    for path in ("/submissions/9999", "/no/such/page"):
        answer = admin.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"].startswith("text/html")
        assert "Page not found" in answer.text
    assert world.client("analyst").get("/records?org=nosuchorg").status_code == 404


def test_wrong_method_and_invalid_parameters_get_pages_without_the_values_sent(world) -> None:
    client = world.client("analyst")
    assert client.get("/logout").status_code == 405
    answer = client.get("/records?org=police&page=zz-sent-value-zz")
    assert answer.status_code == 422
    assert "page" in answer.text and "zz-sent-value-zz" not in answer.text


def test_the_api_keeps_its_json_errors(world) -> None:
    client = world.fresh()
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "NotFound"
    unauthorised = client.get("/api/v1/organisations")
    assert unauthorised.status_code == 401 and "error" in unauthorised.json()
    assert client.get("/api/v1/health").json()["status"] == "ok"
    assert "Content-Security-Policy" not in client.get("/api/v1/health").headers


def test_web_pages_are_not_in_the_openapi_document(world) -> None:
    paths = world.fresh().get("/api/v1/openapi.json").json()["paths"]
    assert all(p.startswith("/api/") for p in paths)


def test_records_page_shows_analytic_fields_with_pages(world) -> None:
    page = world.client("analyst").get("/records?org=police")
    assert "54 records in all." in page.text
    assert "Poland" in page.text and "Forced labour" in page.text and "Threats" in page.text
    assert "Page 1 of 2" in page.text and 'href="/records?org=police&amp;page=2" rel="next"' in page.text
    last = world.client("analyst").get("/records?org=police&page=2").text
    assert "Page 2 of 2" in last and 'rel="prev"' in last and 'rel="next"' not in last
    empty = world.client("analyst").get("/records?org=police&page=3")
    assert "There is no record on this page." in empty.text


def test_submission_page_shows_the_stored_report_and_stewards_get_the_quarantine(world) -> None:
    path = f"/submissions/{world.submission}"
    viewer = world.client("viewer").get(path).text
    assert "unknown-code" in viewer and "Robot" not in viewer
    assert "/quarantine" not in viewer
    steward = world.client("steward").get(path).text
    assert f'hx-get="{path}/quarantine"' in steward
    rows = world.client("steward").get(f"{path}/quarantine", headers={"HX-Request": "true"})
    assert rows.status_code == 200 and "<html" not in rows.text
    assert "Robot" in rows.text  # the steward's own row, to fix it
    total, entries = world.hub.audit_log(limit=5)
    assert any(e["action"] == "quarantine:read" for e in entries)


def test_an_unexpected_error_gets_a_page_that_says_nothing_of_it(world, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail of a person")

    monkeypatch.setattr(world.hub, "submissions", broken)
    client = TestClient(world.app, raise_server_exceptions=False, follow_redirects=False)
    sign_in(client, USERS["viewer"][0])
    answer = client.get("/submissions")
    assert answer.status_code == 500
    assert "Something went wrong" in answer.text and "secret detail" not in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
    api = client.get("/api/v1/submissions")
    assert api.status_code == 500 and api.json()["error"]["type"] == "InternalError"


def test_error_pages_know_who_is_signed_in(world) -> None:
    page = world.client("viewer").get("/no/such/page").text
    assert "Signed in as Viewer" in page and 'href="/dashboard"' in page


def test_ids_beyond_the_database_range_are_invalid_not_errors(world) -> None:
    client = world.client("steward")
    assert client.get(f"/submissions/{2**70}").status_code == 422
    assert client.get(f"/submissions/{2**70}/quarantine").status_code == 422
    token = client.get("/account").text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(f"/account/tokens/{2**70}/revoke", data={"csrf_token": token}).status_code == 422
