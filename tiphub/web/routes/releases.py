"""Differentially private releases: the public list and pages of published releases (tables with
error bars, the utility and risk report, downloads), and for hub administrators the privacy
budget and the forms that prepare, publish and delete drafts (docs/release.md)."""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from tiphub.accounts import ANONYMOUS, Principal, allowed
from tiphub.api.deps import HubDep
from tiphub.errors import Conflict, InvalidInput, TiphubError
from tiphub.hub import Hub
from tiphub.web.dashboard import country
from tiphub.web.deps import MaybeUser, User
from tiphub.web.i18n import N_, _, core
from tiphub.web.pages import render

router = APIRouter()
ReleaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Short = Annotated[str, Form(max_length=40)]
SHOWN_CELLS = 200  # cells of a large table listed on the page (all of them in the CSV)
SMALL_TABLE = 60  # tables up to this many cells are listed whole, zeros included
K_CHOICES = (5, 10)  # the "<k" presentation the page offers
DONE = {"published": N_("The release is published. It is public and will never change."),
        "budget": N_("The privacy budget is saved."),
        "deleted": N_("The draft is deleted. The privacy budget it spent stays spent.")}
ATTRIBUTES = {  # CTDC column -> what the page calls it
    "gender": N_("Sex"), "ageBroad": N_("Age band"), "yearOfRegistration": N_("Year of registration"),
    "traffickMonths": N_("Duration of exploitation"), "citizenship": N_("Citizenship"),
    "CountryOfExploitation": N_("Country of exploitation"), "isForcedLabour": N_("Forced labour"),
    "isSexualExploit": N_("Sexual exploitation"), "isOtherExploit": N_("Other exploitation"),
}
COUNTRY_COLUMNS = {"citizenship", "CountryOfExploitation"}
REPORT = {  # key of the published report -> label
    "membership_advantage_at_most": N_(
        "Advantage of any attacker in telling whether a person is in the data, at most"),
    "tvd_1way_mean": N_("Synthetic file: distance from the real data, single columns (mean)"),
    "tvd_1way_worst": N_("Synthetic file: distance from the real data, single columns (worst)"),
    "tvd_2way_mean": N_("Synthetic file: distance from the real data, pairs of columns (mean)"),
    "tvd_2way_worst": N_("Synthetic file: distance from the real data, pairs of columns (worst)"),
    "tvd_3way_mean": N_("Synthetic file: distance from the real data, three columns (mean)"),
    "tvd_3way_worst": N_("Synthetic file: distance from the real data, three columns (worst)"),
    "rare_combinations_reappearing": N_(
        "Rare real combinations (fewer than 10 people) that reappear in the synthetic file"),
    "unique_exact_matches_share": N_("Synthetic records identical to a record unique in the real data"),
}


def _manager(who: Principal | None) -> bool:
    return who is not None and allowed(who, "releases:manage")


def _workload() -> list[tuple[str, str]]:
    from tiphub.release.tables import WORKLOAD

    return [(name, spec.title) for name, spec in WORKLOAD.items()]


def _budget(hub: Hub, who: Principal) -> dict[str, Any] | None:
    try:
        return hub.privacy_budget(principal=who)
    except Conflict:  # none set yet
        return None


def _list(request: Request, hub: Hub, who: Principal | None, status: int = 200,
          **extra: Any) -> Response:
    principal = who or ANONYMOUS
    found = hub.releases(principal=principal)
    manager = _manager(who)
    from tiphub.release.pacsynth import available

    context: dict[str, Any] = {
        "published": [r for r in found if r["status"] == "published"],
        "drafts": [r for r in found if r["status"] == "draft"] if manager else [],
        "manager": manager, "budget": _budget(hub, principal) if manager else None,
        "workload": _workload(), "pacsynth": available() if manager else False,
        "error": None, "hint": None, "notice": None, "form": {}, **extra}
    return render(request, "releases.html", status=status, **context)


@router.get("/releases")
def releases(request: Request, hub: HubDep, who: MaybeUser,
             done: Annotated[str, Query(max_length=20)] = "") -> Response:
    """Published releases for everyone; drafts, the budget and the forms for hub administrators."""
    return _list(request, hub, who, notice=_(DONE[done]) if done in DONE else None)


def _failed(request: Request, hub: Hub, who: Principal, exc: TiphubError,
            form: dict[str, Any]) -> Response:
    if exc.http_status in (401, 403):
        raise exc
    return _list(request, hub, who, status=exc.http_status, error=core(exc.message),
                 hint=core(exc.hint), form=form)


def _number(text: str, name: str, *, whole: bool = False) -> float | int | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        raise InvalidInput(f"{name} must be a {'whole ' if whole else ''}number",
                           hint="for example 1 or 0.5" if not whole else "for example 5000") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"{name} must be a number")
    return value


@router.post("/releases")
def create(request: Request, hub: HubDep, who: User,
           tables: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006 - FastAPI default
           epsilon: Short = "", synthetic: Short = "", rows: Short = "",
           synthesiser: Short = "mst") -> Response:
    """Prepare a draft: it spends its epsilon now, whether or not it is published."""
    form = {"tables": tables, "epsilon": epsilon, "synthetic": synthetic == "on", "rows": rows,
            "synthesiser": synthesiser}
    try:
        eps = _number(epsilon, "epsilon")
        if eps is None:
            raise InvalidInput("epsilon is required", hint="for example 1")
        n = _number(rows, "rows", whole=True)
        release = hub.create_release([t[:40] for t in tables] or None, float(eps),
                                     synthetic=synthetic == "on", rows=n,
                                     synthesiser=synthesiser, principal=who)
    except TiphubError as exc:
        return _failed(request, hub, who, exc, form)
    return RedirectResponse(f"/releases/{release['id']}", status_code=303)


@router.post("/releases/budget")
def set_budget(request: Request, hub: HubDep, who: User, epsilon: Short = "",
               delta: Short = "") -> Response:
    form = {"budget_epsilon": epsilon, "budget_delta": delta}
    try:
        eps = _number(epsilon, "epsilon")
        dlt = _number(delta, "delta")
        if eps is None:
            raise InvalidInput("epsilon is required", hint="for example 3")
        hub.set_privacy_budget(float(eps), 1e-6 if dlt is None else float(dlt), principal=who)
    except TiphubError as exc:
        return _failed(request, hub, who, exc, form)
    return RedirectResponse("/releases?done=budget", status_code=303)


def _label(attribute: str, code: str) -> str:
    if attribute in COUNTRY_COLUMNS:
        return country(code) if code else _("not recorded")
    if attribute.startswith("is"):
        return _("yes") if code else _("no or not recorded")
    return code or _("not recorded")


def _cells(table: dict[str, Any], k: int | None) -> tuple[list[dict[str, Any]], int]:
    """The cells to list (all of a small table; the non-zero ones, largest first, of a large
    one) and how many cells the table has."""
    counts = np.asarray(table["counts"])
    cells = []
    for idx in np.ndindex(*counts.shape):
        n = int(counts[idx])
        if counts.size > SMALL_TABLE and n == 0:
            continue
        keys = [_label(a, d[i]) for a, d, i in zip(table["attributes"], table["domains"], idx,
                                                     strict=True)]
        cells.append({"keys": keys, "count": n,
                      "shown": f"<{k}" if k is not None and n < k else None,  # None: the number
                      "flagged": n <= table["ci95"]})
    if counts.size > SMALL_TABLE:
        cells.sort(key=lambda c: -c["count"])
    return cells[:SHOWN_CELLS], int(counts.size)


def _tables(release: dict[str, Any], k: int | None) -> list[dict[str, Any]]:
    out = []
    for t in release["tables"]:
        cells, size = _cells(t, k)
        out.append({**t, "cells": cells, "size": size, "small": size <= SMALL_TABLE,
                    "headers": [_(ATTRIBUTES[a]) if a in ATTRIBUTES else a for a in t["attributes"]]})
    return out


@router.get("/releases/{release_id}")
def release(request: Request, hub: HubDep, who: MaybeUser, release_id: ReleaseId,
            k: Annotated[int | None, Query(ge=2, le=100)] = None,
            done: Annotated[str, Query(max_length=20)] = "") -> Response:
    """One release: citation, tables with error bars, the note, the report, the downloads."""
    return _detail(request, hub, who, release_id, k=k,
                   notice=_(DONE[done]) if done in DONE else None)


def _detail(request: Request, hub: Hub, who: Principal | None, release_id: int, *,
            k: int | None = None, status: int = 200, **extra: Any) -> Response:
    found = hub.release(release_id, principal=who or ANONYMOUS)  # drafts: NotFound for others
    manager = _manager(who)
    epsilon = found["epsilon"]
    k_options = [("", _("as they are")),
                 *((str(c), _("under %(k)s as <%(k)s", k=c)) for c in K_CHOICES)]
    if k is not None and k not in K_CHOICES:
        k_options.append((str(k), _("under %(k)s as <%(k)s", k=k)))
    context = {"r": found, "tables": _tables(found, k), "k": k, "k_options": k_options,
               "manager": manager, "factor": math.exp(epsilon),
               "advantage": found["report_public"].get("membership_advantage_at_most"),
               "report": [(label, found["report_public"][key]) for key, label in REPORT.items()
                          if key in found["report_public"]],
               "internal": found.get("report_internal") if manager else None,
               "error": None, "hint": None, "notice": None, **extra}
    return render(request, "release.html", status=status, **context)


@router.post("/releases/{release_id}/publish")
def publish(request: Request, hub: HubDep, who: User, release_id: ReleaseId) -> Response:
    try:
        hub.publish_release(release_id, principal=who)
    except TiphubError as exc:
        if exc.http_status in (401, 403, 404):
            raise
        return _detail(request, hub, who, release_id, status=exc.http_status,
                       error=core(exc.message), hint=core(exc.hint))
    return RedirectResponse(f"/releases/{release_id}?done=published", status_code=303)


@router.post("/releases/{release_id}/delete")
def delete(request: Request, hub: HubDep, who: User, release_id: ReleaseId) -> Response:
    try:
        hub.delete_release(release_id, principal=who)
    except TiphubError as exc:
        if exc.http_status in (401, 403, 404):
            raise
        return _detail(request, hub, who, release_id, status=exc.http_status,
                       error=core(exc.message), hint=core(exc.hint))
    return RedirectResponse("/releases?done=deleted", status_code=303)
