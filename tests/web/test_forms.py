"""Forms: every POST form carries the CSRF token, every POST without it is refused, and the
account and administration forms do what they say."""

from __future__ import annotations

import re

import pyotp
import pytest
from conftest import PASSWORD, USERS, Page, form_token, sign_in

POSTS = ["/logout", "/upload", "/account/tokens", "/account/tokens/1/revoke", "/account/totp",
         "/account/totp/confirm", "/admin/users", "/admin/users/reset", "/admin/roles",
         "/admin/organisations", "/organisations/police/members",
         "/organisations/police/members/remove"]
PAGES_WITH_FORMS = {"hub_admin": ["/admin", "/account", "/dashboard", "/organisations/police/members"],
                    "steward": ["/upload", "/account", "/submissions/1"]}


@pytest.mark.parametrize("path", POSTS)
def test_a_post_without_the_csrf_token_is_refused(world, path: str) -> None:
    client = world.client("hub_admin" if path.startswith("/admin") else "steward")
    before = world.hub.audit_log(limit=1)[0]
    answer = client.post(path, data={"email": "new@police.test", "name": "New", "code": "new-org",
                                     "org": "police", "role": "viewer"},
                         files={"file": ("x.csv", b"a,b\n")} if path == "/upload" else None)
    assert answer.status_code == 403
    assert "The form has expired or did not come from this site" in answer.text
    assert world.hub.audit_log(limit=1)[0] == before + 1  # only the read of the log itself


@pytest.mark.parametrize("path", ["/login", "/setup", "/reset"])
def test_forms_before_sign_in_need_their_token_too(world, path: str) -> None:
    client = world.fresh()
    client.get(path)
    answer = client.post(path, data={"email": USERS["viewer"][0], "password": PASSWORD,
                                     "csrf_token": "forged"})
    assert answer.status_code == 403


def test_every_post_form_carries_the_csrf_token(world) -> None:
    for who, paths in PAGES_WITH_FORMS.items():
        client = world.client(who)
        for path in paths:
            html = client.get(path.replace("/1", f"/{world.submission}")).text
            forms = re.findall(r"<form\b[^>]*>.*?</form>", html, re.S)
            posts = [f for f in forms if 'method="post"' in f]
            assert posts, path
            for form in posts:
                assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]{20,}">', form), \
                    (path, form[:200])


def test_api_token_is_shown_once_works_and_can_be_revoked(world) -> None:
    client = world.client("analyst")
    token = form_token(client, "/account")
    created = client.post("/account/tokens", data={"name": "my script", "scopes": ["read"],
                                                   "days": "30", "csrf_token": token})
    assert created.status_code == 200
    secret = re.search(r'value="(tph_[^"]+)"', created.text).group(1)
    api = world.fresh()
    assert api.get("/api/v1/organisations", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listed = client.get("/account").text
    assert "my script" in listed and secret not in listed
    token_id = re.search(r'action="/account/tokens/(\d+)/revoke"', listed).group(1)
    revoked = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert revoked.headers["location"] == "/account?done=revoked"
    assert api.get("/api/v1/organisations", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    unknown_scope = client.post("/account/tokens", data={"name": "x", "scopes": ["root"],
                                                         "csrf_token": token})
    assert unknown_scope.status_code == 422 and "unknown or missing token scopes" in unknown_scope.text


def test_two_step_sign_in_is_set_up_from_the_account_page(world) -> None:
    email = "totp@police.test"
    world.hub.create_user(email, "Totp", PASSWORD)
    client = world.fresh()
    sign_in(client, email)
    token = form_token(client, "/account")
    begun = client.post("/account/totp", data={"csrf_token": token})
    assert "otpauth://totp/" in begun.text and "<img" not in begun.text  # text, no QR service
    secret = re.search(r'id="totp-secret" type="text" readonly value="([A-Z2-7]+)"', begun.text).group(1)
    wrong = client.post("/account/totp/confirm", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 422 and "the code does not match" in wrong.text
    done = client.post("/account/totp/confirm", data={"code": pyotp.TOTP(secret).now(),
                                                      "csrf_token": token})
    assert done.headers["location"] == "/account?done=totp"
    other = world.fresh()
    without = other.post("/login", data={"email": email, "password": PASSWORD,
                                         "csrf_token": form_token(other)})
    assert without.status_code == 401
    sign_in(other, email, totp=pyotp.TOTP(secret).now())


def test_administrator_adds_a_user_who_sets_a_password_from_the_link(world) -> None:
    admin = world.client("hub_admin")
    token = form_token(admin, "/admin")
    added = admin.post("/admin/users", data={"email": "New.Person@Police.test", "name": "New Person",
                                             "csrf_token": token})
    assert added.status_code == 200 and "new.person@police.test" in added.text
    link = re.search(r'id="one-time-link" type="text" readonly value="([^"]+)"', added.text).group(1)
    assert link.startswith("http://testserver/reset?token=")
    role = admin.post("/admin/roles", data={"email": "new.person@police.test", "org": "police",
                                            "role": "analyst", "csrf_token": token})
    assert "The role is saved." in role.text and "police: Analyst" in role.text
    person = world.fresh()
    path = link.removeprefix("http://testserver")
    new = "the new person's passphrase"
    person.post("/reset", data={"token": path.split("token=")[1], "password": new,
                                "password2": new, "csrf_token": form_token(person, path)})
    sign_in(person, "new.person@police.test", new)
    assert person.get("/records?org=police").status_code == 200


def test_administrator_adds_an_organisation_and_reads_the_audit_log(world) -> None:
    admin = world.client("hub_admin")
    token = form_token(admin, "/admin")
    bad = admin.post("/admin/organisations", data={"code": "Not Valid", "name": "X", "type": "NGO",
                                                   "csrf_token": token})
    assert bad.status_code == 422 and "lower-case letters" in bad.text
    added = admin.post("/admin/organisations", data={"code": "labour-inspectorate",
                                                     "name": "Labour inspectorate",
                                                     "type": "CentralGovernmentOrganisation",
                                                     "country": "FRA", "csrf_token": token})
    assert "Organisation labour-inspectorate added." in added.text and "France" in added.text
    duplicate = admin.post("/admin/organisations", data={"code": "labour-inspectorate",
                                                         "name": "Again", "type": "NGO",
                                                         "csrf_token": token})
    assert duplicate.status_code == 409
    audit = admin.get("/admin/audit")
    assert "organisation:create" in audit.text and 'href="/api/v1/audit.csv"' in audit.text
    assert admin.get("/api/v1/audit.csv").status_code == 200


def test_organisation_administrators_cannot_use_the_administration_forms(world) -> None:
    client = world.client("org_admin")
    token = form_token(client, "/account")
    answer = client.post("/admin/users", data={"email": "x@police.test", "name": "X",
                                               "csrf_token": token})
    assert answer.status_code == 403
    assert "x@police.test" not in answer.text


def test_pages_with_forms_parse(world) -> None:
    for who, paths in PAGES_WITH_FORMS.items():
        for path in paths:
            assert Page(world.client(who).get(path.replace("/1", f"/{world.submission}")).text).all("form")
