"""The public pages: the landing page, signing in and out, the first administrator, resets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from tiphub.api.deps import SESSION_COOKIE, HubDep, client_ip
from tiphub.errors import InvalidInput, TooManyAttempts, Unauthorized
from tiphub.web.deps import MaybeUser, User, check_form_token
from tiphub.web.i18n import N_, _, core
from tiphub.web.pages import render, secure

router = APIRouter()
DONE = {
    "setup": N_("The administrator account is ready. Sign in with it."),
    "reset": N_("Your new password is set. Sign in with it."),
    "signed-out": N_("You are signed out."),
}
Text = Annotated[str, Form(max_length=254)]
Secret = Annotated[str, Form(max_length=1024)]


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target[:500]
    return "/dashboard"


@router.get("/")
def landing(request: Request, hub: HubDep, who: MaybeUser) -> Response:
    from tiphub.accounts import ANONYMOUS

    published = hub.releases(principal=ANONYMOUS)[:5]  # the newest; all of them at /releases
    return render(request, "index.html", releases=published)


@router.get("/login")
def login_form(request: Request, who: MaybeUser,
               next: Annotated[str, Query(max_length=500)] = "",
               done: Annotated[str, Query(max_length=20)] = "") -> Response:
    if who is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    notice = _(DONE[done]) if done in DONE else None
    return render(request, "login.html", next=safe_next(next), email="", error=None,
                  notice=notice)


@router.post("/login")
def login(request: Request, hub: HubDep, email: Text = "", password: Secret = "",
          totp: Annotated[str, Form(max_length=12)] = "",
          csrf_token: Text = "", next: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Sign in: the same session cookie as the API, then on to the dashboard."""
    check_form_token(request, csrf_token)
    try:
        _principal, token, _csrf = hub.login(email, password, totp=totp.strip() or None,
                                             ip=client_ip(request))
    except TooManyAttempts as exc:
        return render(request, "login.html", status=429, next=safe_next(next), email=email,
                      error=core(exc.message), hint=core(exc.hint), notice=None)
    except Unauthorized:
        return render(request, "login.html", status=401, next=safe_next(next), email=email,
                      error=_("Wrong e-mail address, password or code."), notice=None)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", path="/",
                        secure=secure(request), max_age=hub.settings.session_hours * 3600)
    return response


@router.post("/logout")
def logout(hub: HubDep, who: User) -> Response:
    hub.logout(who)
    response = RedirectResponse("/login?done=signed-out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/setup")
def setup_form(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> Response:
    return render(request, "setup.html", status=200 if token else 400, token=token, email="",
                  name="", error=None)


@router.post("/setup")
def setup(request: Request, hub: HubDep, token: Text = "", email: Text = "", name: Text = "",
          password: Secret = "", password2: Secret = "", csrf_token: Text = "") -> Response:
    """Create the first administrator with the one-time link ``tiphub serve`` printed."""
    check_form_token(request, csrf_token)
    try:
        _same(password, password2)
        hub.complete_setup(token, email, name, password)
    except (InvalidInput, Unauthorized) as exc:
        return render(request, "setup.html", status=exc.http_status, token=token, email=email,
                      name=name, error=core(exc.message), hint=core(exc.hint))
    return RedirectResponse("/login?done=setup", status_code=303)


@router.get("/reset")
def reset_form(request: Request, token: Annotated[str, Query(max_length=200)] = "") -> Response:
    return render(request, "reset.html", status=200 if token else 400, token=token, error=None)


@router.post("/reset")
def reset(request: Request, hub: HubDep, token: Text = "", password: Secret = "",
          password2: Secret = "", csrf_token: Text = "") -> Response:
    """Set a new password with the one-time link an administrator gave."""
    check_form_token(request, csrf_token)
    try:
        _same(password, password2)
        hub.reset_password(token, password)
    except (InvalidInput, Unauthorized) as exc:
        return render(request, "reset.html", status=exc.http_status, token=token,
                      error=core(exc.message), hint=core(exc.hint))
    return RedirectResponse("/login?done=reset", status_code=303)


def _same(password: str, again: str) -> None:
    if password != again:
        raise InvalidInput(_("The two passwords differ."))
