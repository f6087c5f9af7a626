"""The hidden number: the estimate of the newest link run (for every member, rounded for
publication), and a form to estimate from an overlap table of one's own (nothing is stored)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from tiphub.accounts import Principal
from tiphub.api.deps import HubDep
from tiphub.api.uploads import estimate_upload
from tiphub.errors import TiphubError
from tiphub.hub import Hub
from tiphub.web.deps import User
from tiphub.web.i18n import _, core
from tiphub.web.pages import render

router = APIRouter()
PAGE_BOOTSTRAP = 1000


def _page(request: Request, hub: Hub, who: Principal, status: int = 200, **extra: object) -> Response:
    runs = hub.link_runs(limit=1, principal=who)
    linked = hub.link_estimate(runs[0].id, principal=who) if runs else None
    context = {"linked": linked, "run": runs[0] if runs else None, "mine": None, "error": None,
               "hint": None, **extra}
    return render(request, "estimate.html", status=status, **context)


@router.get("/estimate")
def page(request: Request, hub: HubDep, who: User) -> Response:
    try:
        return _page(request, hub, who)
    except TiphubError as exc:  # the newest run's table admits no model: say so on the page
        if exc.http_status in (401, 403):
            raise
        return _page_without_run(request, hub, who, exc)


def _page_without_run(request: Request, hub: Hub, who: Principal, exc: TiphubError) -> Response:
    return render(request, "estimate.html", linked=None, run=None, mine=None,
                  error=core(exc.message), hint=core(exc.hint))


@router.post("/estimate")
def estimate_table(request: Request, hub: HubDep, who: User,
                   file: Annotated[UploadFile | None, File()] = None,
                   stratum: Annotated[str, Form(max_length=64)] = "") -> Response:
    """Estimate from an uploaded overlap table and show it below the hub's own."""
    if file is None or not file.filename:
        return _page(request, hub, who, status=422, error=_("Choose a file to upload."))
    try:
        mine = estimate_upload(hub, file.file, file.filename, principal=who,
                               bootstrap=PAGE_BOOTSTRAP, stratum=stratum.strip() or None)
    except TiphubError as exc:
        if exc.http_status in (401, 403):
            raise
        return _page(request, hub, who, status=exc.http_status, error=core(exc.message),
                     hint=core(exc.hint))
    return _page(request, hub, who, mine=mine)
