"""The command line: each command parses its options, calls one Hub method and prints.

Errors are translated once, in :func:`main`: a TiphubError prints its message and hint and
exits with its code; anything else prints its type only (messages of unexpected errors can
carry a person's data), unless TIPHUB_DEBUG=1.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from tiphub.config import Settings
from tiphub.errors import TiphubError
from tiphub.hub import Hub
from tiphub.records import ImportReport
from tiphub.stats import StatTable, to_csv, to_json

app = typer.Typer(
    help="tiphub — the evidence hub against trafficking in persons.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
org_app = typer.Typer(help="Member organisations.", no_args_is_help=True)
user_app = typer.Typer(help="Users of the shared service and their roles.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
out = Console()
err = Console(stderr=True)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class State:
    db: str | None = None
    home: Path | None = None


state = State()


def settings() -> Settings:
    base = Settings()
    if state.home:
        base = base.model_copy(update={"home": state.home})
    return base


def open_hub() -> Hub:
    return Hub(settings(), db=state.db)


@app.callback()
def _options(
    db: Annotated[str | None, typer.Option(help="Database URL (default: TIPHUB_DATABASE_URL "
                                                "or SQLite in --home).")] = None,
    home: Annotated[Path | None, typer.Option(help="Directory for the embedded database, "
                                                   "demo data and reports (TIPHUB_HOME).")] = None,
) -> None:
    state.db, state.home = db, home


# -- db --------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Create the database or bring its schema up to date."""
    hub = Hub(settings(), db=state.db, check=False)
    try:
        now = hub.db_upgrade(revision)
    finally:
        hub.close()
    out.print(f"database at revision {now}")


# -- organisations ---------------------------------------------------------------------------


@org_app.command("add")
def org_add(
    code: str,
    name: Annotated[str, typer.Option(help="Full name.")],
    type: Annotated[str, typer.Option(help="HTCDS org_Type, e.g. NGO, LawEnforcement.")] = "NGO",
    country: Annotated[str | None, typer.Option(help="ISO 3166 country code.")] = None,
) -> None:
    """Register a member organisation."""
    with open_hub() as hub:
        org = hub.add_organisation(code, name, type=type, country=country)
    out.print(f"added organisation {org.code} ({org.type})")


@org_app.command("list")
def org_list(format: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """List member organisations."""
    with open_hub() as hub:
        orgs = [o.model_dump(mode="json") for o in hub.organisations()]
    _print_records(orgs, format, ["code", "name", "type", "country"])


# -- users and the service -------------------------------------------------------------------


@user_app.command("add")
def user_add(
    email: str,
    name: Annotated[str, typer.Option(help="Full name.")],
    admin: Annotated[bool, typer.Option("--admin", help="Hub administrator.")] = False,
) -> None:
    """Add a user and print a one-time link token with which they set their password."""
    with open_hub() as hub:
        hub.create_user(email, name, hub_admin=admin)
        token = hub.reset_link(email)
    out.print(f"added {email}; their one-time password token (24 hours): {token}")
    out.print("they set a password with POST /api/v1/auth/reset {token, password}")


@user_app.command("role")
def user_role(
    email: str,
    org: str,
    role: Annotated[str, typer.Argument(help="org_admin, data_steward, analyst, viewer or none")],
) -> None:
    """Give a user a role in an organisation ('none' removes it)."""
    with open_hub() as hub:
        hub.set_role(email, org, None if role == "none" else role)
    out.print(f"{email}: {role} in {org}")


@user_app.command("reset-link")
def user_reset_link(email: str) -> None:
    """Print a one-time token with which the user sets a new password."""
    with open_hub() as hub:
        token = hub.reset_link(email)
    out.print(f"one-time password token for {email} (24 hours): {token}")


@user_app.command("list")
def user_list(format: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """List users and their roles."""
    with open_hub() as hub:
        users = hub.users()
    _print_records(users, format, ["email", "name", "hub_admin", "totp", "roles"])


@app.command("audit")
def audit(
    limit: Annotated[int, typer.Option(help="Newest entries to show.")] = 50,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Show the audit log, newest first."""
    with open_hub() as hub:
        _, rows = hub.audit_log(limit=limit)
    _print_records(rows, format, ["at", "actor", "via", "action", "outcome", "target_type",
                                  "target_id", "ip"])


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL for more than 1).")] = 1,
) -> None:
    """Serve the HTTP API (and, as they land, the web pages) on HOST:PORT."""
    import uvicorn

    if state.home:
        os.environ["TIPHUB_HOME"] = str(state.home)
    if state.db:
        os.environ["TIPHUB_DATABASE_URL"] = state.db
    config = settings()
    config.check_for_serving()
    with open_hub() as hub:
        link = hub.setup_link()
    base = f"http://{host}:{port}"
    if link:
        out.print("No user yet. Create the first administrator (one-time link, 24 hours):")
        out.print(f"  {base}/setup?token={link}", soft_wrap=True)
        out.print("  or on this machine: tiphub user add EMAIL --name NAME --admin")
    out.print(f"web: {base}/   API: {base}/api/v1   API documentation: {base}/api/v1/docs")
    # no access log: request lines would carry one-time setup and reset tokens; the audit log
    # records who did what
    uvicorn.run("tiphub.api.app:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level="info", access_log=False, proxy_headers=True,
                forwarded_allow_ips=config.trusted_proxies)


# -- import ----------------------------------------------------------------------------------


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, JSON or JSON Lines file.")],
    org: Annotated[str, typer.Option(help="Code of the submitting organisation.")],
    profile: Annotated[str | None, typer.Option(help="htcds, ctdc-synthetic, ctdc-kanon, "
                                                     "ctdc-vp or glotip; default: detected.")] = None,
    replaces: Annotated[int | None, typer.Option(help="Submission id this corrected file "
                                                      "replaces.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding; default: detected.")] = None,
    format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Import a file of case records (or Global Report figures) for an organisation."""
    with open_hub() as hub, _progress(format is Format.table) as tick:
        report = hub.import_file(file, org=org, profile=profile, replaces=replaces,
                                 encoding=encoding, progress=tick)
    if format is Format.json:
        out.print_json(report.model_dump_json())
    else:
        _print_import(report)
    if report.rows_quarantined:
        raise typer.Exit(3)


class _progress:
    """A byte-based progress bar on stderr for long imports (silent when not a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.bar = Progress("[progress.description]{task.description}", BarColumn(),
                            DownloadColumn(), TimeRemainingColumn(), console=err,
                            transient=True, disable=not (enabled and err.is_terminal))
        self.task: Any = None

    def __enter__(self) -> Any:
        self.bar.start()

        def tick(done: int, total: int) -> None:
            if self.task is None:
                self.task = self.bar.add_task("importing", total=total)
            self.bar.update(self.task, completed=done)

        return tick

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()


def _print_import(report: ImportReport) -> None:
    if report.already_imported:
        out.print(f"{report.file_name}: already imported as submission {report.submission_id} "
                  "— nothing changed")
        return
    out.print(f"{report.file_name}: profile {report.profile} ({report.schema_version}), "
              f"organisation {report.organisation}, submission {report.submission_id}")
    out.print(f"  rows: {report.rows_total}, accepted {report.rows_accepted}, "
              f"quarantined {report.rows_quarantined}")
    if report.replaced_submission_id:
        out.print(f"  replaces submission {report.replaced_submission_id}")
    if report.withheld_columns:
        out.print(f"  identifying columns read but not stored: {', '.join(report.withheld_columns)}")
    if report.unmapped_columns:
        out.print(f"  columns kept as extra fields: {', '.join(report.unmapped_columns)}")
    if report.summary:
        table = Table("severity", "column", "rule", "rows", "first rows", "accepted / message",
                      title="problems")
        for s in report.summary:
            table.add_row(s.severity, s.column or "-", s.rule, str(s.count),
                          ", ".join(map(str, s.first_rows)), s.accepted or s.message)
        out.print(table)
        if report.rows_quarantined:
            out.print(f"  see every quarantined row: tiphub quarantine {report.submission_id}; "
                      f"fix the file and run: tiphub import FILE --org {report.organisation} "
                      f"--replaces {report.submission_id}")


@app.command("submissions")
def submissions(
    org: Annotated[str | None, typer.Option(help="Only this organisation.")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """List received files with their provenance."""
    with open_hub() as hub:
        subs = [s.model_dump(mode="json") for s in hub.submissions(org)]
    _print_records(subs, format, ["id", "organisation_id", "file_name", "profile", "received_at",
                                  "rows_accepted", "rows_quarantined", "status"])


@app.command("quarantine")
def quarantine(
    submission: int,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Show the rows of a submission that failed validation (identifying columns excluded)."""
    with open_hub() as hub:
        rows = hub.quarantine(submission)
    flat = [{"row": r["row"], "problems": "; ".join(f"{p['column']}: {p['rule']}" for p in
                                                     r["problems"])} | r["values"] for r in rows]
    _print_records(flat, format, ["row", "problems"])


# -- statistics and reports ------------------------------------------------------------------


@app.command("stats")
def stats(
    table: Annotated[str, typer.Argument(help="sex-age, forms, means, recruiters, flows, trends")],
    country: Annotated[str | None, typer.Option(help="Country of exploitation (ISO3).")] = None,
    region: Annotated[str | None, typer.Option(help="UN M49 region of exploitation.")] = None,
    year: Annotated[int | None, typer.Option(help="Year of registration.")] = None,
    by: Annotated[str | None, typer.Option(help="Break down by organisation or data_source.")] = None,
    org: Annotated[str | None, typer.Option(help="Only this organisation's records.")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to a file.")] = None,
) -> None:
    """A protected statistics table (small cells suppressed)."""
    if output and format is Format.table:
        raise typer.BadParameter("with --output, choose --format csv or json")
    with open_hub() as hub:
        result = hub.stats(table, country=country, region=region, year=year, by=by, org=org)
    text = _render_stats(result, format)
    if output and text is not None:
        output.write_text(text, encoding="utf-8")
        out.print(f"wrote {output}")
    elif isinstance(text, str):
        sys.stdout.write(text)


def _render_stats(result: StatTable, format: Format) -> str | None:
    if format is Format.csv:
        return to_csv(result)
    if format is Format.json:
        return to_json(result) + "\n"
    rows = result.as_rows()
    table = Table(*rows[0].keys(), title=result.title + (f" — by {result.by}" if result.by else ""))
    for row in rows:
        table.add_row(*row.values())
    out.print(table)
    known = ", ".join(f"{k} {v:.0%}" if v is not None else f"{k} withheld"
                      for k, v in result.completeness.items())
    records = result.records if result.records is not None else f"<{result.min_cell_size}"
    out.print(f"source: {result.source}; records: {records}; completeness: {known or '-'}")
    for note in result.notes:
        out.print(f"[dim]• {note}[/dim]")
    return None


@app.command("report")
def report(
    country: Annotated[str | None, typer.Option(help="Country profile (ISO3); default global.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="HTML file to write.")] = None,
) -> None:
    """Write a self-contained HTML report (country profile or global)."""
    with open_hub() as hub:
        path = hub.report(country=country, path=output)
    out.print(f"wrote {path}")


@app.command("demo")
def demo(
    people: Annotated[int, typer.Option(help="Distinct persons in the national demo.")] = 1200,
    global_rows: Annotated[int, typer.Option(help="Rows of the multi-country CTDC-style set.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = 2024,
) -> None:
    """Generate demo data, import it as several organisations would, print the headline
    statistics and write the HTML report."""
    with open_hub() as hub:
        result = hub.demo(people=people, global_rows=global_rows, seed=seed)
        for line in result["lines"]:
            out.print(line)
        for name in ("sex-age", "forms"):
            _render_stats(hub.stats(name, country=result["country"]), Format.table)
    out.print(f"report: {result['report']}")


# -- helpers ---------------------------------------------------------------------------------


def _print_records(records: list[dict[str, Any]], format: Format, columns: list[str]) -> None:
    if format is Format.json:
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if format is Format.csv:
        import csv

        from tiphub.stats import safe_cell

        keys = list(dict.fromkeys(k for r in records for k in r)) or columns
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([safe_cell(k) for k in keys])
        for r in records:
            writer.writerow([safe_cell(str(r.get(k, "") if r.get(k) is not None else "")) for k in keys])
        return
    table = Table(*columns)
    for r in records:
        table.add_row(*[str(r.get(c, "")) for c in columns])
    out.print(table)


def main() -> None:
    """Console entry point."""
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except TiphubError as exc:
        err.print(f"[red]error:[/red] {exc.message}", highlight=False, markup=True)
        if exc.hint:
            err.print(f"  hint: {exc.hint}", highlight=False, markup=False)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 — the message may hold personal data
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # a usage error from Typer's click
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("TIPHUB_DEBUG") == "1":
            raise
        err.print(f"internal error ({type(exc).__name__}); nothing was half-written. "
                  "Run with TIPHUB_DEBUG=1 to see the traceback, and report it.")
        sys.exit(70)
