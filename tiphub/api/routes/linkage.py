"""Record linkage: link runs, distinct persons and the list-overlap table. No scores, ever."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from tiphub.api.deps import HubDep, PrincipalDep
from tiphub.linkage.overlap import overlap_csv_rows
from tiphub.records import LinkRun

router = APIRouter(tags=["linkage"])
RunId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisations: list[Annotated[str, Field(max_length=64)]] | None = Field(
        None, max_length=200, description="Organisation codes to link; default: every one.")
    threshold: float | None = Field(None, gt=0, le=1, description="Dice score; default: estimated.")
    blocking: Literal["auto", "none", "lsh"] = "auto"
    engine: Literal["local", "spark"] = "local"
    within_party: bool = False
    seed: int = Field(0, ge=0, le=2**31 - 1)


@router.post("/link-runs", response_model=LinkRun, status_code=201)
def create_run(body: LinkIn, hub: HubDep, principal: PrincipalDep) -> LinkRun:
    """Link the encoded submissions into persons (hub administrators). An identical earlier
    run (same submissions, same parameters) is returned instead, with ``reused`` true."""
    return hub.link(body.organisations, threshold=body.threshold, blocking=body.blocking,
                    engine=body.engine, within_party=body.within_party, seed=body.seed,
                    principal=principal)


@router.get("/link-runs", response_model=list[LinkRun])
def runs(hub: HubDep, principal: PrincipalDep,
         limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[LinkRun]:
    return hub.link_runs(limit, principal=principal)


@router.get("/link-runs/latest", response_model=LinkRun)
def latest(hub: HubDep, principal: PrincipalDep) -> LinkRun:
    return hub.link_run(principal=principal)


@router.get("/link-runs/{run_id}", response_model=LinkRun)
def run(run_id: RunId, hub: HubDep, principal: PrincipalDep) -> LinkRun:
    return hub.link_run(run_id, principal=principal)


@router.get("/link-runs/{run_id}/summary")
def summary(run_id: RunId, hub: HubDep, principal: PrincipalDep,
            exact: bool = False) -> dict[str, Any]:
    """Records against distinct persons per organisation, and the list-overlap table.

    Small counts are hidden unless ``exact`` (hub administrators only)."""
    return hub.link_summary(run_id, exact=exact, principal=principal)


@router.get("/link-runs/{run_id}/overlap.csv", responses={200: {"content": {"text/csv": {}}}})
def overlap_csv(run_id: RunId, hub: HubDep, principal: PrincipalDep) -> Response:
    """The exact overlap table in the estimation format (hub administrators)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        overlap_csv_rows(hub.link_summary(run_id, exact=True, principal=principal)))
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="tiphub-overlap-run{run_id}.csv"'})


@router.get("/organisations/{code}/persons")
def persons(code: Annotated[str, PathParam(max_length=64)], hub: HubDep, principal: PrincipalDep,
            run: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> list[dict[str, Any]]:
    """The organisation's own linked records: their person and which organisations also hold
    that person (members who may read its records)."""
    return hub.link_records(code, run, principal=principal)
