"""Small helpers the templates use to print core values in the page's language: roles, scopes,
profiles, validation rules, and the analytic fields of a case record."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from tiphub.ingest.report import describe
from tiphub.ingest.rules import FIXES, RULES
from tiphub.vocab.codes import ANALYTIC
from tiphub.web import i18n
from tiphub.web.dashboard import country
from tiphub.web.i18n import N_, _, core

ROLE_NAMES = {
    "org_admin": N_("Organisation administrator"),
    "data_steward": N_("Data steward"),
    "analyst": N_("Analyst"),
    "viewer": N_("Viewer"),
}
SCOPE_NAMES = {
    "read": N_("Read statistics and data"),
    "import": N_("Upload files"),
    "admin": N_("Administer (users, tokens, audit log)"),
}
PROFILE_NAMES = {
    "htcds": N_("HTCDS case records"),
    "htcds-encoded": N_("HTCDS case records with linkage encodings"),
    "ctdc-synthetic": N_("CTDC global synthetic dataset"),
    "ctdc-kanon": N_("CTDC global k-anonymised dataset"),
    "ctdc-vp": N_("CTDC victim–perpetrator dataset"),
    "glotip": N_("UNODC Global Report table"),
}
ORG_TYPES = {
    "NGO": N_("Non-governmental organisation"),
    "LawEnforcement": N_("Law enforcement"),
    "HealthServiceOrganisation": N_("Health service"),
    "CentralGovernmentOrganisation": N_("Central government"),
    "LocalGovernmentOrganisation": N_("Local government"),
    "ImmigrationService": N_("Immigration service"),
    "LegalService": N_("Legal service"),
    "CorporateBusiness": N_("Business"),
    "SchoolOrCollege": N_("School or college"),
}
STATUS_NAMES = {"active": N_("active"), "replaced": N_("replaced")}
SEVERITY_NAMES = {"error": N_("error"), "warning": N_("warning")}

#: Columns of the case-record table: (field, heading). Flag groups list the codes marked yes.
RECORD_COLUMNS = (
    ("year", N_("Year")), ("gender", N_("Sex")), ("age_band", N_("Age band")),
    ("majority_status", N_("Age group")), ("citizenship", N_("Citizenship")),
    ("country_of_exploitation", N_("Country of exploitation")),
    ("duration_band", N_("Duration of exploitation")),
    ("trafficking_status", N_("Trafficking status")), ("data_source", N_("Data source")),
    ("forms", N_("Forms of exploitation")), ("means", N_("Means of control")),
    ("recruiters", N_("Relation to recruiter")),
)
COUNTRY_FIELDS = {"citizenship", "country_of_exploitation"}


def named(names: dict[str, str], code: str | None) -> str:
    """A code's name from one of the tables above, in the page's language."""
    if code is None:
        return "–"
    return _(names[code]) if code in names else code


def rule_text(rule: str, message: str) -> str:
    """A validation problem in words: the rule's own text translated, else the core's message."""
    if message == describe(rule) and rule in RULES:
        text = core(RULES[rule])
        return f"{text}; {core(FIXES[rule])}" if rule in FIXES else text
    return core(message)


def record_cell(record: dict[str, Any], name: str) -> str:
    """One analytic field of a case record, readable; "–" when not recorded."""
    if name in ANALYTIC.groups:
        group = ANALYTIC.flag_group(name)
        if record.get(f"{name}_known") in (None, 0):
            return "–"
        yes = group.decode(record.get(f"{name}_yes") or 0)
        return ", ".join(core(group.labels.get(code, code)) for code in yes) or _("none")
    value = record.get(name)
    if value is None:
        if name == "year" and record.get("year_band"):
            return str(record["year_band"])
        return "–"
    if name in COUNTRY_FIELDS and isinstance(value, str) and len(value) == 3:
        return country(value)
    if isinstance(value, int):
        return str(value)
    return core(ANALYTIC.label(name, str(value)))


def totp_secret(uri: str) -> str:
    """The secret in an otpauth URI, to type into an app by hand."""
    return parse_qs(urlsplit(uri).query).get("secret", [""])[0]


def template_globals() -> dict[str, Any]:
    return {
        "ROLE_NAMES": ROLE_NAMES, "SCOPE_NAMES": SCOPE_NAMES, "PROFILE_NAMES": PROFILE_NAMES,
        "ORG_TYPES": ORG_TYPES, "STATUS_NAMES": STATUS_NAMES, "SEVERITY_NAMES": SEVERITY_NAMES,
        "RECORD_COLUMNS": RECORD_COLUMNS, "named": named, "rule_text": rule_text,
        "record_cell": record_cell, "has": i18n.has, "country": country,
    }
