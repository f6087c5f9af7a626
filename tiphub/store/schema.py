"""The tables. Alembic migrations in ``migrations/`` create and evolve them; this module is the
single description the code queries through (SQLAlchemy Core, for bulk speed)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
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
    # few indexes on purpose: each slows bulk imports; unfiltered statistics read the cubes
    Index(None, "submission_id"),
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
