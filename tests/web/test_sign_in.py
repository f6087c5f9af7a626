"""Signing in and out through the pages, the first administrator, password resets."""

from __future__ import annotations

from conftest import FORM_TOKEN, PASSWORD, USERS, TestClient, form_token, sign_in

from tiphub.api import create_app
from tiphub.api.deps import SESSION_COOKIE
from tiphub.web.pages import FORM_COOKIE


def cookie_header(answer, name: str) -> str:
    headers = [h for h in answer.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert headers, f"no {name} cookie set"
    return headers[0].lower()


def test_landing_page_is_public_and_says_no_release_yet(world) -> None:
    page = world.fresh().get("/")
    assert page.status_code == 200
    assert "No release has been published yet." in page.text
    assert 'href="/login"' in page.text


def test_sign_in_sets_the_api_session_cookie_and_goes_to_the_dashboard(world) -> None:
    client = world.fresh()
    form = client.get("/login")
    assert "httponly" in cookie_header(form, FORM_COOKIE)
    answer = sign_in(client, USERS["analyst"][0])
    assert answer.headers["location"] == "/dashboard"
    cookie = cookie_header(answer, SESSION_COOKIE)
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain http, not behind TLS
    assert client.get("/dashboard").status_code == 200
    me = client.get("/api/v1/auth/me")  # the same session works for the API
    assert me.status_code == 200 and me.json()["email"] == USERS["analyst"][0]


def test_session_cookie_is_secure_over_https_and_behind_tls(world, monkeypatch) -> None:
    https = world.fresh(base_url="https://testserver")
    assert "secure" in cookie_header(sign_in(https, USERS["viewer"][0]), SESSION_COOKIE)
    monkeypatch.setattr(world.hub, "settings",
                        world.hub.settings.model_copy(update={"behind_tls": True}))
    client = world.fresh()  # over http here, so the Secure form cookie is sent by hand
    form = client.get("/login")
    assert "secure" in cookie_header(form, FORM_COOKIE)
    token = FORM_TOKEN.search(form.text).group(1)
    client.cookies.set(FORM_COOKIE, token)
    answer = client.post("/login", data={"email": USERS["viewer"][0], "password": PASSWORD,
                                         "csrf_token": token})
    assert "secure" in cookie_header(answer, SESSION_COOKIE)


def test_wrong_password_and_unknown_address_get_the_same_generic_message(world) -> None:
    answers = []
    for email in (USERS["viewer"][0], "nobody@nowhere.test"):
        client = world.fresh()
        answer = client.post("/login", data={"email": email, "password": "not the password!",
                                             "csrf_token": form_token(client)})
        assert answer.status_code == 401
        assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")
        answers.append(answer.text)
    assert all("Wrong e-mail address, password or code." in text for text in answers)
    assert "nobody@nowhere.test" in answers[1]  # the form keeps what the user typed...
    assert "not the password!" not in answers[1]  # ...never the password


def test_sign_in_form_needs_its_csrf_token(world) -> None:
    client = world.fresh()
    client.get("/login")
    answer = client.post("/login", data={"email": USERS["viewer"][0], "password": PASSWORD})
    assert answer.status_code == 403
    assert "The form has expired" in answer.text
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


def test_a_locked_account_answers_like_a_wrong_password(fresh_hub) -> None:
    """A lock must not reveal that the address has an account (the audit log records it)."""
    fresh_hub.create_user("locked@police.test", "Locked", PASSWORD)
    client = TestClient(create_app(fresh_hub), follow_redirects=False)
    statuses = []
    for _ in range(fresh_hub.settings.login_max_failures + 1):
        answer = client.post("/login", data={"email": "locked@police.test", "password": "x" * 12,
                                             "csrf_token": form_token(client)})
        statuses.append(answer.status_code)
    assert set(statuses) == {401}
    answer = client.post("/login", data={"email": "locked@police.test", "password": PASSWORD,
                                         "csrf_token": form_token(client)})
    assert answer.status_code == 401  # even the right password waits out the lock


def test_after_sign_in_the_user_goes_where_they_were_going_on_this_site_only(world) -> None:
    client = world.fresh()
    redirect = client.get("/records?org=police")
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/login?next=%2Frecords%3Forg%3Dpolice"
    page = client.get(redirect.headers["location"])
    assert 'name="next" value="/records?org=police"' in page.text
    answer = sign_in(client, USERS["analyst"][0], next="/records?org=police")
    assert answer.headers["location"] == "/records?org=police"
    other = world.fresh()
    assert sign_in(other, USERS["analyst"][0], next="//evil.test/x").headers["location"] == "/dashboard"


def test_anonymous_pages_that_need_a_sign_in_redirect_and_htmx_is_told_where(world) -> None:
    client = world.fresh()
    assert client.get("/dashboard").headers["location"] == "/login?next=%2Fdashboard"
    htmx = client.get("/dashboard?year=2020", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx.headers["HX-Redirect"].startswith("/login?next=")


def test_an_ended_session_cookie_is_dropped_not_looped(world) -> None:
    client = world.fresh()
    client.cookies.set(SESSION_COOKIE, "no-such-session")
    landing = client.get("/")
    assert landing.status_code == 200
    assert f'{SESSION_COOKIE}=""' in landing.headers.get("set-cookie", "")
    client.cookies.set(SESSION_COOKIE, "no-such-session")
    assert client.get("/dashboard").headers["location"].startswith("/login")
    client.cookies.set(SESSION_COOKIE, "no-such-session")
    assert client.get("/login").status_code == 200


def test_sign_out_needs_the_csrf_token_and_ends_the_session(world) -> None:
    client = world.fresh()
    sign_in(client, USERS["viewer"][0])
    assert client.post("/logout").status_code == 403
    token = form_token(client, "/account")
    answer = client.post("/logout", data={"csrf_token": token})
    assert answer.status_code == 303 and answer.headers["location"] == "/login?done=signed-out"
    assert client.get("/dashboard").status_code == 303
    assert "You are signed out." in client.get("/login?done=signed-out").text


def test_first_administrator_from_the_setup_link(fresh_hub) -> None:
    client = TestClient(create_app(fresh_hub), follow_redirects=False)
    assert client.get("/setup").status_code == 400
    token = fresh_hub.setup_link()
    form = client.get(f"/setup?token={token}")
    assert form.status_code == 200 and 'name="password2"' in form.text
    data = {"token": token, "email": "first@hub.test", "name": "First", "password": PASSWORD,
            "csrf_token": form_token(client, f"/setup?token={token}")}
    differ = client.post("/setup", data={**data, "password2": "something else entirely"})
    assert differ.status_code == 422 and "The two passwords differ." in differ.text
    done = client.post("/setup", data={**data, "password2": PASSWORD})
    assert done.headers["location"] == "/login?done=setup"
    again = client.post("/setup", data={**data, "password2": PASSWORD})
    assert again.status_code == 401 and "the link is unknown, used or expired" in again.text
    assert sign_in(client, "first@hub.test").headers["location"] == "/dashboard"
    assert client.get("/admin").status_code == 200


def test_password_reset_link(world) -> None:
    email = "reset@police.test"
    world.hub.create_user(email, "Reset", PASSWORD)
    token = world.hub.reset_link(email)
    client = world.fresh()
    short = client.post("/reset", data={"token": token, "password": "short", "password2": "short",
                                        "csrf_token": form_token(client, f"/reset?token={token}")})
    assert short.status_code == 422 and "at least 12 characters" in short.text
    new = "a brand new passphrase here"
    done = client.post("/reset", data={"token": token, "password": new, "password2": new,
                                       "csrf_token": form_token(client, f"/reset?token={token}")})
    assert done.headers["location"] == "/login?done=reset"
    sign_in(client, email, new)
