"""Accounts: passwords, lockout, sessions, tokens, links, TOTP, policy and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from factories import ctdc_csv, ctdc_row

from tiphub import Hub
from tiphub.accounts import POLICY, SYSTEM, Principal, allowed
from tiphub.errors import Forbidden, InvalidInput, TooManyAttempts, Unauthorized

PASSWORD = "correct horse battery staple"


@pytest.fixture
def space(any_hub: Hub, write) -> Hub:
    hub = any_hub
    for code in ("police", "shelter"):
        hub.add_organisation(code, code.title())
    hub.create_user("admin@hub.test", "Admin", PASSWORD, hub_admin=True)
    for email, org, role in (("steward@police.test", "police", "data_steward"),
                             ("analyst@police.test", "police", "analyst"),
                             ("viewer@police.test", "police", "viewer"),
                             ("steward@shelter.test", "shelter", "data_steward")):
        hub.create_user(email, email.split("@")[0], PASSWORD)
        hub.set_role(email, org, role)
    hub.import_file(write("p.csv", ctdc_csv([ctdc_row() for _ in range(12)] + [ctdc_row(gender="X")])),
                    org="police")
    return hub


def signin(hub: Hub, email: str) -> Principal:
    return hub.login(email, PASSWORD, ip="10.0.0.1")[0]


def test_case_records_are_visible_to_their_organisation_only(space: Hub) -> None:
    steward, analyst = signin(space, "steward@police.test"), signin(space, "analyst@police.test")
    assert space.records("police", principal=steward)["total"] == 12
    assert space.records("police", principal=analyst)["total"] == 12
    for email in ("viewer@police.test", "steward@shelter.test", "admin@hub.test"):
        with pytest.raises(Forbidden):
            space.records("police", principal=signin(space, email))
    sub = space.submissions(org="police")[0].id
    with pytest.raises(Forbidden):
        space.quarantine(sub, principal=signin(space, "steward@shelter.test"))
    assert len(space.quarantine(sub, principal=steward)) == 1
    assert space.submissions(principal=signin(space, "steward@shelter.test")) == []
    assert space.stats("sex-age", principal=signin(space, "viewer@police.test")).total.count == 12


def test_lockout_after_failures_and_no_hint_which_part_was_wrong(space: Hub) -> None:
    for _ in range(space.settings.login_max_failures):
        with pytest.raises(Unauthorized, match="wrong e-mail address, password or code"):
            space.login("viewer@police.test", "wrong password!!", ip="10.0.0.2")
    # locked: even the right password is refused, with the same answer as for a stranger
    with pytest.raises(Unauthorized, match="wrong e-mail address, password or code"):
        space.login("viewer@police.test", PASSWORD, ip="10.0.0.3")
    for n in range(space.settings.login_ip_failures):
        with pytest.raises(Unauthorized):
            space.login(f"x{n}@nowhere.test", "wrong password!!", ip="10.0.0.66")
    with pytest.raises(TooManyAttempts):
        space.login("steward@police.test", PASSWORD, ip="10.0.0.66")
    with pytest.raises(Unauthorized, match="wrong e-mail address, password or code"):
        space.login("nobody@nowhere.test", PASSWORD, ip="10.0.0.4")


def test_sessions_tokens_and_revocation(space: Hub) -> None:
    principal, token, csrf = space.login("analyst@police.test", PASSWORD, ip="10.0.0.5")
    again, csrf_again = space.session_principal(token)
    assert again.user_id == principal.user_id and csrf_again == csrf
    token_id, api_token = space.create_api_token(principal, "script", ["read"])
    scripted = space.token_principal(api_token)
    assert scripted.scopes == frozenset({"read"}) and scripted.via == "token"
    assert not allowed(scripted, "tokens:manage")  # needs the admin scope
    space.revoke_api_token(principal, token_id)
    with pytest.raises(Unauthorized):
        space.token_principal(api_token)
    space.logout(again)
    with pytest.raises(Unauthorized):
        space.session_principal(token)
    with pytest.raises(InvalidInput):
        space.create_api_token(principal, "x", ["everything"])


def test_setup_link_reset_link_and_totp(hub: Hub) -> None:
    link = hub.setup_link()
    assert link
    hub.complete_setup(link, "first@hub.test", "First", PASSWORD)
    assert hub.setup_link() is None
    with pytest.raises(Unauthorized):
        hub.complete_setup(link, "second@hub.test", "Second", PASSWORD)
    reset = hub.reset_link("first@hub.test")
    hub.reset_password(reset, "another long password")
    with pytest.raises(Unauthorized):
        hub.reset_password(reset, "yet another long password")
    principal = signin_with(hub, "first@hub.test", "another long password")
    uri = hub.begin_totp(principal)
    secret = pyotp.parse_uri(uri).secret
    hub.confirm_totp(principal, pyotp.TOTP(secret).now())
    with pytest.raises(Unauthorized):
        hub.login("first@hub.test", "another long password", ip="1.1.1.1")
    assert hub.login("first@hub.test", "another long password", totp=pyotp.TOTP(secret).now(),
                     ip="1.1.1.1")[0].hub_admin


def signin_with(hub: Hub, email: str, password: str) -> Principal:
    return hub.login(email, password, ip="10.9.9.9")[0]


def test_audit_log_is_append_only_and_complete(space: Hub) -> None:
    steward = signin(space, "steward@police.test")
    space.records("police", principal=steward)
    with pytest.raises(Unauthorized):
        space.login("steward@police.test", "not the password", ip="10.0.0.9")
    total, entries = space.audit_log(limit=200)
    actions = [(e["action"], e["outcome"]) for e in entries]
    for expected in [("auth:sign-in", "ok"), ("auth:sign-in", "failed"), ("records:read", "ok"),
                     ("import:create", "ok"), ("member:set-role", "ok")]:
        assert expected in actions
    assert all(e["ip"] for e in entries if e["action"] == "records:read")
    with pytest.raises(Forbidden):
        space.audit_log(principal=steward)
    from sqlalchemy import text

    with pytest.raises(Exception, match="append-only"), space.db.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))


def test_every_action_has_a_rule_and_cli_is_trusted() -> None:
    assert all(allowed(SYSTEM, action) for action in POLICY)
    nobody = Principal(user_id=1, email="x@y.z", name="x")
    assert [a for a in POLICY if allowed(nobody, a)] == [
        "stats:read", "reports:read", "organisations:read", "linkage:read", "estimates:run", "tokens:manage",
        "directory:read", "programmes:read", "instruments:read", "releases:read"]
    from tiphub.accounts import ANONYMOUS

    assert [a for a in POLICY if allowed(ANONYMOUS, a)] == ["directory:read", "instruments:read",
                                                           "releases:read"]


def test_short_passwords_and_bad_emails_are_refused(hub: Hub) -> None:
    with pytest.raises(InvalidInput, match="12 characters"):
        hub.create_user("a@b.test", "A", "short")
    with pytest.raises(InvalidInput, match="e-mail"):
        hub.create_user("not-an-email", "A", PASSWORD)
    assert timedelta(minutes=hub.settings.login_lockout_minutes) > timedelta(0)


def test_review_findings_stay_fixed(space: Hub) -> None:
    steward = signin(space, "steward@police.test")
    _, admin_only = space.create_api_token(steward, "a", ["admin"])
    scripted = space.token_principal(admin_only)
    with pytest.raises(Forbidden):  # no escalation from a token's scopes
        space.create_api_token(scripted, "b", ["read", "admin"])
    with pytest.raises(Forbidden):  # a token cannot touch the second factor
        space.begin_totp(scripted)
    admin = signin(space, "admin@hub.test")
    with pytest.raises(Forbidden):  # nobody grants themselves a role
        space.set_role("admin@hub.test", "police", "analyst", principal=admin)
    other = signin(space, "steward@shelter.test")
    with pytest.raises(Forbidden):
        space.records("police", principal=other)
    _, entries = space.audit_log(limit=50)
    assert ("records:read", "denied") in [(e["action"], e["outcome"]) for e in entries]
    reset = space.reset_link("steward@police.test")
    space.reset_password(reset, "a brand new long password")
    with pytest.raises(Unauthorized):  # a reset revokes the user's API tokens
        space.token_principal(admin_only)
