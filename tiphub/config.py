"""Settings, declared once: typed, with a default and a help line each (env prefix ``TIPHUB_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOME = Path("var")
PLACEHOLDER_SECRET = "development-only-secret-change-me"


class Settings(BaseSettings):
    """Everything a deployment can set. ``Settings()`` reads ``TIPHUB_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="TIPHUB_", extra="ignore")

    home: Path = Field(
        DEFAULT_HOME,
        description="Directory for the embedded database, demo data and reports.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL of the database; default: SQLite file tiphub.sqlite in home. "
        "PostgreSQL: postgresql+psycopg://user:pass@host/dbname",
    )
    min_cell_size: int = Field(
        10,
        ge=2,
        le=1000,
        description="Smallest count published in any table that leaves the hub; "
        "smaller cells are shown as '<k' and protected by secondary suppression.",
    )
    rounding_base: int = Field(
        5,
        ge=1,
        le=100,
        description="Published counts are randomly rounded to a multiple of this (1: exact), "
        "with a secret kept in the database, so that differences between tables over the same "
        "records cannot pin down a withheld cell.",
    )
    import_batch_size: int = Field(
        5000, ge=100, le=200_000, description="Rows written per database batch during import."
    )
    max_problems_per_rule: int = Field(
        1000,
        ge=10,
        description="Per column and rule, how many problem rows an import report lists "
        "individually (all are counted and all invalid rows are quarantined).",
    )
    environment: str = Field(
        "development",
        pattern="^(development|production)$",
        description="'production' makes the server refuse placeholder secrets and insecure cookies.",
    )
    secret_key: str = Field(
        PLACEHOLDER_SECRET,
        description="Server secret (at least 32 characters) keyed into every stored session and "
        "API-token hash. Must be set outside development; changing it signs everyone out.",
    )
    behind_tls: bool = Field(
        False, description="The server is reached over HTTPS (e.g. behind a reverse proxy): "
        "session cookies get the Secure flag."
    )
    trusted_proxies: str = Field(
        "127.0.0.1",
        description="Addresses of reverse proxies whose X-Forwarded-For/-Proto headers are "
        "believed (comma-separated, or * for any): the client address in the audit log and the "
        "per-address sign-in limit come from them.",
    )
    session_hours: int = Field(12, ge=1, le=24 * 30, description="How long a sign-in lasts.")
    login_max_failures: int = Field(
        5, ge=1, description="Failed sign-ins in a row that lock an account for a while."
    )
    login_lockout_minutes: int = Field(15, ge=1, description="How long a locked account waits.")
    login_ip_failures: int = Field(
        20, ge=1, description="Failed sign-ins from one address in 10 minutes before it must wait."
    )
    current_year: int | None = Field(
        None, description="Year used to reject registration years in the future (default: today)."
    )

    @field_validator("database_url")
    @classmethod
    def _no_blank_url(cls, value: str | None) -> str | None:
        return value or None

    def check_for_serving(self) -> None:
        """Refuse to serve with settings that are only safe on a developer's machine."""
        from tiphub.errors import ConfigError

        if self.environment == "production":
            if self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32:
                raise ConfigError(
                    "TIPHUB_SECRET_KEY is a placeholder or shorter than 32 characters",
                    hint="set it to a long random value, e.g. "
                    "python -c 'import secrets; print(secrets.token_urlsafe(48))'",
                )
            if self.resolved_database_url().startswith("sqlite"):
                raise ConfigError("production needs PostgreSQL (TIPHUB_DATABASE_URL)",
                                  hint="the embedded SQLite file is for one machine and the demo")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'tiphub.sqlite').as_posix()}"


def settings_reference() -> str:
    """docs/settings.md: every setting, its variable, default and meaning (kept current by a test)."""
    lines = ["# Settings", "",
             "Every setting is read from an environment variable. The server checks them at start",
             "and refuses development-only values in production. Generated from",
             "`tiphub/config.py` by `python -m tiphub.config > docs/settings.md`.", "",
             "| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "(placeholder)" if default == PLACEHOLDER_SECRET else (
            "—" if default is None else str(default))
        lines.append(f"| `TIPHUB_{name.upper()}` | `{shown}` | {field.description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(settings_reference(), end="")
