"""The command line: each command parses its options, calls one Hub method and prints.

Errors are translated once, in :func:`main`: a TiphubError prints its message and hint and
exits with its code; anything else prints its type only (messages of unexpected errors can
carry a person's data), unless TIPHUB_DEBUG=1.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
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
directory_app = typer.Typer(help="The directory of organisations and national mechanisms.",
                            no_args_is_help=True)
programmes_app = typer.Typer(help="Programmes and activities (5W), imported and exported as "
                                  "HXL-tagged CSV.", no_args_is_help=True)
app.add_typer(directory_app, name="directory")
app.add_typer(programmes_app, name="programmes")
instruments_app = typer.Typer(help="Treaty instruments: who is party to UNTOC, the Palermo trafficking "
                                   "Protocol, OPSC and ILO P029 (docs/coordination.md).",
                              no_args_is_help=True)
app.add_typer(instruments_app, name="instruments")
indicators_app = typer.Typer(help="Programme indicators (logframes, HXL-tagged CSV) and the "
                                  "country indicators of the Global Plan of Action appraisal.",
                             no_args_is_help=True)
app.add_typer(indicators_app, name="indicators")
release_app = typer.Typer(help="Differentially private releases and the privacy budget "
                               "(docs/release.md).", no_args_is_help=True)
app.add_typer(release_app, name="release")
out = Console(emoji=False)  # ":b:" in "A:B:C" is no emoji
err = Console(stderr=True, emoji=False)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class State:
    db: str | None = None
    home: Path | None = None


state = State()


#: the largest id the database holds (a BIGINT); larger ones are refused as usage errors
MAX_ID = 2**63 - 1


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
                                                      "replaces.", min=1, max=MAX_ID)] = None,
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


report_app = typer.Typer(help="Reports: the country or global profile (no subcommand), the national "
                              "report, the Global Report long table.")
app.add_typer(report_app, name="report")


@report_app.callback(invoke_without_command=True)
def report(
    ctx: typer.Context,
    country: Annotated[str | None, typer.Option(help="Country profile (ISO3); default global.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="HTML file to write.")] = None,
) -> None:
    """Write a self-contained HTML report (country profile or global); or see the subcommands."""
    if ctx.invoked_subcommand is not None:
        return
    with open_hub() as hub:
        path = hub.report(country=country, path=output)
    out.print(f"wrote {path}")


@report_app.command("national")
def report_national(
    country: Annotated[str, typer.Option(help="The country (ISO3).")],
    year: Annotated[int, typer.Option(help="The data year (year of registration).")],
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Directory, or an .html or .pdf file name (the other format goes "
                               "next to it); default: HOME/reports.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also print the PDF (WeasyPrint).")] = True,
) -> None:
    """Write the national report for the Secretary-General's report on the resolution
    "Improving the coordination of efforts against trafficking in persons" (HTML and PDF)."""
    with open_hub() as hub:
        written = hub.national_report(country, year, path=output, pdf=pdf)
    for path in written.values():
        out.print(f"wrote {path}")


@report_app.command("glotip")
def report_glotip(
    country: Annotated[str, typer.Option(help="The country (ISO3).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="CSV file to write.")],
    year: Annotated[int | None, typer.Option(help="Only this year (default: every year).")] = None,
) -> None:
    """Export the country's figures in the shape of UNODC's Global Report long table (CSV);
    withheld values stay withheld."""
    with open_hub() as hub:
        path = hub.glotip_export(country, year=year, path=output)
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


# -- coordination: the directory and programmes (5W) -------------------------------------------


@directory_app.command("list")
def directory_list(
    kind: Annotated[str | None, typer.Option(help="organisation, national_rapporteur, "
                                                  "national_coordinator or referral_mechanism.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166 country code.")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """List the directory: organisations and national mechanisms."""
    with open_hub() as hub:
        entries = [e.model_dump(mode="json") for e in hub.directory(kind=kind, country=country)]
    _print_records(entries, format, ["code", "name", "kind", "type", "country", "member",
                                     "contact_email", "website"])


@directory_app.command("set")
def directory_set(
    code: str,
    name: Annotated[str | None, typer.Option(help="Full name (needed for a new entry).")] = None,
    kind: Annotated[str | None, typer.Option(help="organisation, national_rapporteur, "
                                                  "national_coordinator or referral_mechanism.")] = None,
    type: Annotated[str | None, typer.Option(help="HTCDS org_Type.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166 country code ('' clears).")] = None,
    mandate: Annotated[str | None, typer.Option(help="The mandate, in a sentence or two.")] = None,
    contact_email: Annotated[str | None, typer.Option(help="Public contact address of the "
                                                           "institution.")] = None,
    website: Annotated[str | None, typer.Option(help="Public web address (https://...).")] = None,
    member: Annotated[bool | None, typer.Option("--member/--not-member",
                                                help="Member of the coordination space.")] = None,
) -> None:
    """Add a directory entry (an organisation or a national mechanism) or change one."""
    with open_hub() as hub:
        entry = hub.update_directory_entry(code, name=name, kind=kind, type=type, country=country,
                                           mandate=mandate, contact_email=contact_email,
                                           website=website, member=member)
    out.print(f"{entry.code}: {entry.name} ({entry.kind}, {entry.country or 'no country'})")


@contextmanager
def _problems_listed() -> Iterator[None]:
    """A refused file's problems as a table on stderr (then the error itself, from main)."""
    from tiphub.errors import FileRejected

    try:
        yield
    except FileRejected as exc:
        if exc.problems:
            table = Table("row", "column", "rule", "accepted", title="problems")
            for p in exc.problems:
                table.add_row(str(p.row or "-"), p.column or "-", p.rule, p.accepted or p.message)
            err.print(table)
        raise


@programmes_app.command("import")
def programmes_import(
    file: Annotated[Path, typer.Argument(help="HXL-tagged CSV (docs/coordination.md).")],
    org: Annotated[str, typer.Option(help="Organisation importing (the implementer of rows "
                                          "that name none).")],
    format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Import programmes and activities (5W) from an HXL-tagged CSV: all rows or none."""
    with open_hub() as hub, _problems_listed():
        report = hub.import_programmes(file, org=org)
    if format is Format.json:
        out.print_json(report.model_dump_json())
        return
    out.print(f"{report.file_name}: {report.rows_total} rows for {report.organisation}: "
              f"{report.created} added, {report.updated} updated, {report.unchanged} unchanged")
    for problem in report.problems:
        out.print(f"  warning: {problem.message}", highlight=False, markup=False)


@programmes_app.command("list")
def programmes_list(
    country: Annotated[str | None, typer.Option(help="ISO 3166 country code.")] = None,
    pillar: Annotated[str | None, typer.Option(help="prevention, protection, prosecution or "
                                                    "partnership.")] = None,
    intervention: Annotated[str | None, typer.Option(help="Intervention type.")] = None,
    org: Annotated[str | None, typer.Option(help="Implementing organisation.")] = None,
    year: Annotated[int | None, typer.Option(help="Running at some time in that year.")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """List programmes and activities (who does what where)."""
    with open_hub() as hub:
        found = [p.model_dump(mode="json") for p in hub.programmes(
            country=country, pillar=pillar, intervention=intervention, org=org, year=year)]
    _print_records(found, format, ["id", "organisation", "code", "name", "pillar", "intervention",
                                   "country", "adm1", "start_date", "end_date", "targeted",
                                   "reached"])


@programmes_app.command("export")
def programmes_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write: .csv (HXL) "
                                                                "or .xlsx.")],
    country: Annotated[str | None, typer.Option(help="ISO 3166 country code.")] = None,
    pillar: Annotated[str | None, typer.Option(help="Pillar.")] = None,
    org: Annotated[str | None, typer.Option(help="Implementing organisation.")] = None,
) -> None:
    """Export programmes as HXL-tagged CSV or Excel (the CSV imports again unchanged)."""
    if output.suffix.lower() not in (".csv", ".xlsx"):
        raise typer.BadParameter("the output file ends in .csv or .xlsx")
    with open_hub() as hub:
        path = hub.export_programmes(output, country=country, pillar=pillar, org=org)
    out.print(f"wrote {path}")


class TreatyFileFormat(StrEnum):
    auto = "auto"
    untc_xml = "untc-xml"
    csv = "csv"


@instruments_app.command("import")
def instruments_import(
    file: Annotated[Path, typer.Argument(help="The UN Treaty Collection status export of a treaty "
                                              "(XML), or a CSV (docs/coordination.md).")],
    instrument: Annotated[str | None, typer.Option(help="untoc, palermo-trafficking, opsc or "
                                                        "ilo-p029 (or XVIII-12-a, P029, ...).")] = None,
    format: Annotated[TreatyFileFormat, typer.Option("--format", help="The file's format.")]
    = TreatyFileFormat.auto,
) -> None:
    """Import a treaty status file (hub administrators): all rows or none."""
    with open_hub() as hub:
        report = hub.import_instruments(file, instrument=instrument, format=format.value)
    out.print(f"{report['file']} ({report['format']}, {', '.join(report['instruments'])}): "
              f"{report['records']} participants, {report['parties']} parties; {report['created']} added, "
              f"{report['updated']} updated, {report['unchanged']} unchanged", highlight=False, markup=False)


@instruments_app.command("list")
def instruments_list(
    country: Annotated[str | None, typer.Option(help="ISO 3166 alpha-3 code (or group:EU).")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """The status of countries with the tracked instruments, one row per country and instrument."""
    with open_hub() as hub:
        found = hub.instrument_status(country=country)
    if format is Format.table:
        found = [{k: "" if v is None else v for k, v in row.items()} for row in found]
    _print_records(found, format, ["country", "instrument", "label", "signed", "consent", "source"])


@app.command("coverage")
def coverage(
    country: Annotated[str | None, typer.Option(help="ISO 3166 country code.")] = None,
    year: Annotated[int | None, typer.Option(help="Activities whose period intersects this "
                                                  "year, victims detected that year.")] = None,
    pillar: Annotated[str | None, typer.Option(help="prevention, protection, prosecution or "
                                                    "partnership.")] = None,
    format: Annotated[Format, typer.Option("--format", help="table, csv (the matrix only) "
                                                            "or json.")] = Format.table,
) -> None:
    """Coverage and gaps: who does what where (place × pillar × intervention type), overlaps,
    and places where victims are detected but no protection activity runs."""
    from tiphub.coordination.coverage import matrix_csv

    with open_hub() as hub:
        result = hub.coverage(country=country, year=year, pillar=pillar)
    if format is Format.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return
    if format is Format.csv:
        sys.stdout.write(matrix_csv(result["matrix"]))
        return
    _print_coverage(result)


def _print_coverage(result: dict[str, Any]) -> None:
    def shown(value: Any) -> str:
        return "-" if value is None else str(value)

    matrix = Table("place", "pillar", "intervention", "organisations", "activities", "targeted",
                   "reached", "reached/targeted", title="coverage: place × pillar × intervention")
    for c in result["matrix"]:
        matrix.add_row(c["place"], c["pillar"], c["intervention"], str(c["organisations"]),
                       str(c["activities"]), shown(c["targeted"]), shown(c["reached"]),
                       "-" if c["coverage"] is None else f"{c['coverage']:.0%}")
    out.print(matrix if result["matrix"] else "no activities match")
    overlaps = Table("place", "intervention", "organisations", "from", "to", "activities",
                     title="overlaps: several organisations, same thing, same place and time")
    for o in result["overlaps"]:
        overlaps.add_row(o["place"], o["intervention"], ", ".join(o["organisations"]),
                         o["start"] or "open", o["end"] or "open",
                         ", ".join(f"{a['organisation']}/{a['code']}" for a in o["activities"]))
    out.print(overlaps if result["overlaps"] else "no overlaps")
    gaps = Table("gap", "place", "victims detected in the country", "pillars missing", title="gaps")
    for g in result["gaps"]:
        victims = g["victims"]["display"] if g["victims"] else "-"
        gaps.add_row(g["kind"].replace("_", " "), g["place"], victims, ", ".join(g["pillars"]))
    out.print(gaps if result["gaps"] else "no gaps found")
    for note in result["notes"]:
        out.print(f"note: {note}", highlight=False, markup=False)


@programmes_app.command("delete")
def programmes_delete(
    programme_id: Annotated[int, typer.Argument(help="The programme's id (tiphub programmes "
                                                     "list --format json).", min=1, max=MAX_ID)],
) -> None:
    """Delete a programme and its indicators (to change one, import it again instead)."""
    with open_hub() as hub:
        gone = hub.delete_programme(programme_id)
    out.print(f"deleted programme {gone.id}: {gone.organisation}/{gone.code}", highlight=False,
              markup=False)


# -- coordination: programme indicators and the country indicators -----------------------------


@indicators_app.command("import")
def indicators_import(
    file: Annotated[Path, typer.Argument(help="HXL-tagged CSV (docs/coordination.md).")],
    org: Annotated[str, typer.Option(help="Organisation importing (the implementer of rows "
                                          "that name none).")],
    format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Import indicators and their measurements from an HXL-tagged CSV: all rows or none."""
    with open_hub() as hub, _problems_listed():
        report = hub.import_indicators(file, org=org)
    if format is Format.json:
        out.print_json(report.model_dump_json())
        return
    out.print(
        f"{report.file_name}: {report.rows_total} rows for {report.organisation}: indicators "
        f"{report.indicators_created} added, {report.indicators_updated} updated, "
        f"{report.indicators_unchanged} unchanged; measurements {report.measurements_created} "
        f"added, {report.measurements_updated} updated, {report.measurements_unchanged} "
        "unchanged", highlight=False, markup=False)
    for problem in report.problems:
        out.print(f"  warning: {problem.message}", highlight=False, markup=False)


@indicators_app.command("list")
def indicators_list(
    country: Annotated[str | None, typer.Option(help="The programme's country (ISO 3166).")] = None,
    org: Annotated[str | None, typer.Option(help="Implementing organisation.")] = None,
    programme: Annotated[str | None, typer.Option(help="Programme code.")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """List programme indicators with baseline, target, latest value and progress status."""
    with open_hub() as hub:
        found = hub.indicators(country=country, org=org, programme=programme)
    if format is Format.json:
        _print_records(found, Format.json, [])
        return
    flat = [{k: v for k, v in i.items() if k not in ("measurements", "progress")}
            | {"measurements": len(i["measurements"]), "status": i["progress"]["status"],
               "reason": i["progress"]["reason"]} for i in found]
    _print_records(flat, format,
                       ["programme", "code", "level", "name", "baseline", "target",
                        "latest", "status"])


@indicators_app.command("export")
def indicators_export(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write (.csv, HXL).")],
    country: Annotated[str | None, typer.Option(help="The programme's country (ISO 3166).")] = None,
    org: Annotated[str | None, typer.Option(help="Implementing organisation.")] = None,
    programme: Annotated[str | None, typer.Option(help="Programme code.")] = None,
) -> None:
    """Export indicators and measurements as HXL-tagged CSV (imports again unchanged)."""
    if output.suffix.lower() != ".csv":
        raise typer.BadParameter("the output file ends in .csv")
    with open_hub() as hub:
        path = hub.export_indicators(output, country=country, org=org, programme=programme)
    out.print(f"wrote {path}", highlight=False, markup=False)


@indicators_app.command("country")
def indicators_country(
    iso3: Annotated[str, typer.Argument(help="ISO 3166 country code.")],
    year: Annotated[int | None, typer.Option(help="One year only.")] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Victims detected, persons prosecuted and convicted (Global Plan of Action appraisal),
    per year, each with its source; withheld values keep their mark."""
    with open_hub() as hub:
        found = hub.country_indicators(country=iso3, year=year)
    if not found and format is Format.table:
        out.print(f"no figures for {iso3.upper()}: import case records, or the Global "
                      "Report table with --profile glotip", highlight=False, markup=False)
        return
    _print_records(found, format,
                       ["year", "label", "display", "source"])


# -- record linkage ---------------------------------------------------------------------------

class Engine(StrEnum):
    local = "local"
    spark = "spark"


class Blocking(StrEnum):
    auto = "auto"
    none = "none"
    lsh = "lsh"


@app.command("encode")
def encode(
    people: Annotated[Path, typer.Argument(help="The organisation's people file (HTCDS CSV, "
                                                "or any CSV whose columns the schema names).")],
    secret_file: Annotated[Path, typer.Option(help="File holding the secret the organisations "
                                                   "share (never the hub).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Encoded file to write "
                                                                "(.jsonl or .csv).")],
    schema: Annotated[Path | None, typer.Option(help="Linkage schema (clkhash v3 JSON); default: "
                                                     "tiphub's HTCDS person schema.")] = None,
    id_column: Annotated[str | None, typer.Option(help="Column of the local record id "
                                                       "(default: prs_Id).")] = None,
) -> None:
    """Encode a people file on the organisation's own machine: identifying columns become
    one keyed Bloom filter per record; nothing identifying is written."""
    from tiphub.linkage.encode_file import encode_file
    from tiphub.linkage.encoding import read_secret
    from tiphub.linkage.schema import default_schema, load_schema

    chosen = load_schema(schema) if schema else default_schema()
    report = encode_file(people, output, schema=chosen, secret=read_secret(secret_file),
                         id_column=id_column)
    out.print(report.summary(), highlight=False, markup=False)


@app.command("link-eval")
def link_eval(
    files: Annotated[list[Path], typer.Argument(help="One labelled file (duplicates within it) or "
                                                     "two (linked to each other).")],
    schema: Annotated[Path, typer.Option(help="Linkage schema (clkhash v3 JSON) naming the "
                                              "files' columns.")],
    secret_file: Annotated[Path | None, typer.Option(help="Secret file; default: a fixed "
                                                          "evaluation secret.")] = None,
    threshold: Annotated[float | None, typer.Option(help="Dice threshold; default: "
                                                         "estimated.")] = None,
    blocking: Annotated[Blocking, typer.Option(help="auto, none or lsh.")] = Blocking.auto,
    truth_column: Annotated[str, typer.Option(help="Column with the true identity "
                                                   "(FEBRL rec_id: rec-N-... ).")] = "rec_id",
    engine: Annotated[Engine, typer.Option(help="local or spark.")] = Engine.local,
    format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Encode labelled files, link them and print precision, recall and F1 (e.g. FEBRL)."""
    from tiphub.linkage.encoding import read_secret
    from tiphub.linkage.evaluate import evaluate
    from tiphub.linkage.schema import load_schema

    if len(files) > 2:
        raise typer.BadParameter("give one file or two")
    secret = read_secret(secret_file) if secret_file else b"tiphub-link-eval-secret-not-for-real-data"
    result = evaluate(files, schema=load_schema(schema), secret=secret, threshold=threshold,
                      blocking=blocking.value, truth_column=truth_column, engine=engine.value)
    figures = {"records": result.records, "true_pairs": result.true_pairs,
               "predicted_pairs": result.predicted_pairs, "true_positives": result.true_positives,
               "precision": round(result.precision, 5), "recall": round(result.recall, 5),
               "f1": round(result.f1, 5), "threshold": round(result.threshold, 4),
               "threshold_estimated": result.threshold_estimated,
               "comparisons": result.comparisons, "encode_seconds": round(result.encode_seconds, 3),
               "link_seconds": round(result.link_seconds, 3), "blocking": result.blocking}
    if format is Format.json:
        out.print_json(json.dumps(figures))
        return
    table = Table("measure", "value", title=" × ".join(f.name for f in files))
    for key, value in figures.items():
        table.add_row(key, str(value))
    out.print(table)
    for warning in result.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)


@app.command("link")
def link(
    org: Annotated[list[str] | None, typer.Option(help="Only these organisations (repeat); "
                                                       "default: every one.")] = None,
    threshold: Annotated[float | None, typer.Option(help="Dice score from which two records "
                                                         "are one person; default: estimated.")] = None,
    blocking: Annotated[Blocking, typer.Option(help="auto, none (all pairs) or lsh.")] = Blocking.auto,
    engine: Annotated[Engine, typer.Option(help="local (every core) or spark "
                                                "(pip install 'tiphub[spark]').")] = Engine.local,
    within_party: Annotated[bool, typer.Option(help="Also find duplicates inside one "
                                                    "organisation's records.")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the blocking's bit sampling.")] = 0,
    format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Link every organisation's encoded submissions into persons (count each victim once)."""
    with open_hub() as hub:
        run = hub.link(org or None, threshold=threshold, blocking=blocking.value,
                       engine=engine.value, within_party=within_party, seed=seed,
                       progress=lambda message: err.print(message) if format is Format.table else None)
        summary = hub.link_summary(run.id, exact=True)
        summary["run"]["reused"] = run.reused
    if format is Format.json:
        out.print_json(json.dumps(summary))
        return
    _print_link_summary(summary)


@app.command("link-runs")
def link_runs(format: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """List link runs, newest first."""
    with open_hub() as hub:
        rows = [r.model_dump(mode="json", exclude={"inputs", "parameters", "reused"})
                for r in hub.link_runs()]
    _print_records(rows, format, ["id", "created_at", "engine", "records", "persons", "threshold",
                                  "threshold_estimated", "seconds"])


@app.command("link-show")
def link_show(
    run: Annotated[int | None, typer.Argument(help="Run id; default: the newest.", min=1,
                                              max=MAX_ID)] = None,
    exact: Annotated[bool, typer.Option(help="Exact counts (small cells not hidden).")] = False,
    format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Records against distinct persons per organisation, and the list-overlap table."""
    with open_hub() as hub:
        summary = hub.link_summary(run, exact=exact)
    if format is Format.json:
        out.print_json(json.dumps(summary))
    else:
        _print_link_summary(summary)


@app.command("link-overlap")
def link_overlap(
    run: Annotated[int | None, typer.Argument(help="Run id; default: the newest.", min=1,
                                              max=MAX_ID)] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="Write the CSV here (default: stdout).")] = None,
) -> None:
    """The exact list-overlap table in the estimation format (0/1 per organisation, count)."""
    import csv

    from tiphub.linkage.overlap import overlap_csv_rows

    with open_hub() as hub:
        rows = overlap_csv_rows(hub.link_summary(run, exact=True))
    if output is None:
        csv.writer(sys.stdout, lineterminator="\n").writerows(rows)
        return
    with output.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    err.print(f"overlap table of {len(rows) - 1} capture histories written to {output}")


class Method(StrEnum):
    stepwise = "stepwise"
    exhaustive = "exhaustive"
    fixed = "fixed"
    main = "main"


class Criterion(StrEnum):
    aic = "aic"
    bic = "bic"
    pvalue = "pvalue"


@app.command("estimate")
def estimate(
    table: Annotated[Path | None, typer.Argument(help="Overlap table: one 0/1 column per list and a "
                                                      "count column.")] = None,
    link_run: Annotated[int | None, typer.Option(help="Estimate from this link run's overlap table "
                                                      "instead (0: the newest).", min=0, max=MAX_ID)] = None,
    method: Annotated[Method, typer.Option(help="stepwise, exhaustive (up to 5 lists), fixed or "
                                                "main.")] = Method.stepwise,
    criterion: Annotated[Criterion, typer.Option(help="aic, bic or pvalue (stepwise).")] = Criterion.aic,
    interaction: Annotated[list[str] | None, typer.Option(help="With --method fixed: an interaction "
                                                               "such as LA:NG (repeat).")] = None,
    bootstrap: Annotated[int, typer.Option(help="Bootstrap replicates (0: none).")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 2024,
    merge_below: Annotated[int | None, typer.Option(help="Merge lists with fewer persons into "
                                                         "one.")] = None,
    stratum: Annotated[str | None, typer.Option(help="A column of the table to estimate by "
                                                     "(e.g. sex).")] = None,
    by: Annotated[str | None, typer.Option(help="With --link-run: estimate by sex, age "
                                                "(adult/minor) or form of exploitation.")] = None,
    format: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
) -> None:
    """Estimate the victims no list saw (multiple systems estimation), with a 95 % interval."""
    with open_hub() as hub:
        result = hub.estimate(table, link_run=link_run or None, latest_run=link_run == 0,
                              method=method.value, criterion=criterion.value,
                              interactions=interaction or None, bootstrap=bootstrap, seed=seed,
                              merge_below=merge_below, stratum=stratum, by=by)
    if format is Format.json:
        out.print_json(json.dumps(result))
        return
    if "strata" in result:
        for label, part in result["strata"].items():
            _print_estimate(part, title=f"{result['stratum']} = {label}")
        for label, why in result["skipped"].items():
            out.print(f"{result['stratum']} = {label}: not estimated ({why})", markup=False)
        if result["total"] is not None:
            out.print(f"sum of the strata: {result['total']:,.0f}", markup=False)
        return
    _print_estimate(result)


def _print_estimate(result: dict[str, Any], title: str | None = None) -> None:
    head = f"{title}: " if title else ""
    out.print(f"{head}{result['observed']:,} persons seen by {len(result['lists'])} lists; "
              f"estimated {result['total']:,.0f} in all, {result['unseen']:,.0f} never seen",
              markup=False)
    for interval in result["intervals"]:
        upper = "no upper bound" if interval["upper"] is None else f"{interval['upper']:,.0f}"
        out.print(f"  {interval['level']:.0%} interval {interval['lower']:,.0f} – {upper} "
                  f"({interval['method']})", markup=False)
    out.print(f"  model: main effects + {', '.join(result['model']) or 'no interaction'} — "
              f"{result['selection'].get('why', '')}", markup=False)
    for line in result["diagnostics"]:
        out.print(f"  • {line}", markup=False)
    out.print("  assumptions: " + " ".join(result["assumptions"]), markup=False, style="dim")


def _print_link_summary(summary: dict[str, Any]) -> None:
    run = summary["run"]
    reused = " (the same inputs were linked before: that run is shown)" if run.get("reused") else ""
    out.print(f"link run {run['id']}{reused}: {summary['records']:,} records from "
              f"{len(summary['lists'])} organisations are {summary['persons']:,} distinct persons "
              f"(summed records overstate them by {summary['overcount']:.1%})")
    if run.get("records_without_encoding"):
        out.print(f"  {run['records_without_encoding']:,} records carried no encoding (no usable "
                  "identifier): each is counted as a person of its own")
    how = "estimated from the scores" if run["threshold_estimated"] else "given"
    compared = f"{run['comparisons']:,} comparisons, " if run.get("comparisons") is not None else ""
    out.print(f"  threshold {run['threshold']:.3f} ({how}), {compared}{run['seconds']:.1f} s, "
              f"engine {run['engine']}")
    for warning in run["warnings"]:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    key = "" if summary["exact"] else "_shown"
    table = Table("organisation", "records", "distinct persons", "also held elsewhere",
                  title="records and persons")
    for r in summary["organisations"]:
        table.add_row(r["organisation"], *(str(r[f"{k}{key}"]) for k in
                                           ("records", "persons", "also_held_elsewhere")))
    out.print(table)
    overlap = Table(*summary["lists"], "persons", title="list overlap (persons held by exactly "
                                                         "these organisations)")
    for r in summary["overlap"]:
        overlap.add_row(*("x" if x else "" for x in r["pattern"]), str(r[f"persons{key}"]))
    out.print(overlap)
    if not summary["exact"]:
        out.print(f"counts below {summary['min_cell_size']} are hidden; `tiphub link-overlap` "
                  "writes the exact table for estimation")


# -- publishing with differential privacy ------------------------------------------------------


def _print_budget(budget: dict[str, Any]) -> None:
    out.print(f"privacy budget of {budget['dataset']}: epsilon {budget['epsilon']:g}, delta "
              f"{budget['delta']:g}; spent epsilon {budget['spent_epsilon']:.3g} in "
              f"{budget['releases']} release(s), remaining epsilon {budget['remaining_epsilon']:.3g}")


@release_app.command("budget")
def release_budget(
    epsilon: Annotated[float | None, typer.Option(help="Total epsilon the releases of the case "
                                                       "records may spend (leave out to show).")] = None,
    delta: Annotated[float, typer.Option(help="Delta of the budget.")] = 1e-6,
) -> None:
    """Show the privacy budget, or set it (hub administrators; never below what is spent)."""
    with open_hub() as hub:
        budget = (hub.set_privacy_budget(epsilon, delta) if epsilon is not None
                  else hub.privacy_budget())
    _print_budget(budget)


@release_app.command("create")
def release_create(
    tables: Annotated[str | None, typer.Option(help="Comma-separated tables of the public "
                                                    "workload (default: all, unless --synthetic).")] = None,
    epsilon: Annotated[float, typer.Option(help="Epsilon this release spends.")] = 1.0,
    synthetic: Annotated[bool, typer.Option("--synthetic", help="Also a synthetic file in the "
                                                                 "CTDC format.")] = False,
    rows: Annotated[int | None, typer.Option(help="Synthetic rows (default: the noisy count).")] = None,
    seed: Annotated[int | None, typer.Option(help="Reproducible noise, for tests: such a "
                                                  "release can never be published.")] = None,
    synthesiser: Annotated[str, typer.Option(help="Synthesiser of the synthetic file: mst "
                                                  "(tiphub's) or pac-synth (CTDC's; needs "
                                                  "tiphub[pacsynth]).")] = "mst",
) -> None:
    """Prepare a draft release from the case records, spending from the privacy budget."""
    names = [t.strip() for t in tables.split(",") if t.strip()] if tables else None
    with open_hub() as hub:
        release = hub.create_release(names, epsilon, synthetic=synthetic, rows=rows, seed=seed,
                                     synthesiser=synthesiser)
        budget = hub.privacy_budget()
    params = release["parameters"]
    out.print(f"draft release {release['id']}: epsilon {release['epsilon']:g}, tables "
              f"{', '.join(params['tables']) or '(none)'}"
              + (f", synthetic file of {params['rows']} rows" if params["synthetic"] else ""))
    for warning in params["warnings"]:
        err.print(f"warning: {warning}", highlight=False, markup=False)
    _print_budget(budget)
    out.print(f"`tiphub release publish {release['id']}` makes it public")


@release_app.command("publish")
def release_publish(
    release_id: Annotated[int, typer.Argument(help="Release id.", min=1, max=MAX_ID)],
) -> None:
    """Publish a draft release: public, and never changed again."""
    with open_hub() as hub:
        release = hub.publish_release(release_id)
    out.print(f"release {release['id']} published at {release['published_at']:%Y-%m-%d %H:%M} UTC")


@release_app.command("delete")
def release_delete(
    release_id: Annotated[int, typer.Argument(help="Release id.", min=1, max=MAX_ID)],
) -> None:
    """Delete a draft release (published ones never change). Its spend is not refunded."""
    with open_hub() as hub:
        hub.delete_release(release_id)
        budget = hub.privacy_budget()
    out.print(f"draft release {release_id} deleted; its epsilon stays spent (its noisy answers "
              "were computed and seen)")
    _print_budget(budget)


@release_app.command("list")
def release_list(format: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """List releases (drafts and published), newest first."""
    with open_hub() as hub:
        found = hub.releases()
    rows = [{"id": r["id"], "status": r["status"], "epsilon": r["epsilon"], "delta": r["delta"],
             "tables": ",".join(r["parameters"]["tables"]), "synthetic": r["parameters"]["synthetic"],
             "created_at": r["created_at"], "published_at": r["published_at"]} for r in found]
    _print_records(rows, format, ["id", "status", "epsilon", "delta", "tables", "synthetic",
                                  "created_at", "published_at"])


@release_app.command("show")
def release_show(
    release_id: Annotated[int, typer.Argument(help="Release id.", min=1, max=MAX_ID)],
    tables_csv: Annotated[Path | None, typer.Option(help="Write the tables (one row per cell) "
                                                         "to this CSV file.")] = None,
    synthetic_csv: Annotated[Path | None, typer.Option(help="Write the synthetic file to this "
                                                            "CSV file.")] = None,
) -> None:
    """Show a release: parameters, tables and the utility and risk report."""
    with open_hub() as hub:
        release = hub.release(release_id)
        if tables_csv:
            tables_csv.write_text(hub.release_tables_csv(release_id), encoding="utf-8")
        if synthetic_csv:
            synthetic_csv.write_text(hub.release_synthetic_csv(release_id), encoding="utf-8")
    params = release["parameters"]
    out.print(f"release {release['id']} ({release['status']}): epsilon {release['epsilon']:g}, "
              f"delta {release['delta']:g}, {params['records']} records"
              + (f", seed {params['seed']} (not private)" if params["seed"] is not None else ""))
    table = Table("table", "cells", "total", "sd", "95% +/-", "flagged cells")
    for t in release["tables"]:
        table.add_row(t["name"], str(len(np.asarray(t["counts"]).ravel())), str(t["total"]),
                      f"{t['sd']:g}", f"{t['ci95']:g}", str(t["flagged"]))
    if release["tables"]:
        out.print(table)
    report = Table("measure", "internal", "published", title="utility and risk")
    for key, shown in release["report_public"].items():
        report.add_row(key, "", str(shown))
    for t in release["report_internal"].get("tvd", []):
        report.add_row(f"tvd {t['ways']}-way mean / worst", f"{t['mean']:.3f} / {t['worst']:.3f}", "")
    out.print(report)
    for path in (tables_csv, synthetic_csv):
        if path:
            out.print(f"wrote {path}")


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
