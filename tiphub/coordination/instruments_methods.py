"""The Hub's treaty-instrument methods (mixed into :class:`tiphub.Hub`): import the
depositaries' status files and read, per country, where it stands with the Palermo trafficking
Protocol, UNTOC, the Optional Protocol on the sale of children and ILO P029."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiphub.accounts.policy import authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.coordination import treaties
from tiphub.errors import FileRejected, Forbidden, InvalidInput, NotFound, TiphubError
from tiphub.stats import safe_cell
from tiphub.store import instruments as store
from tiphub.vocab import geo

if TYPE_CHECKING:
    from tiphub.accounts.service import Accounts
    from tiphub.config import Settings
    from tiphub.store.engine import Database

FORMATS = ("auto", "untc-xml", "csv")
CSV_COLUMNS = (
    "country",
    "country_name",
    "instrument",
    "instrument_name",
    "status",
    "label",
    "signed",
    "consent",
    "consent_type",
    "withdrawn",
    "known",
    "source",
)
#: What each status means in words; "withdrawn" and "no data" are kinds of "none".
LABELS = {
    "party": "Party",
    "signatory": "Signed, not a party",
    "none": "Not a party",
    "withdrawn": "Withdrawn",
    "unknown": "No data",
}


class InstrumentMethods:
    db: Database
    settings: Settings
    accounts: Accounts

    def import_instruments(
        self,
        path: Path | str,
        principal: Principal = SYSTEM,
        *,
        instrument: str | None = None,
        format: str = "auto",
    ) -> dict[str, Any]:
        """Import one status file: the UN Treaty Collection's XML export of a treaty, or a CSV
        (country, instrument, signature_date, consent_date, consent_type). Hub administrators
        only. All or nothing: any problem and nothing is stored; :class:`FileRejected` lists
        every problem with its row and column. Each (country, instrument) in the file replaces
        what the hub held for it; the others stay as they are.

        ``instrument`` names the treaty of an XML file (read from its title otherwise) or, for a
        CSV, the one instrument every row must be about. Returns what happened, in numbers."""
        path = Path(path)
        try:
            authorize(principal, "instruments:manage")
        except Forbidden:
            self.accounts.audit(
                principal,
                "instruments:import",
                outcome="denied",
                target_type="instruments",
                target_id=path.name[:64],
            )
            raise
        if format not in FORMATS:
            raise InvalidInput(f"unknown format {format!r}", hint=f"accepted: {', '.join(FORMATS)}")
        if instrument is not None:
            instrument = treaties.instrument(instrument).id  # InvalidInput when unknown
        try:
            chosen = _format_of(path) if format == "auto" else format
            if chosen == "untc-xml":
                records = treaties.read_untc_xml(path, instrument=instrument)
            else:
                records = treaties.read_status_csv(path)
                _check_single_instrument(records, instrument, path.name)
            with self.db.begin() as conn:  # one file, one transaction
                created, updated, unchanged = store.replace_statuses(
                    conn, records, source=path.name, imported_by=principal.label or "system"
                )
        except TiphubError as exc:
            self.accounts.audit(
                principal,
                "instruments:import",
                outcome="failed",
                target_type="instruments",
                target_id=path.name[:64],
                # the reason's kind only: the message may quote the file (its header, a cell)
                detail={"file": path.name, "reason": type(exc).__name__,
                        "problems": len(getattr(exc, "problems", None) or [])},
            )
            raise
        covered = sorted({r.instrument for r in records}, key=_catalogue_order)
        report = {
            "file": path.name,
            "format": chosen,
            "instruments": covered,
            "records": len(records),
            "countries": len({r.country for r in records}),
            "parties": sum(1 for r in records if r.status == "party"),
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
        }
        self.accounts.audit(
            principal,
            "instruments:import",
            target_type="instruments",
            target_id=",".join(covered)[:64],
            detail=report,
        )
        return report

    def instrument_status(
        self, principal: Principal = SYSTEM, *, country: str | None = None
    ) -> list[dict[str, Any]]:
        """Where countries stand with the four tracked instruments: one dict per country and
        instrument, in catalogue order.

        With ``country`` (an ISO3 code or a name; ``group:EU`` for the European Union): exactly
        four rows, whatever is recorded. Without: the four rows of every participant recorded
        for at least one instrument. Each row: ``country``, ``country_name``, ``instrument``,
        ``instrument_name``, ``status`` ("party", "signatory" or "none"), ``label`` (the status
        in words, "Withdrawn" and "No data" included), ``signed`` and ``consent`` (ISO dates or
        None), ``consent_type``, ``withdrawn``, ``recorded`` (whether the hub holds a row for
        it), ``known`` (whether any status file of that instrument was imported: when it was and
        the country is not in it, it is not a party — when not, nothing is known), ``source``
        (the file the row came from; for an unrecorded country of a known instrument, the
        instrument's files) and ``imported_at``. Public: anyone may read it."""
        authorize(principal, "instruments:read")
        code = _country_code(country) if country is not None else None
        with self.db.connect() as conn:
            rows = store.statuses(conn, country=code)
            files = store.sources(conn)
        held = {(r["country"], r["instrument"]): r for r in rows}
        codes = [code] if code is not None else sorted({r["country"] for r in rows}, key=_country_sort)
        return [
            _row(c, item, held.get((c, item.id)), files.get(item.id, []))
            for c in codes
            for item in treaties.instruments()
        ]

    def instrument_status_csv(self, principal: Principal = SYSTEM, *, country: str | None = None) -> bytes:
        """:meth:`instrument_status` as CSV (UTF-8), one row per country and instrument."""
        rows = self.instrument_status(principal, country=country)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([safe_cell(_cell(row[k])) for k in CSV_COLUMNS])
        return out.getvalue().encode("utf-8")

    def instrument_sources(self, principal: Principal = SYSTEM) -> list[dict[str, Any]]:
        """Per tracked instrument, its catalogue facts and the files its statuses came from
        (name and latest import time); public."""
        authorize(principal, "instruments:read")
        with self.db.connect() as conn:
            files = store.sources(conn)
        return [
            {
                "id": item.id,
                "short_name": item.short_name,
                "title": item.title,
                "depositary": item.depositary,
                "mtdsg_no": item.mtdsg_no,
                "normlex_id": item.normlex_id,
                "adopted": item.adopted.isoformat(),
                "entry_into_force": item.entry_into_force.isoformat(),
                "files": [{"source": s, "imported_at": _iso(at)} for s, at in files.get(item.id, [])],
            }
            for item in treaties.instruments()
        ]


def _cell(value: object) -> str:
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _format_of(path: Path) -> str:
    """untc-xml or csv, from the file's suffix, else from its first bytes."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return "untc-xml"
    if suffix in (".csv", ".txt"):
        return "csv"
    try:
        with path.open("rb") as stream:
            head = stream.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        raise FileRejected("file not found", file=path.name) from None
    return "untc-xml" if head.startswith(b"<") else "csv"


def _check_single_instrument(records: list[treaties.TreatyStatus], instrument: str | None, file: str) -> None:
    if instrument is None:
        return
    others = sorted({r.instrument for r in records} - {instrument}, key=_catalogue_order)
    if others:
        counts = ", ".join(f"{sum(1 for r in records if r.instrument == o)} row(s) of {o}" for o in others)
        raise FileRejected(
            f"the file was imported as {instrument}, but it has {counts}; nothing was stored",
            file=file,
            hint="import it without naming an instrument, or remove those rows",
        )


def _catalogue_order(instrument_id: str) -> int:
    return [i.id for i in treaties.instruments()].index(instrument_id)


def _country_code(text: str) -> str:
    text = text.strip()
    if text == treaties.EUROPEAN_UNION:
        return text
    if len(text) == 3 and text.isalpha():
        try:
            return geo.country_by_iso3(text.upper()).iso3
        except KeyError:
            pass
    found = geo.country(text)
    if found is None:
        raise NotFound(
            f"unknown country {text[:60]!r}",
            hint=f"an ISO 3166 alpha-3 code such as BOL, or {treaties.EUROPEAN_UNION}",
        )
    return found.iso3


def _country_name(code: str) -> str:
    if code == treaties.EUROPEAN_UNION:
        return "European Union"
    try:
        return geo.country_by_iso3(code).name
    except KeyError:
        return code


def _country_sort(code: str) -> tuple[int, str]:
    return (1 if code == treaties.EUROPEAN_UNION else 0, _country_name(code))


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _row(
    code: str, item: treaties.Instrument, held: dict[str, Any] | None, files: list[tuple[str, datetime]]
) -> dict[str, Any]:
    known = bool(files)
    base = {
        "country": code,
        "country_name": _country_name(code),
        "instrument": item.id,
        "instrument_name": item.short_name,
        "known": known,
    }
    if held is None:
        return base | {
            "status": "none",
            "label": LABELS["none"] if known else LABELS["unknown"],
            "signed": None,
            "consent": None,
            "consent_type": None,
            "withdrawn": False,
            "recorded": False,
            "participant": None,
            "source": "; ".join(s for s, _ in files) or None,
            "imported_at": _iso(max(at for _, at in files)) if files else None,
        }
    record = treaties.TreatyStatus(
        country=code,
        instrument=item.id,
        signed=held["signed"],
        consent=held["consent"],
        consent_type=held["consent_type"],
        withdrawn=held["withdrawn"],
    )
    status = record.status
    label = LABELS["withdrawn"] if record.withdrawn else LABELS[status]
    if status == "party":
        label = f"{label} ({record.consent_type})"
    return base | {
        "status": status,
        "label": label,
        "signed": _iso(record.signed),
        "consent": _iso(record.consent),
        "consent_type": record.consent_type,
        "withdrawn": record.withdrawn,
        "recorded": True,
        "participant": held["participant"],
        "source": held["source"],
        "imported_at": _iso(held["imported_at"]),
    }
