"""Uploading files and what became of them, and an organisation's own case records."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from tiphub.accounts import Principal, allowed
from tiphub.api.deps import HubDep
from tiphub.api.routes.submissions import SubmissionId
from tiphub.api.uploads import import_upload
from tiphub.errors import Conflict, FileRejected, Forbidden, InvalidInput, NotFound
from tiphub.hub import Hub
from tiphub.ingest import PROFILES
from tiphub.web.deps import User
from tiphub.web.i18n import _, core
from tiphub.web.pages import is_htmx, render

router = APIRouter()
PER_PAGE = 50


def _organisations(hub: Hub, who: Principal, action: str) -> list:
    """Organisations in which ``who`` may do ``action`` (what a form offers; the Hub decides)."""
    return [o for o in hub.organisations(principal=who) if allowed(who, action, o.id)]


def _refuse(action: str) -> Forbidden:
    return Forbidden(f"not allowed: {action}",
                     hint="ask an administrator of your organisation for the right role")


# -- upload -------------------------------------------------------------------------------


def _upload_page(request: Request, hub: Hub, who: Principal, status: int = 200,
                 **extra: object) -> Response:
    orgs = _organisations(hub, who, "imports:create")
    if not orgs:
        raise _refuse("imports:create")
    context = {"organisations": orgs, "profiles": list(PROFILES), "chosen": {}, "error": None,
               "hint": None, "report": None, **extra}
    return render(request, "upload.html", status=status, **context)


@router.get("/upload")
def upload_form(request: Request, hub: HubDep, who: User) -> Response:
    return _upload_page(request, hub, who)


@router.post("/upload")
def upload(request: Request, hub: HubDep, who: User,
           org: Annotated[str, Form(max_length=64)] = "",
           profile: Annotated[str, Form(max_length=32)] = "",
           file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Import the file for the organisation and show its validation report."""
    chosen = {"org": org, "profile": profile}
    if file is None or not file.filename:
        return _upload_page(request, hub, who, status=422, chosen=chosen,
                            error=_("Choose a file to upload."))
    try:
        report = import_upload(hub, file.file, file.filename, org=org, profile=profile or None,
                               principal=who)
    except (FileRejected, InvalidInput, NotFound, Conflict) as exc:
        return _upload_page(request, hub, who, status=exc.http_status, chosen=chosen,
                            error=core(exc.message), hint=core(exc.hint))
    return _upload_page(request, hub, who, chosen=chosen, report=report)


# -- submissions --------------------------------------------------------------------------


@router.get("/submissions")
def submissions(request: Request, hub: HubDep, who: User) -> Response:
    items = hub.submissions(principal=who)
    names = {o.id: o for o in hub.organisations(principal=who)}
    return render(request, "submissions.html", submissions=items, organisations=names)


@router.get("/submissions/{submission_id}")
def submission(request: Request, submission_id: SubmissionId, hub: HubDep, who: User) -> Response:
    sub = hub.submission(submission_id, principal=who)
    report = hub.import_report(submission_id, principal=who)
    names = {o.id: o for o in hub.organisations(principal=who)}
    return render(request, "submission.html", sub=sub, report=report,
                  organisation=names.get(sub.organisation_id),
                  may_quarantine=allowed(who, "quarantine:read", sub.organisation_id))


@router.get("/submissions/{submission_id}/quarantine")
def quarantine(request: Request, submission_id: SubmissionId, hub: HubDep, who: User) -> Response:
    """The rows that failed validation (case-level data: the organisation's stewards only)."""
    rows = hub.quarantine(submission_id, principal=who)
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row["values"] if c not in columns]
    template = "_quarantine.html" if is_htmx(request) else "quarantine.html"
    return render(request, template, submission_id=submission_id, rows=rows, columns=columns)


# -- case records -------------------------------------------------------------------------


@router.get("/records")
def records(request: Request, hub: HubDep, who: User,
            org: Annotated[str, Query(max_length=64)] = "",
            page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> Response:
    """One page of an organisation's case records (its own members only)."""
    if not org:
        orgs = _organisations(hub, who, "records:read")
        if not orgs:
            raise _refuse("records:read")
        return render(request, "records.html", organisations=orgs, org=None, result=None,
                      pages=0)
    result = hub.records(org, page=page, per_page=PER_PAGE, principal=who)
    pages = max(1, math.ceil(result["total"] / PER_PAGE))
    return render(request, "records.html", organisations=[], org=hub.organisation(org),
                  result=result, pages=pages)
