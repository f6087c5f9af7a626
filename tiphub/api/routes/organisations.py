"""Member organisations and their members' roles."""

from __future__ import annotations

from fastapi import APIRouter, Response

from tiphub.api.deps import HubDep, PrincipalDep
from tiphub.api.models import OrganisationIn, RoleIn
from tiphub.records import Organisation

router = APIRouter(prefix="/organisations", tags=["organisations"])


@router.get("", response_model=list[Organisation])
def organisations(hub: HubDep, principal: PrincipalDep) -> list[Organisation]:
    return hub.organisations(principal=principal)


@router.post("", response_model=Organisation, status_code=201)
def add(body: OrganisationIn, hub: HubDep, principal: PrincipalDep) -> Organisation:
    return hub.add_organisation(body.code, body.name, body.type, body.country,
                                principal=principal)


@router.put("/{org}/members/{email}", status_code=204)
def set_role(org: str, email: str, body: RoleIn, hub: HubDep, principal: PrincipalDep) -> Response:
    hub.set_role(email, org, body.role, principal=principal)
    return Response(status_code=204)


@router.delete("/{org}/members/{email}", status_code=204)
def remove(org: str, email: str, hub: HubDep, principal: PrincipalDep) -> Response:
    hub.set_role(email, org, None, principal=principal)
    return Response(status_code=204)
