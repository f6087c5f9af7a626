"""Treaty instruments: the status of countries with UNTOC, the Palermo trafficking Protocol, OPSC
and ILO P029 (public), and the import of the depositaries' status files (hub administrators)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from pydantic import BaseModel

from tiphub.accounts import ANONYMOUS, Principal
from tiphub.api.deps import HubDep, PrincipalDep, optional_principal
from tiphub.api.uploads import instruments_upload

router = APIRouter(tags=["coordination"])
Country = Annotated[
    str | None,
    Query(
        max_length=60,
        description=("An ISO 3166 alpha-3 code (or a country name, or group:EU): exactly its four rows."),
    ),
]


class InstrumentStatus(BaseModel):
    """Where one country stands with one instrument."""

    country: str
    country_name: str
    instrument: str
    instrument_name: str
    status: Literal["party", "signatory", "none"]
    label: str
    signed: str | None
    consent: str | None
    consent_type: str | None
    withdrawn: bool
    recorded: bool
    known: bool
    participant: str | None
    source: str | None
    imported_at: str | None


class InstrumentImport(BaseModel):
    """What an import of a treaty status file did."""

    file: str
    format: str
    instruments: list[str]
    records: int
    countries: int
    parties: int
    created: int
    updated: int
    unchanged: int


def reader(who: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    """Whoever asks, signed in or not (the status table is public)."""
    return who or ANONYMOUS


@router.get("/instruments", response_model=list[InstrumentStatus])
def instruments(
    hub: HubDep, principal: Annotated[Principal, Depends(reader)], country: Country = None
) -> list[dict]:
    """The status table: one row per country and tracked instrument (public)."""
    return hub.instrument_status(principal, country=country)


@router.get("/instruments.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def instruments_csv(
    hub: HubDep, principal: Annotated[Principal, Depends(reader)], country: Country = None
) -> Response:
    """The status table as CSV (public)."""
    return Response(
        hub.instrument_status_csv(principal, country=country),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="instruments.csv"'},
    )


@router.post("/instruments/imports", response_model=InstrumentImport, status_code=201)
def import_instruments(
    hub: HubDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="UN Treaty Collection status XML, or CSV")],
    instrument: Annotated[str | None, Form(max_length=32)] = None,
    format: Annotated[Literal["auto", "untc-xml", "csv"], Form()] = "auto",
) -> dict:
    """Import a treaty status file (hub administrators): every row stored, or none (a 422 says
    every problem)."""
    return instruments_upload(
        hub, file.file, file.filename, instrument=instrument or None, format=format, principal=principal
    )


