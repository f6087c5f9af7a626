"""Request dependencies: the hub, and who is asking (session cookie or API token)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from tiphub.accounts import Principal
from tiphub.errors import Forbidden, Unauthorized
from tiphub.hub import Hub

SESSION_COOKIE = "tiphub_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_hub(request: Request) -> Hub:
    return request.app.state.hub


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def optional_principal(request: Request, hub: Annotated[Hub, Depends(get_hub)],
                       authorization: Annotated[str | None, Header()] = None) -> Principal | None:
    """The principal behind the request, or None when nobody signed in.

    An API token (``Authorization: Bearer tph_...``) wins over a cookie; a cookie-signed
    request that changes something must carry the session's CSRF token in ``X-CSRF-Token``
    (or, from a form, ``csrf_token``), checked by :func:`principal`.
    """
    ip = client_ip(request)
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("use 'Authorization: Bearer <token>'")
        return hub.token_principal(token.strip(), ip=ip)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    principal, csrf = hub.session_principal(cookie, ip=ip)
    request.state.csrf = csrf
    return principal


async def _form_csrf(request: Request) -> str | None:
    if request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def principal(request: Request,
                    who: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    """The signed-in principal; 401 without one, 403 on a cookie request missing its CSRF token."""
    if who is None:
        raise Unauthorized("sign in, or send an API token")
    if who.via == "session" and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER) or await _form_csrf(request)
        expected = getattr(request.state, "csrf", None)
        if not sent or not expected or not hmac.compare_digest(sent, expected):
            raise Forbidden("missing or wrong CSRF token",
                            hint=f"send the session's token in the {CSRF_HEADER} header")
    return who


HubDep = Annotated[Hub, Depends(get_hub)]
PrincipalDep = Annotated[Principal, Depends(principal)]
