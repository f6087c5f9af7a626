"""Request and response shapes of the API that are not core models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from tiphub.records import Model

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a longer list."""

    items: list[T]
    total: int
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=500)


class LoginRequest(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)
    totp: str | None = Field(None, max_length=12)


class SetupRequest(BaseModel):
    token: str = Field(max_length=200)
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class ResetRequest(BaseModel):
    token: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class Me(BaseModel):
    user_id: int | None
    email: str
    name: str
    hub_admin: bool
    roles: dict[str, str] = Field(description="Organisation code -> role.")
    via: str
    csrf_token: str | None = Field(None, description="Send it as X-CSRF-Token with cookie requests.")


class OrganisationIn(BaseModel):
    code: str = Field(max_length=64)
    name: str = Field(max_length=200)
    type: str = Field("NGO", max_length=64)
    country: str | None = Field(None, max_length=60)


class DirectoryEntryIn(BaseModel):
    """Fields to set; those left out stay as they are (an empty string clears a text field)."""

    name: str | None = Field(None, max_length=200)
    kind: str | None = Field(None, max_length=32, description=(
        "organisation, national_rapporteur, national_coordinator or referral_mechanism"))
    type: str | None = Field(None, max_length=64, description="HTCDS org_Type")
    country: str | None = Field(None, max_length=60)
    mandate: str | None = Field(None, max_length=4000)
    contact_email: str | None = Field(None, max_length=254)
    website: str | None = Field(None, max_length=500)
    member: bool | None = None


class RoleIn(BaseModel):
    role: str = Field(max_length=32, description="org_admin, data_steward, analyst or viewer")


class UserIn(BaseModel):
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    hub_admin: bool = False


class TokenIn(BaseModel):
    name: str = Field(max_length=100)
    scopes: list[str] = Field(description="read, import and/or admin", max_length=3)
    days: int | None = Field(90, ge=1, le=3650)


class TokenOut(BaseModel):
    id: int
    token: str = Field(description="Shown once; only a keyed hash is stored.")


class TokenInfo(Model):
    id: int
    name: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked: bool
    last_used_at: datetime | None


class Link(BaseModel):
    token: str = Field(description="One-time token, valid for 24 hours.")


class AuditEntry(Model):
    id: int
    at: datetime
    actor: str
    actor_user_id: int | None
    via: str
    action: str
    outcome: str
    target_type: str | None
    target_id: str | None
    organisation_id: int | None
    ip: str | None
    detail: str | None


class Health(BaseModel):
    status: str
    version: str


class Records(Page[dict[str, Any]]):
    organisation: str


class ReleaseIn(BaseModel):
    """A release to prepare from the case records (docs/release.md)."""

    tables: list[str] | None = Field(None, max_length=20, description=(
        "Tables of the public workload (all when left out, unless synthetic)."))
    epsilon: float = Field(1.0, description="Epsilon this release spends from the budget.")
    synthetic: bool = Field(False, description="Also a synthetic file in the CTDC format.")
    rows: int | None = Field(None, ge=1, le=1_000_000,
                             description="Synthetic rows (default: the noisy count).")
    seed: int | None = Field(None, ge=0, le=2**32,
                             description="Reproducible noise, for tests: never publishable.")
    synthesiser: Literal["mst", "pac-synth"] = Field(
        "mst", description="Synthesiser of the synthetic file: mst, or pac-synth (CTDC's).")
