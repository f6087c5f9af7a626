"""Administration (hub administrators): users and their roles, organisations, the audit log."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from tiphub.accounts import ROLES, Principal
from tiphub.api.deps import HubDep
from tiphub.errors import TiphubError
from tiphub.hub import Hub
from tiphub.web.deps import User
from tiphub.web.i18n import _, core
from tiphub.web.pages import render
from tiphub.web.views import ORG_TYPES

router = APIRouter(prefix="/admin")
AUDIT_PER_PAGE = 50
Email = Annotated[str, Form(max_length=254)]
Short = Annotated[str, Form(max_length=200)]
Code = Annotated[str, Form(max_length=64)]


def _page(request: Request, hub: Hub, who: Principal, status: int = 200,
          **extra: object) -> Response:
    users = hub.users(principal=who)  # users:manage — the Hub refuses anyone else
    organisations = hub.organisations(principal=who)
    context = {"users": users, "organisations": organisations,
               "org_codes": {o.id: o.code for o in organisations}, "roles": ROLES,
               "org_types": list(ORG_TYPES), "link": None, "error": None,
               "hint": None, "notice": None, "form": {}, **extra}
    return render(request, "admin.html", status=status, **context)


def _failed(request: Request, hub: Hub, who: Principal, exc: TiphubError,
            form: dict[str, str]) -> Response:
    if exc.http_status in (401, 403):
        raise exc
    return _page(request, hub, who, status=exc.http_status, error=core(exc.message),
                 hint=core(exc.hint), form=form)


def _reset_url(request: Request, token: str) -> str:
    return str(request.url_for("reset_form").include_query_params(token=token))


@router.get("")
def admin(request: Request, hub: HubDep, who: User) -> Response:
    return _page(request, hub, who)


@router.post("/users")
def add_user(request: Request, hub: HubDep, who: User, email: Email = "", name: Short = "",
             hub_admin: Annotated[str, Form(max_length=8)] = "") -> Response:
    """Add a user without a password, and show the one-time link with which they set one."""
    form = {"email": email, "name": name}
    try:
        hub.create_user(email, name, hub_admin=hub_admin == "on", principal=who)
        token = hub.reset_link(email, principal=who)
    except TiphubError as exc:
        return _failed(request, hub, who, exc, form)
    return _page(request, hub, who, link=_reset_url(request, token),
                 notice=_("User %(email)s added. Give them this one-time link to set a password; "
                          "it works once, for 24 hours.", email=email.strip().lower()))


@router.post("/users/reset")
def reset_link(request: Request, hub: HubDep, who: User, email: Email = "") -> Response:
    try:
        token = hub.reset_link(email, principal=who)
    except TiphubError as exc:
        return _failed(request, hub, who, exc, {})
    return _page(request, hub, who, link=_reset_url(request, token),
                 notice=_("A one-time link to set a new password for %(email)s; it works once, "
                          "for 24 hours.", email=email.strip().lower()))


@router.post("/roles")
def set_role(request: Request, hub: HubDep, who: User, email: Email = "", org: Code = "",
             role: Annotated[str, Form(max_length=32)] = "") -> Response:
    """Give a user a role in an organisation; no role removes the membership."""
    try:
        hub.set_role(email, org, role or None, principal=who)
    except TiphubError as exc:
        return _failed(request, hub, who, exc, {"role_email": email})
    return _page(request, hub, who, notice=_("The role is saved."))


@router.post("/organisations")
def add_organisation(request: Request, hub: HubDep, who: User, code: Code = "",
                     name: Short = "", type: Code = "NGO",
                     country: Annotated[str, Form(max_length=60)] = "") -> Response:
    form = {"code": code, "org_name": name, "country": country}
    try:
        hub.add_organisation(code.strip(), name.strip(), type, country.strip() or None,
                             principal=who)
    except TiphubError as exc:
        return _failed(request, hub, who, exc, form)
    return _page(request, hub, who,
                 notice=_("Organisation %(code)s added.", code=code.strip()))


@router.get("/audit")
def audit(request: Request, hub: HubDep, who: User,
          page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    """The audit log, newest first (the whole log: /api/v1/audit.csv)."""
    total, rows = hub.audit_log(limit=AUDIT_PER_PAGE, offset=(page - 1) * AUDIT_PER_PAGE,
                                principal=who)
    return render(request, "audit.html", rows=rows, total=total, page_number=page,
                  pages=max(1, math.ceil(total / AUDIT_PER_PAGE)))
