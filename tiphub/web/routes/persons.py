"""Distinct persons: what the newest link run found (protected counts), earlier runs, and
— for hub administrators — the form that links the encoded submissions again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from tiphub.accounts import Principal, allowed
from tiphub.api.deps import HubDep
from tiphub.errors import NotFound, TiphubError
from tiphub.hub import Hub
from tiphub.records import LinkRun
from tiphub.web.deps import User
from tiphub.web.i18n import _, core
from tiphub.web.pages import render

router = APIRouter()


def _page(request: Request, hub: Hub, who: Principal, run_id: int | None = None,
          status: int = 200, **extra: object) -> Response:
    runs = hub.link_runs(principal=who)
    try:
        summary = hub.link_summary(run_id, principal=who) if runs else None
        if summary:  # the summary is JSON-shaped; the page formats the run's date itself
            summary = {**summary, "run": LinkRun.model_validate(summary["run"])}
    except NotFound:
        if run_id is None:
            raise
        summary = None
        status = 404
    context = {"runs": runs, "summary": summary, "may_link": allowed(who, "linkage:run"),
               "error": None, "hint": None, "notice": None, "form": {}, **extra}
    return render(request, "persons.html", status=status, **context)


@router.get("/persons")
def persons(request: Request, hub: HubDep, who: User,
            run: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> Response:
    return _page(request, hub, who, run)


@router.post("/persons/link")
def link(request: Request, hub: HubDep, who: User,
         threshold: Annotated[str, Form(max_length=16)] = "",
         within_party: Annotated[str, Form(max_length=8)] = "") -> Response:
    """Link the encoded submissions (hub administrators; the Hub refuses everyone else)."""
    form = {"threshold": threshold, "within_party": within_party}
    try:
        value = float(threshold) if threshold.strip() else None
    except ValueError:
        return _page(request, hub, who, status=422, form=form,
                     error=_("The threshold is a number between 0 and 1, such as 0.8."))
    try:
        run = hub.link(threshold=value, within_party=bool(within_party), principal=who)
    except TiphubError as exc:
        if exc.http_status in (401, 403):
            raise
        return _page(request, hub, who, status=exc.http_status, form=form,
                     error=core(exc.message), hint=core(exc.hint))
    notice = (_("These submissions were linked before with the same settings: that run is shown.")
              if run.reused else _("Link run %(id)s is done.", id=run.id))
    return _page(request, hub, who, run.id, notice=notice)
