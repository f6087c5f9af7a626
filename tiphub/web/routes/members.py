"""An organisation's members (its organisation administrators, and hub administrators): who
they are, their roles, and the form to give, change or take away a role. The Hub decides who
may, and audits every change."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from tiphub.accounts import ROLES, Principal
from tiphub.api.deps import HubDep
from tiphub.errors import TiphubError
from tiphub.hub import Hub
from tiphub.web.deps import User
from tiphub.web.i18n import _, core
from tiphub.web.pages import render

router = APIRouter(prefix="/organisations")
Code = Annotated[str, Path(max_length=64)]
Email = Annotated[str, Form(max_length=254)]


def _page(request: Request, hub: Hub, who: Principal, code: str, status: int = 200,
          **extra: object) -> Response:
    members = hub.members(code, principal=who)  # members:manage — the Hub refuses the others
    context = {"organisation": hub.organisation(code), "members": members, "roles": ROLES,
               "error": None, "hint": None, "notice": None, "form": {}, **extra}
    return render(request, "members.html", status=status, **context)


def _failed(request: Request, hub: Hub, who: Principal, code: str, exc: TiphubError,
            form: dict[str, str]) -> Response:
    if exc.http_status == 401:
        raise exc
    # a refusal (e.g. of one's own role) is shown on the page — to those who may see it:
    # _page asks the Hub again, which raises Forbidden for everyone else
    return _page(request, hub, who, code, status=exc.http_status, error=core(exc.message),
                 hint=core(exc.hint), form=form)


@router.get("/{code}/members")
def members(request: Request, code: Code, hub: HubDep, who: User) -> Response:
    return _page(request, hub, who, code)


@router.post("/{code}/members")
def set_role(request: Request, code: Code, hub: HubDep, who: User, email: Email = "",
             role: Annotated[str, Form(max_length=32)] = "") -> Response:
    """Give an existing user a role in the organisation (or change it)."""
    form = {"email": email, "role": role}
    try:
        hub.set_role(email, code, role, principal=who)  # no role: refused (removing has its button)
    except TiphubError as exc:
        return _failed(request, hub, who, code, exc, form)
    return _page(request, hub, who, code,
                 notice=_("The role of %(email)s is saved.", email=email.strip().lower()))


@router.post("/{code}/members/remove")
def remove(request: Request, code: Code, hub: HubDep, who: User, email: Email = "") -> Response:
    """Take the user's role away: they are no longer a member of the organisation."""
    try:
        hub.set_role(email, code, None, principal=who)
    except TiphubError as exc:
        return _failed(request, hub, who, code, exc, {})
    return _page(request, hub, who, code,
                 notice=_("%(email)s is no longer a member of the organisation.",
                          email=email.strip().lower()))
