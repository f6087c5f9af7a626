"""Typed models of what the hub stores and returns: organisations, submissions, case records
and import reports (country aggregates are written as plain rows by the glotip profile).

Case records are written in bulk as plain dicts keyed by :data:`RECORD_FIELDS` (speed matters:
millions of rows); everything returned to a caller is a pydantic model.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tiphub.vocab.codes import ANALYTIC

#: Single-valued analytic fields of a case record, with their vocabulary (``None``: free / geo).
SINGLE_FIELDS: dict[str, str | None] = {
    "gender": "gender",
    "age_band": "age_band",
    "majority_status": "majority_status",
    "majority_at_exploit": "majority_status",
    "citizenship": None,
    "citizenship_region": None,
    "country_of_exploitation": None,
    "exploitation_region": None,
    "duration_band": "duration_band",
    "trafficking_status": "trafficking_status",
    "status_decided_by": "status_decided_by",
    "data_source": "data_source",
    "primary_language": None,
    "secondary_language": None,
}

#: Multi-valued groups, each stored as ``<group>_yes`` and ``<group>_known`` bit masks.
FLAG_GROUPS: tuple[str, ...] = tuple(ANALYTIC.groups)

#: Every analytic column of a case record, in storage order.
RECORD_FIELDS: tuple[str, ...] = (
    ("local_id", "row_number", "year", "year_band")
    + tuple(SINGLE_FIELDS)
    + tuple(f"{g}_{part}" for g in FLAG_GROUPS for part in ("yes", "known"))
    + ("extra",)
)


class Model(BaseModel):
    """Base of returned models: datetimes always carry their zone (SQLite drops it: it is UTC)."""

    model_config = ConfigDict(from_attributes=True)

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Organisation(Model):
    """A member of the coordination space."""

    id: int
    code: str = Field(description="Short unique code, e.g. 'police-north'.")
    name: str
    type: str = Field(description="HTCDS org_Type, e.g. NGO or LawEnforcement.")
    country: str | None = Field(None, description="ISO 3166 alpha-3.")
    created_at: datetime
    kind: str = Field("organisation", description=(
        "Kind of directory entry: organisation, national_rapporteur, national_coordinator or "
        "referral_mechanism."))
    mandate: str | None = Field(None, description="What the entry is mandated to do (public text).")
    contact_email: str | None = Field(None, description="A public contact address of the institution.")
    website: str | None = Field(None, description="The institution's public web address.")
    member: bool = Field(True, description="Whether it is a member of the coordination space.")


class Submission(Model):
    """One file received from one organisation, with its provenance."""

    id: int
    organisation_id: int
    file_name: str
    sha256: str
    profile: str
    schema_version: str
    received_at: datetime
    rows_total: int
    rows_accepted: int
    rows_quarantined: int
    status: str = Field(description="'active', or 'replaced' once a corrected file replaced it.")
    replaces_id: int | None = None
    report: str | None = Field(None, exclude=True, description="Stored import report (JSON).")


class Problem(Model):
    """One validation problem. Never carries the offending value: it may be personal data."""

    row: int | None = Field(description="1-based data row (the header is row 0); None: file level.")
    column: str | None
    rule: str = Field(description="Short rule name, e.g. 'unknown-code', 'future-year'.")
    message: str
    accepted: str | None = Field(None, description="What the column accepts.")
    severity: str = Field("error", description="'error' quarantines the row; 'warning' does not.")


class ProblemSummary(Model):
    column: str | None
    rule: str
    severity: str
    count: int
    first_rows: list[int]
    message: str
    accepted: str | None = None


class ImportReport(Model):
    """What an import did: accepted and quarantined rows and every problem found."""

    submission_id: int | None
    file_name: str
    profile: str
    schema_version: str
    organisation: str
    rows_total: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    already_imported: bool = False
    replaced_submission_id: int | None = None
    withheld_columns: list[str] = Field(
        default_factory=list, description="Identifying columns read but not stored."
    )
    unmapped_columns: list[str] = Field(
        default_factory=list, description="Columns kept only in the record's 'extra' field."
    )
    problems: list[Problem] = Field(default_factory=list)
    problems_truncated: int = Field(0, description="Problems counted but not listed one by one.")
    summary: list[ProblemSummary] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rows_quarantined == 0


class LinkRun(Model):
    """One linkage run: its provenance (inputs, parameters) and what it found. No scores."""

    id: int
    created_at: datetime
    created_by: str
    engine: str
    schema_fingerprint: str
    threshold: float = Field(description="Dice score from which two records were one person.")
    threshold_estimated: bool
    records: int = Field(description="Records of the submissions linked.")
    records_without_encoding: int = Field(
        0, description="Records that carried no encoding (no usable identifier): each one a person.")
    persons: int = Field(description="Distinct persons found among the records.")
    candidates: int | None = Field(None, description="Pairs kept for clustering (administrators).")
    comparisons: int | None = Field(None, description="Pairs scored (administrators).")
    seconds: float
    warnings: list[str] = []
    parameters: dict[str, Any] = {}
    inputs: list[dict[str, Any]] = Field(
        [], description="The submissions linked: id, organisation, sha256, records.")
    reused: bool = Field(False, description="True when an identical earlier run was returned.")


class Programme(Model):
    """One programme or activity of a 5W table: who (implementer, funders, partners) does what
    (pillar, intervention type) where (country, first administrative level), when, for whom."""

    id: int
    organisation: str = Field(description="Code of the implementing organisation.")
    code: str = Field(description="The implementer's code of the activity (unique per implementer).")
    name: str
    pillar: str = Field(description="Global Plan of Action pillar: prevention, protection, "
                                    "prosecution or partnership.")
    intervention: str = Field(description="Intervention type (tiphub/vocab/data/coordination.json).")
    funders: list[str] = Field(default_factory=list, description="Directory codes or free names.")
    partners: list[str] = Field(default_factory=list, description="Directory codes or free names.")
    target_sexes: list[str] = Field(default_factory=list, description="f and/or m; empty: everyone.")
    target_ages: list[str] = Field(default_factory=list,
                                   description="children and/or adults; empty: everyone.")
    target_industries: list[str] = Field(default_factory=list,
                                         description="At-risk industries as ISIC Rev.4 sections A-U.")
    country: str = Field(description="ISO 3166 alpha-3.")
    adm1: str | None = Field(None, description="First administrative level (name).")
    start_date: date | None = None
    end_date: date | None = None
    targeted: int | None = None
    targeted_f_children: int | None = None
    targeted_f_adults: int | None = None
    targeted_m_children: int | None = None
    targeted_m_adults: int | None = None
    reached: int | None = None
    reached_f_children: int | None = None
    reached_f_adults: int | None = None
    reached_m_children: int | None = None
    reached_m_adults: int | None = None
    budget: float | None = None
    currency: str | None = Field(None, description="ISO 4217 code.")
    funding_source: str | None = None
    created_at: datetime
    updated_at: datetime


class ProgrammeImportReport(Model):
    """What a programme (5W) import stored. A file with any error stores nothing: its problems
    come back in the error instead (see :class:`tiphub.errors.FileRejected`)."""

    file_name: str
    organisation: str
    rows_total: int
    created: int
    updated: int
    unchanged: int
    ignored_columns: list[str] = Field(
        default_factory=list, description="Columns without a hashtag (HXL ignores them).")
    problems: list[Problem] = Field(default_factory=list, description="Warnings only.")
