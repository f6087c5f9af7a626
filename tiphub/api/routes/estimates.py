"""Multiple systems estimation: the victims no list saw, from an uploaded overlap table or from
a link run's overlap table (hub administrators)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from tiphub.api.deps import HubDep, PrincipalDep
from tiphub.api.routes.linkage import RunId
from tiphub.api.uploads import estimate_upload

router = APIRouter(tags=["estimation"])
MethodName = Literal["stepwise", "exhaustive", "fixed", "main"]
CriterionName = Literal["aic", "bic", "pvalue"]


class EstimateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: MethodName = "stepwise"
    criterion: CriterionName = "aic"
    interactions: list[Annotated[str, Field(max_length=200)]] | None = Field(None, max_length=100)
    bootstrap: int = Field(1000, ge=0, le=10_000)
    seed: int = Field(2024, ge=0, le=2**31 - 1)
    merge_below: int | None = Field(None, ge=1, le=10**9)
    by: Literal["sex", "age", "form"] | None = Field(
        None, description="Estimate by the persons' sex, age (adult/minor) or form of exploitation.")


@router.post("/estimates")
def estimate_table(
    hub: HubDep, principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="Overlap table (CSV): 0/1 per list, then count")],
    method: Annotated[MethodName, Form()] = "stepwise",
    criterion: Annotated[CriterionName, Form()] = "aic",
    bootstrap: Annotated[int, Form(ge=0, le=10_000)] = 1000,
    seed: Annotated[int, Form(ge=0, le=2**31 - 1)] = 2024,
    merge_below: Annotated[int | None, Form(ge=1, le=10**9)] = None,
    stratum: Annotated[str | None, Form(max_length=64)] = None,
) -> dict[str, Any]:
    """Estimate from an overlap table you supply (nothing is stored)."""
    return estimate_upload(hub, file.file, file.filename, principal=principal, method=method,
                           criterion=criterion, bootstrap=bootstrap, seed=seed,
                           merge_below=merge_below, stratum=stratum or None)


@router.get("/link-runs/{run_id}/estimate")
def run_estimate(run_id: RunId, hub: HubDep, principal: PrincipalDep) -> dict[str, Any]:
    """A link run's estimate with the hub's standard options (stepwise AIC, 1,000 bootstrap
    replicates): exact for hub administrators, rounded for publication for everyone else."""
    return hub.link_estimate(run_id, principal=principal)


@router.post("/link-runs/{run_id}/estimate")
def estimate_run(run_id: RunId, body: EstimateIn, hub: HubDep, principal: PrincipalDep) -> dict[str, Any]:
    """Estimate from a link run's exact overlap table (hub administrators)."""
    return hub.estimate(link_run=run_id, principal=principal, **body.model_dump())
