"""Uploading files, and what became of them: submissions, reports, quarantined rows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi import Path as PathParam

from tiphub.api.deps import HubDep, PrincipalDep
from tiphub.api.uploads import import_upload
from tiphub.records import ImportReport, Submission

router = APIRouter(tags=["imports"])
MAX_ID = 2**63 - 1  # database integer range
SubmissionId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
@router.post("/imports", response_model=ImportReport, status_code=201)
def upload(
    hub: HubDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="CSV, XLSX, JSON or JSON Lines")],
    org: Annotated[str, Form(max_length=64)],
    profile: Annotated[str | None, Form(max_length=32)] = None,
    replaces: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    encoding: Annotated[str | None, Form(max_length=32)] = None,
) -> ImportReport:
    """Import a file for an organisation (its data stewards and administrators)."""
    return import_upload(hub, file.file, file.filename, org=org, profile=profile,
                         replaces=replaces, encoding=encoding, principal=principal)


@router.get("/submissions", response_model=list[Submission])
def submissions(hub: HubDep, principal: PrincipalDep,
                org: str | None = None) -> list[Submission]:
    return hub.submissions(org, principal=principal)


@router.get("/submissions/{submission_id}", response_model=Submission)
def submission(submission_id: SubmissionId, hub: HubDep, principal: PrincipalDep) -> Submission:
    return hub.submission(submission_id, principal=principal)


@router.get("/submissions/{submission_id}/report", response_model=ImportReport)
def report(submission_id: SubmissionId, hub: HubDep, principal: PrincipalDep) -> ImportReport:
    return hub.import_report(submission_id, principal=principal)


@router.get("/submissions/{submission_id}/quarantine")
def quarantine(submission_id: SubmissionId, hub: HubDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    """Rows that failed validation, with their cells (identifying columns excluded)."""
    return hub.quarantine(submission_id, principal=principal)
