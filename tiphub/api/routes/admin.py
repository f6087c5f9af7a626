"""Users, API tokens and the audit log."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from tiphub.api.deps import HubDep, PrincipalDep
from tiphub.api.models import AuditEntry, Link, Page, TokenIn, TokenInfo, TokenOut, UserIn
from tiphub.stats import safe_cell

router = APIRouter(tags=["administration"])


@router.get("/users")
def users(hub: HubDep, principal: PrincipalDep) -> list[dict]:
    return hub.users(principal=principal)


@router.post("/users", status_code=201)
def add_user(body: UserIn, hub: HubDep, principal: PrincipalDep) -> dict[str, int]:
    """Add a user without a password; give them a reset link to set one."""
    return {"id": hub.create_user(body.email, body.name, hub_admin=body.hub_admin,
                                  principal=principal)}


@router.post("/users/{email}/reset-link", response_model=Link, status_code=201)
def reset_link(email: str, hub: HubDep, principal: PrincipalDep) -> Link:
    return Link(token=hub.reset_link(email, principal=principal))


@router.get("/tokens", response_model=list[TokenInfo])
def tokens(hub: HubDep, principal: PrincipalDep) -> list[TokenInfo]:
    return [TokenInfo(**t) for t in hub.api_tokens(principal)]


@router.post("/tokens", response_model=TokenOut, status_code=201)
def create_token(body: TokenIn, hub: HubDep, principal: PrincipalDep) -> TokenOut:
    token_id, token = hub.create_api_token(principal, body.name, body.scopes, body.days)
    return TokenOut(id=token_id, token=token)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: Annotated[int, Path(ge=1, le=2**63 - 1)], hub: HubDep,
                 principal: PrincipalDep) -> Response:
    hub.revoke_api_token(principal, token_id)
    return Response(status_code=204)


@router.get("/audit", response_model=Page[AuditEntry])
def audit(hub: HubDep, principal: PrincipalDep,
          page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
          per_page: Annotated[int, Query(ge=1, le=500)] = 100) -> Page[AuditEntry]:
    total, rows = hub.audit_log(limit=per_page, offset=(page - 1) * per_page, principal=principal)
    return Page[AuditEntry](items=[AuditEntry(**r) for r in rows], total=total, page=page,
                            per_page=per_page)


@router.get("/audit.csv", responses={200: {"content": {"text/csv": {}}}})
def audit_csv(hub: HubDep, principal: PrincipalDep) -> Response:
    """The whole audit log as CSV (newest first)."""
    total, rows = hub.audit_log(limit=1_000_000, principal=principal)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    columns = list(AuditEntry.model_fields)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell("" if row.get(c) is None else str(row[c])) for c in columns])
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="tiphub-audit.csv"'})
