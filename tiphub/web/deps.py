"""Who is asking, for the pages: the API's own dependencies (session cookie or bearer token, and
the CSRF check on requests that change something), remembered on the request for the page."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, Request

from tiphub.accounts import Principal
from tiphub.api.deps import HubDep, optional_principal, principal
from tiphub.errors import Forbidden, Unauthorized
from tiphub.web.pages import FORM_COOKIE


def maybe_signed_in(request: Request, hub: HubDep,
                    authorization: Annotated[str | None, Header()] = None) -> Principal | None:
    """The signed-in principal, or None — also when the session cookie has ended (a public
    page must not bounce to the sign-in page because of a stale cookie)."""
    try:
        who = optional_principal(request, hub, authorization)
    except Unauthorized:
        request.state.stale_session = True
        return None
    request.state.principal = who
    return who


async def signed_in(request: Request,
                    who: Annotated[Principal, Depends(principal)]) -> Principal:
    """The signed-in principal (401 → the sign-in page); POSTs checked for the CSRF token."""
    request.state.principal = who
    return who


def check_form_token(request: Request, sent: str | None) -> None:
    """The CSRF check of the forms used before signing in (double-submit cookie)."""
    expected = request.cookies.get(FORM_COOKIE)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden("missing or wrong CSRF token", hint="reload the form and send it again")


MaybeUser = Annotated[Principal | None, Depends(maybe_signed_in)]
User = Annotated[Principal, Depends(signed_in)]
