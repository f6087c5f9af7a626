"""The tables. Alembic migrations in ``migrations/`` create and evolve them; this module is the
single description the code queries through (SQLAlchemy Core, for bulk speed)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

from tiphub.records import FLAG_GROUPS, SINGLE_FIELDS

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

hub_state = Table(
    "hub_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

organisations = Table(
    "organisations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("type", String(64), nullable=False),
    Column("country", String(3)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # the directory (issue 6): what kind of entry, its mandate and public contacts (institutions)
    Column("kind", String(32), nullable=False, server_default="organisation"),
    Column("mandate", Text),
    Column("contact_email", String(254)),
    Column("website", String(500)),
    Column("member", Boolean, nullable=False, server_default=true()),  # of the coordination space
)

submissions = Table(
    "submissions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("profile", String(32), nullable=False),
    Column("schema_version", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("rows_total", Integer, nullable=False),
    Column("rows_accepted", Integer, nullable=False),
    Column("rows_quarantined", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("replaces_id", ForeignKey("submissions.id")),
    Column("report", Text),  # the import report as JSON (rules, rows, columns: no cell values)
    # not unique: a file whose submission was replaced may be imported again
    Index(None, "organisation_id", "sha256"),
)

case_records = Table(
    "case_records",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column(
        "submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False
    ),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),
    Column("local_id", String(128)),
    Column("row_number", Integer, nullable=False),
    Column("year", Integer),
    Column("year_band", String(16)),
    *[Column(name, String(48)) for name in SINGLE_FIELDS],
    *[Column(f"{g}_{part}", Integer) for g in FLAG_GROUPS for part in ("yes", "known")],
    Column("extra", Text),
    # few indexes on purpose: each slows bulk imports; unfiltered statistics read the cubes.
    # (submission, row) also finds a linked record's case record (link_members, encodings)
    Index(None, "submission_id", "row_number"),
    Index(None, "country_of_exploitation", "year"),
)

stat_cubes = Table(
    "stat_cubes",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column(
        "submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False
    ),
    Column("cube", String(16), nullable=False),
    Column("organisation_id", Integer, nullable=False),
    Column("data_source", String(48)),
    Column("year", Integer),
    Column("year_band", String(16)),
    Column("gender", String(48)),
    Column("age_band", String(48)),
    Column("majority_status", String(48)),
    Column("forms_yes", Integer),
    Column("means_yes", Integer),
    Column("recruiters_yes", Integer),
    Column("citizenship", String(48)),
    Column("citizenship_region", String(48)),
    Column("country_of_exploitation", String(48)),
    Column("exploitation_region", String(48)),
    Column("n", Integer, nullable=False),
    Index(None, "cube"),
    Index(None, "submission_id"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column(
        "submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False
    ),
    Column("row_number", Integer, nullable=False),
    Column("row_values", Text, nullable=False),
    Column("problems", Text, nullable=False),
    Index(None, "submission_id"),
)

country_aggregates = Table(
    "country_aggregates",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column(
        "submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False
    ),
    Column("iso3", String(3), nullable=False),
    Column("indicator", String(128), nullable=False),
    Column("dimension", String(128), nullable=False),
    Column("category", String(256), nullable=False),
    Column("category_code", String(64)),
    Column("sex", String(16), nullable=False),
    Column("age", String(32), nullable=False),
    Column("year", Integer, nullable=False),
    Column("unit", String(64)),
    Column("value", Integer),
    Column("suppressed", Boolean, nullable=False),
    Column("value_text", String(32), nullable=False),
    Column("source", String(256)),
    Index(None, "iso3", "indicator", "year"),
)


# -- accounts, sessions, tokens and the audit log (the shared service) ------------------------

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(200)),
    Column("hub_admin", Boolean, nullable=False, default=False),
    Column("totp_secret", String(64)),
    Column("totp_enabled", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Column("role", String(32), nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("ip", String(64)),
    Column("revoked", Boolean, nullable=False, default=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("scopes", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

one_time_links = Table(
    "one_time_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("purpose", String(16), nullable=False),  # "setup" (first administrator) or "reset"
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE")),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("success", Boolean, nullable=False),
    Index(None, "ip", "at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor_user_id", Integer),  # no foreign key: the log outlives accounts
    Column("actor", String(254), nullable=False),
    Column("via", String(16), nullable=False),
    Column("action", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),  # "ok", "denied", "failed"
    Column("target_type", String(32)),
    Column("target_id", String(64)),
    Column("organisation_id", Integer),
    Column("ip", String(64)),
    Column("detail", Text),
    Index(None, "at"),
)


# -- record linkage (issue 3): encodings, link runs and the persons they found ----------------

# One row per submission that carried Bloom-filter encodings: which schema made them.
encoded_submissions = Table(
    "encoded_submissions",
    metadata,
    Column("submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True),
    Column("schema_fingerprint", String(64), nullable=False),
    Column("filter_bits", Integer, nullable=False),
    Column("records_encoded", Integer, nullable=False),
)

# The encodings themselves: personal data, never leave the hub (no API or export reads them).
encodings = Table(
    "encodings",
    metadata,
    Column("submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("clk", LargeBinary, nullable=False),
    PrimaryKeyConstraint("submission_id", "row_number"),
)

link_runs = Table(
    "link_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(254), nullable=False),
    Column("engine", String(16), nullable=False),
    Column("inputs_key", String(64), nullable=False),  # digest of inputs + parameters
    Column("inputs", Text, nullable=False),  # JSON: submissions (id, organisation, sha256, records)
    Column("parameters", Text, nullable=False),  # JSON: as chosen and as resolved
    Column("schema_fingerprint", String(64), nullable=False),
    Column("threshold", Float, nullable=False),
    Column("threshold_estimated", Boolean, nullable=False),
    Column("records", Integer, nullable=False),
    Column("records_without_encoding", Integer, nullable=False),  # persons of their own
    Column("persons", Integer, nullable=False),
    Column("candidates", BigInteger, nullable=False),
    Column("comparisons", BigInteger, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("warnings", Text, nullable=False),  # JSON list of plain-language warnings
    Index(None, "inputs_key"),
)

# Which person each encoded record belongs to, per run (no scores: they never leave the run).
link_members = Table(
    "link_members",
    metadata,
    Column("run_id", ForeignKey("link_runs.id", ondelete="CASCADE"), nullable=False),
    Column("submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), nullable=False),
    Column("row_number", Integer, nullable=False),
    Column("person", Integer, nullable=False),  # 1..persons, numbered by first record
    PrimaryKeyConstraint("run_id", "submission_id", "row_number"),
    Index(None, "run_id", "person"),
)


# -- coordination (issue 6): programmes and activities, "who does what where, when, for whom" --

#: People targeted and reached: a total and four sex × age cells (``targeted_f_children``...).
PEOPLE_COLUMNS: tuple[str, ...] = tuple(
    f"{measure}{cell}" for measure in ("targeted", "reached")
    for cell in ("", "_f_children", "_f_adults", "_m_children", "_m_adults"))

programmes = Table(
    "programmes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), nullable=False),  # implementer
    Column("code", String(64), nullable=False),  # the implementer's own code of the activity
    Column("name", String(300), nullable=False),
    Column("pillar", String(16), nullable=False),
    Column("intervention", String(48), nullable=False),
    Column("funders", Text, nullable=False),  # JSON lists: directory codes or free names
    Column("partners", Text, nullable=False),
    Column("target_sexes", Text, nullable=False),  # JSON lists of codes; [] = everyone
    Column("target_ages", Text, nullable=False),
    Column("target_industries", Text, nullable=False),  # ISIC Rev.4 section letters
    Column("country", String(3), nullable=False),
    Column("adm1", String(200)),
    Column("start_date", Date),
    Column("end_date", Date),
    *[Column(name, Integer) for name in PEOPLE_COLUMNS],
    Column("budget", Float),
    Column("currency", String(3)),
    Column("funding_source", String(16)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("organisation_id", "code"),
    Index(None, "country", "pillar"),
)

# -- publishing with differential privacy (issue 7): releases and the privacy-budget ledger --

releases = Table(
    "releases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dataset", String(48), nullable=False),  # whose budget it spends ("case-records")
    Column("status", String(16), nullable=False),  # draft, then published (immutable)
    Column("epsilon", Float, nullable=False),
    Column("delta", Float, nullable=False),
    Column("rho", Float, nullable=False),
    Column("parameters", Text, nullable=False),  # JSON: tables, synthetic, rows, seed, records
    Column("tables", Text, nullable=False),  # JSON: the noisy tables (counts, domains, error)
    Column("synthetic_csv", Text),  # the synthetic file in the CTDC format, if asked for
    Column("report_internal", Text, nullable=False),  # JSON: exact TVDs (hub administrators)
    Column("report_public", Text, nullable=False),  # JSON: ranges, as published
    Column("created_by", String(320), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Index(None, "status"),
)

privacy_ledger = Table(
    "privacy_ledger",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dataset", String(48), nullable=False),
    Column("entry", String(16), nullable=False),  # "budget" (set by an admin) or "spend"
    Column("epsilon", Float, nullable=False),
    Column("delta", Float, nullable=False),
    Column("rho", Float, nullable=False),
    Column("release_id", ForeignKey("releases.id")),  # the release a spend paid for
    Column("actor", String(320), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index(None, "dataset", "entry"),
)

# -- coordination (issue 6): treaty status, programme logframes ---------------------------------

treaty_status = Table(
    "treaty_status",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("country", String(16), nullable=False),  # ISO 3166-1 alpha-3, or "group:EU"
    Column("instrument", String(32), nullable=False),  # tiphub.coordination.treaties ids
    Column("signed", Date),
    Column("consent", Date),  # ratification, accession, succession, acceptance, approval...
    Column("consent_type", String(24)),
    Column("withdrawn", Boolean, nullable=False),
    Column("source", String(300), nullable=False),  # the file it was imported from
    Column("participant", String(200)),  # the participant's name as the source wrote it
    Column("imported_by", String(320), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("country", "instrument"),
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("programme_id", ForeignKey("programmes.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(64), nullable=False),  # unique within its programme
    Column("level", String(8), nullable=False),  # "outcome" or "output"
    Column("name", String(300), nullable=False),
    Column("unit", String(64)),  # "people", "%", "cases"...
    Column("direction", String(8), nullable=False),  # "increase" or "decrease"
    Column("disaggregation", String(16), nullable=False),  # "total" or "sex_age"
    Column("baseline", Float, nullable=False),
    Column("baseline_date", Date, nullable=False),
    Column("target", Float, nullable=False),
    Column("target_date", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("programme_id", "code"),
)

indicator_measurements = Table(
    "indicator_measurements",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("indicator_id", ForeignKey("indicators.id", ondelete="CASCADE"), nullable=False),
    Column("measured_on", Date, nullable=False),
    Column("sex", String(8), nullable=False),  # "all", "female", "male"
    Column("age", String(8), nullable=False),  # "all", "children", "adults"
    Column("value", Float, nullable=False),
    Column("note", String(500)),
    Column("recorded_by", String(320), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("indicator_id", "measured_on", "sex", "age"),
)
