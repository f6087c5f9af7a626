"""Signing in and out, the first administrator, password resets, the second factor."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from tiphub.accounts import Principal
from tiphub.api.deps import SESSION_COOKIE, HubDep, PrincipalDep, client_ip
from tiphub.api.models import LoginRequest, Me, ResetRequest, SetupRequest
from tiphub.hub import Hub

router = APIRouter(prefix="/auth", tags=["auth"])


def me(hub: Hub, principal: Principal, csrf: str | None = None) -> Me:
    codes = {o.id: o.code for o in hub.organisations(principal=principal)}
    return Me(user_id=principal.user_id, email=principal.email, name=principal.name,
              hub_admin=principal.hub_admin, via=principal.via, csrf_token=csrf,
              roles={codes[o]: r for o, r in principal.roles.items() if o in codes})


@router.post("/login", response_model=Me)
def login(body: LoginRequest, request: Request, response: Response, hub: HubDep) -> Me:
    """Sign in; sets the session cookie (HttpOnly, SameSite=Lax; Secure behind TLS)."""
    principal, token, csrf = hub.login(body.email, body.password, totp=body.totp,
                                       ip=client_ip(request))
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", path="/",
        secure=hub.settings.behind_tls or request.url.scheme == "https",
        max_age=hub.settings.session_hours * 3600)
    return me(hub, principal, csrf)


@router.post("/logout", status_code=204)
def logout(response: Response, hub: HubDep, principal: PrincipalDep) -> Response:
    hub.logout(principal)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.status_code = 204
    return response


@router.get("/me", response_model=Me)
def whoami(request: Request, hub: HubDep, principal: PrincipalDep) -> Me:
    return me(hub, principal, getattr(request.state, "csrf", None))


@router.post("/setup", status_code=201, response_model=Me)
def setup(body: SetupRequest, hub: HubDep) -> Me:
    """Create the first administrator with the one-time token `tiphub serve` printed."""
    user_id = hub.complete_setup(body.token, body.email, body.name, body.password)
    return me(hub, hub.accounts.principal(user_id))


@router.post("/reset", status_code=204)
def reset(body: ResetRequest, hub: HubDep) -> Response:
    """Set a new password with a one-time reset token from an administrator."""
    hub.reset_password(body.token, body.password)
    return Response(status_code=204)
