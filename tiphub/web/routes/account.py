"""The user's own account: API tokens (shown once, revocable) and the second factor (TOTP)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from tiphub.accounts import SCOPES, Principal, allowed
from tiphub.api.deps import HubDep
from tiphub.api.routes.submissions import MAX_ID
from tiphub.errors import InvalidInput, NotFound
from tiphub.hub import Hub
from tiphub.web.deps import User
from tiphub.web.i18n import N_, _, core
from tiphub.web.pages import render
from tiphub.web.views import totp_secret

router = APIRouter(prefix="/account")
DONE = {
    "revoked": N_("The token is revoked: it no longer works."),
    "totp": N_("Two-step sign-in is on. From now on, sign in with a code from your app."),
}
TOKEN_DAYS = (30, 90, 365)


def _page(request: Request, hub: Hub, who: Principal, status: int = 200,
          **extra: object) -> Response:
    managed = [o for o in hub.organisations(principal=who)  # where they are org_admin
               if who.role_in(o.id) == "org_admin" and allowed(who, "members:manage", o.id)]
    context = {"tokens": hub.api_tokens(who), "scopes": SCOPES, "days": TOKEN_DAYS,
               "managed": managed,
               "new_token": None, "totp_uri": None, "totp_secret": None, "confirm": False,
               "error": None, "hint": None, "notice": None, **extra}
    return render(request, "account.html", status=status, **context)


@router.get("")
def account(request: Request, hub: HubDep, who: User,
            done: Annotated[str, Query(max_length=20)] = "") -> Response:
    return _page(request, hub, who, notice=_(DONE[done]) if done in DONE else None)


@router.post("/tokens")
def create_token(request: Request, hub: HubDep, who: User,
                 name: Annotated[str, Form(max_length=100)] = "",
                 scopes: Annotated[list[str] | None, Form()] = None,
                 days: Annotated[int, Form(ge=1, le=3650)] = 90) -> Response:
    """A token for scripts: shown on this answer only."""
    try:
        token_id, token = hub.create_api_token(who, name.strip() or "token", (scopes or [])[:3], days)
    except InvalidInput as exc:
        return _page(request, hub, who, status=422, error=core(exc.message), hint=core(exc.hint))
    return _page(request, hub, who, new_token={"id": token_id, "name": name, "token": token})


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: Annotated[int, Path(ge=1, le=MAX_ID)],
                 hub: HubDep, who: User) -> Response:
    try:
        hub.revoke_api_token(who, token_id)
    except NotFound as exc:
        return _page(request, hub, who, status=404, error=core(exc.message))
    return RedirectResponse("/account?done=revoked", status_code=303)


@router.post("/totp")
def begin_totp(request: Request, hub: HubDep, who: User) -> Response:
    """A new secret for an authenticator app, shown as text (no QR service is called)."""
    uri = hub.begin_totp(who)
    return _page(request, hub, who, totp_uri=uri, totp_secret=totp_secret(uri), confirm=True)


@router.post("/totp/confirm")
def confirm_totp(request: Request, hub: HubDep, who: User,
                 code: Annotated[str, Form(max_length=12)] = "") -> Response:
    try:
        hub.confirm_totp(who, code.strip())
    except InvalidInput as exc:
        return _page(request, hub, who, status=422, confirm=True, error=core(exc.message),
                     hint=core(exc.hint))
    return RedirectResponse("/account?done=totp", status_code=303)
