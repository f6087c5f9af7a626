"""Differentially private releases: published ones are public; hub administrators prepare,
publish and see the privacy budget (docs/release.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from fastapi import Path as PathParam

from tiphub.accounts import Principal
from tiphub.api.deps import HubDep, PrincipalDep
from tiphub.api.models import ReleaseIn
from tiphub.api.routes.coordination import reader

router = APIRouter(tags=["releases"])
CSV = "text/csv; charset=utf-8"
ReleaseId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


@router.get("/releases")
def releases(hub: HubDep, principal: Annotated[Principal, Depends(reader)]) -> list[dict[str, Any]]:
    """Published releases, newest first (no sign-in needed; drafts too for hub administrators)."""
    return hub.releases(principal=principal)


@router.post("/releases", status_code=201)
def create_release(body: ReleaseIn, hub: HubDep, principal: PrincipalDep) -> dict[str, Any]:
    """Prepare a draft release, spending its epsilon from the privacy budget (hub administrators)."""
    return hub.create_release(body.tables, body.epsilon, synthetic=body.synthetic, rows=body.rows,
                              seed=body.seed, synthesiser=body.synthesiser, principal=principal)


@router.get("/releases/{release_id}")
def release(release_id: ReleaseId, hub: HubDep,
            principal: Annotated[Principal, Depends(reader)]) -> dict[str, Any]:
    """A release with its tables and its utility and risk report."""
    return hub.release(release_id, principal=principal)


@router.delete("/releases/{release_id}", status_code=204, response_class=Response)
def delete(release_id: ReleaseId, hub: HubDep, principal: PrincipalDep) -> Response:
    """Delete a draft (hub administrators). A published release is immutable: 409. The draft's
    epsilon is not refunded: its noisy answers were computed and seen."""
    hub.delete_release(release_id, principal=principal)
    return Response(status_code=204)


@router.post("/releases/{release_id}/publish")
def publish(release_id: ReleaseId, hub: HubDep, principal: PrincipalDep) -> dict[str, Any]:
    """Publish a draft: public and immutable from now on (hub administrators; once)."""
    return hub.publish_release(release_id, principal=principal)


@router.get("/releases/{release_id}/tables.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def tables_csv(release_id: ReleaseId, hub: HubDep,
               principal: Annotated[Principal, Depends(reader)]) -> Response:
    """The release's tables, one row per cell, with standard deviations and 95 % error bars."""
    return Response(hub.release_tables_csv(release_id, principal=principal), media_type=CSV,
                    headers={"Content-Disposition":
                             f'attachment; filename="release-{release_id}-tables.csv"'})


@router.get("/releases/{release_id}/synthetic.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def synthetic_csv(release_id: ReleaseId, hub: HubDep,
                  principal: Annotated[Principal, Depends(reader)]) -> Response:
    """The release's synthetic file in the CTDC global synthetic format (27 columns)."""
    return Response(hub.release_synthetic_csv(release_id, principal=principal), media_type=CSV,
                    headers={"Content-Disposition":
                             f'attachment; filename="release-{release_id}-synthetic.csv"'})


@router.get("/privacy-budget")
def privacy_budget(hub: HubDep, principal: PrincipalDep) -> dict[str, Any]:
    """The privacy budget of the case records: total, spent and remaining (hub administrators)."""
    return hub.privacy_budget(principal=principal)
