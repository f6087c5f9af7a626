"""An organisation's members page: its organisation administrators and hub administrators see
the members and give, change or take away roles (audited by the Hub); nobody else does."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD, USERS, WHO, Page, form_token, sign_in

PATH = "/organisations/police/members"
OTHER_ADMIN = "admin@shelter.test"  # org_admin of the other organisation
MAY = {"org_admin", "hub_admin"}
CASES = [*WHO, "other_org_admin"]


@pytest.fixture(scope="module")
def members_world(world):
    world.hub.create_user(OTHER_ADMIN, "Shelter Admin", PASSWORD)
    world.hub.set_role(OTHER_ADMIN, "shelter", "org_admin")
    world.hub.create_user("newcomer@police.test", "Newcomer", PASSWORD)
    return world


def client_for(world, who: str):
    if who == "other_org_admin":
        client = world.fresh()
        sign_in(client, OTHER_ADMIN)
        return client
    return world.client(who)


def latest(world, action: str) -> dict:
    _total, entries = world.hub.audit_log(limit=20)
    return next(e for e in entries if e["action"] == action)


@pytest.mark.parametrize("who", CASES)
def test_members_page_for_role(members_world, who: str) -> None:
    answer = client_for(members_world, who).get(PATH)
    if who in MAY:
        assert answer.status_code == 200, answer.text[:300]
        assert answer.headers["content-type"].startswith("text/html")
        assert USERS["steward"][0] in answer.text and "Data steward" in answer.text
        assert "steward@shelter.test" not in answer.text  # another organisation's member
    elif who == "anonymous":
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=")
    else:
        assert answer.status_code == 403
        assert "You do not have access to this page" in answer.text
        assert USERS["steward"][0] not in answer.text


def test_the_page_is_accessible(members_world) -> None:
    page = Page(members_world.client("org_admin").get(PATH).text)
    assert page.all("caption") and page.headings[0] == 1
    assert all(th.get("scope") in ("col", "row") for th in page.all("th"))
    labelled = {label["for"] for label in page.all("label")}
    fields = [e for e in page.all("input") + page.all("select") if e.get("type") != "hidden"]
    assert fields and all(f["id"] in labelled for f in fields)
    posts = [f for f in page.all("form") if f.get("method") == "post"]
    assert len(posts) >= 2


def test_setting_and_removing_a_role_is_shown_and_audited(members_world) -> None:
    world = members_world
    client = world.client("org_admin")
    token = form_token(client, PATH)
    assert "newcomer@police.test" not in client.get(PATH).text
    saved = client.post(PATH, data={"email": "Newcomer@Police.test", "role": "analyst",
                                    "csrf_token": token})
    assert saved.status_code == 200
    assert "The role of newcomer@police.test is saved." in saved.text
    row = re.search(r'<th scope="row">newcomer@police\.test</th>.*?</tr>', saved.text, re.S)
    assert row and "Analyst" in row.group(0)
    entry = latest(world, "member:set-role")
    police = world.hub.organisation("police").id
    assert entry["actor"] == USERS["org_admin"][0] and entry["organisation_id"] == police
    assert "analyst" in str(entry["detail"])

    changed = client.post(PATH, data={"email": "newcomer@police.test", "role": "viewer",
                                      "csrf_token": token})
    assert re.search(r'newcomer@police\.test</th>.*?Viewer', changed.text, re.S)

    removed = client.post(PATH + "/remove", data={"email": "newcomer@police.test",
                                                  "csrf_token": token})
    assert removed.status_code == 200
    assert "newcomer@police.test is no longer a member of the organisation." in removed.text
    assert '<th scope="row">newcomer@police.test</th>' not in removed.text
    entry = latest(world, "member:set-role")
    assert entry["actor"] == USERS["org_admin"][0] and "analyst" not in str(entry["detail"])
    audit = world.client("hub_admin").get("/admin/audit")
    assert "member:set-role" in audit.text


def test_hub_administrator_manages_any_organisation(members_world) -> None:
    client = members_world.client("hub_admin")
    path = "/organisations/shelter/members"
    token = form_token(client, path)
    saved = client.post(path, data={"email": "newcomer@police.test", "role": "viewer",
                                    "csrf_token": token})
    assert saved.status_code == 200 and "newcomer@police.test" in saved.text
    assert latest(members_world, "member:set-role")["actor"] == USERS["hub_admin"][0]
    removed = client.post(path + "/remove", data={"email": "newcomer@police.test",
                                                  "csrf_token": token})
    assert '<th scope="row">newcomer@police.test</th>' not in removed.text


def test_an_organisation_administrator_cannot_change_another_organisation(members_world) -> None:
    world = members_world
    client = world.client("org_admin")
    token = form_token(client, PATH)
    before = world.hub.audit_log(limit=1)[0]
    for path, data in (("/organisations/shelter/members", {"email": USERS["org_admin"][0],
                                                           "role": "org_admin"}),
                       ("/organisations/shelter/members/remove",
                        {"email": USERS["other_steward"][0]})):
        answer = client.post(path, data={**data, "csrf_token": token})
        assert answer.status_code == 403, path
    assert world.hub.audit_log(limit=1)[0] == before + 1  # the read of the log only
    shelter = {m["email"] for m in world.hub.members("shelter")}
    assert USERS["other_steward"][0] in shelter and USERS["org_admin"][0] not in shelter


@pytest.mark.parametrize("path", [PATH, PATH + "/remove"])
def test_a_post_without_the_csrf_token_is_refused(members_world, path: str) -> None:
    world = members_world
    client = world.client("org_admin")
    for data in ({"email": USERS["viewer"][0], "role": "org_admin"},
                 {"email": USERS["viewer"][0], "role": "org_admin", "csrf_token": "forged"}):
        answer = client.post(path, data=data)
        assert answer.status_code == 403
        assert "The form has expired or did not come from this site" in answer.text
    assert {"email": USERS["viewer"][0], "name": "Viewer", "role": "viewer"} in \
        world.hub.members("police")


def test_nobody_changes_their_own_role(members_world) -> None:
    client = members_world.client("org_admin")
    own = USERS["org_admin"][0]
    page = client.get(PATH).text
    assert f'name="email" value="{own}"' not in page and "You cannot change your own role." in page
    token = form_token(client, PATH)
    answer = client.post(PATH + "/remove", data={"email": own, "csrf_token": token})
    assert answer.status_code == 403 and "you cannot change your own roles" in answer.text
    assert {"email": own, "name": "Admin", "role": "org_admin"} in members_world.hub.members("police")


def test_mistakes_are_shown_on_the_page(members_world) -> None:
    client = members_world.client("org_admin")
    token = form_token(client, PATH)
    unknown = client.post(PATH, data={"email": "nobody@police.test", "role": "viewer",
                                      "csrf_token": token})
    assert unknown.status_code == 404 and "no user with that e-mail address" in unknown.text
    assert 'value="nobody@police.test"' in unknown.text  # the form keeps what was typed
    bad_role = client.post(PATH, data={"email": USERS["viewer"][0], "role": "root",
                                       "csrf_token": token})
    assert bad_role.status_code == 422 and "unknown role" in bad_role.text
    assert client.get("/organisations/nosuchorg/members").status_code == 404


def test_links_to_the_page(members_world) -> None:
    world = members_world
    account = world.client("org_admin").get("/account").text
    assert f'href="{PATH}"' in account and 'href="/organisations/shelter/members"' not in account
    other = client_for(world, "other_org_admin").get("/account").text
    assert 'href="/organisations/shelter/members"' in other and f'href="{PATH}"' not in other
    for who in ("steward", "viewer", "hub_admin"):
        assert "/members" not in world.client(who).get("/account").text, who
    admin = world.client("hub_admin").get("/admin").text
    assert f'href="{PATH}"' in admin and 'href="/organisations/shelter/members"' in admin


def test_french_members_page(members_world) -> None:
    from test_i18n import english_left

    for who, path in (("org_admin", PATH), ("org_admin", "/account"),
                      ("hub_admin", "/admin")):
        answer = members_world.signed_in(who).get(path + "?lang=fr")
        assert answer.status_code == 200, path
        page = Page(answer.text)
        assert page.lang == "fr" and english_left(page.visible_text) == [], path
    french = members_world.signed_in("org_admin").get(PATH + "?lang=fr").text
    assert "Membres de Police North" in french and "Retirer de l’organisation" in french
