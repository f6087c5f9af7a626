"""Which countries are bound by the instruments against trafficking (domain.md section 6).

Coordinators and the national report need, per country, whether the Palermo trafficking
Protocol, UNTOC, the Optional Protocol on the sale of children and ILO P029 have been signed and
ratified (or acceded to, succeeded to, ...), and when. The depositaries publish this; tiphub
does not fetch it (no network), it reads the files a user downloads:

- :func:`read_untc_xml` reads the UN Treaty Collection status export of one treaty (the
  ``XVIII-12-a.en.xml`` file behind the "Participant / Signature / Ratification, ..." table);
- :func:`read_status_csv` reads a plain CSV, for ILO NORMLEX extracts and hand-kept tables;
- :func:`status_table` lays the records out per country x instrument, "not a party" included.

Every reader checks the whole file and reports every problem at once (unknown participants,
impossible dates, duplicates, mixed date formats) with its row and column: a status table that
silently drops a country or misreads "a" (accession) as a footnote would misinform a report to
the Secretary-General. Nothing is returned from a file that has a problem.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree

from tiphub.errors import FileRejected, InvalidInput
from tiphub.vocab._text import lookup_key
from tiphub.vocab.geo import country, country_by_iso3

__all__ = [
    "CONSENT_TYPES", "EUROPEAN_UNION", "STATUSES", "Instrument", "StatusTable", "TreatyStatus",
    "instrument", "instruments", "read_status_csv", "read_untc_xml", "status_table",
]

CONSENT_TYPES = ("ratification", "acceptance", "approval", "accession", "succession",
                 "definitive signature", "formal confirmation")
STATUSES = ("party", "signatory", "none")
# The European Union is party to UNTOC and the Palermo Protocol as a regional economic
# integration organisation, not a country: it keeps the code tiphub.vocab.geo gives it.
EUROPEAN_UNION = "group:EU"
_REGIONAL_ORGANISATIONS = {lookup_key(n): EUROPEAN_UNION for n in ("European Union", "European Community")}

MAX_BYTES = 20 << 20  # a UNTC status export with every declaration is well under 2 MiB
MAX_LISTED = 25  # problems listed in one message; the rest are counted


# -- the instruments -----------------------------------------------------------------------


@dataclass(frozen=True)
class Instrument:
    """One tracked treaty, as described in ``coordination/data/instruments.json``."""

    id: str
    short_name: str
    title: str
    depositary: str
    mtdsg_no: str | None  # UN Treaty Collection number ("XVIII-12-a"); None for ILO instruments
    normlex_id: str | None  # ILO code ("P029"); None for UN treaties
    adopted: date
    entry_into_force: date
    consent_types: tuple[str, ...]


@cache
def _catalogue() -> dict[str, Instrument]:
    text = resources.files("tiphub.coordination").joinpath("data", "instruments.json").read_text("utf-8")
    return {item["id"]: _instrument_from_json(item) for item in json.loads(text)["instruments"]}


def _instrument_from_json(item: dict) -> Instrument:
    return Instrument(
        id=item["id"], short_name=item["short_name"], title=item["title"],
        depositary=item["depositary"], mtdsg_no=item["mtdsg_no"], normlex_id=item["normlex_id"],
        adopted=date.fromisoformat(item["adopted"]),
        entry_into_force=date.fromisoformat(item["entry_into_force"]),
        consent_types=tuple(item["consent_types"]),
    )


def instruments() -> list[Instrument]:
    """The four tracked instruments, in the order of the status table's columns."""
    return list(_catalogue().values())


def _find_instrument(text: str) -> Instrument | None:
    key = text.strip().casefold()
    for item in _catalogue().values():
        names = (item.id, item.mtdsg_no, item.normlex_id, item.short_name)
        if key in {name.casefold() for name in names if name}:
            return item
    return None


def instrument(text: str) -> Instrument:
    """The instrument named by its tiphub id ("palermo-trafficking"), its UNTC number
    ("XVIII-12-a"), its ILO code ("P029") or its short name, in any case."""
    found = _find_instrument(text)
    if found is None:
        raise InvalidInput(f"unknown instrument {text!r}", hint=f"one of: {', '.join(_catalogue())}")
    return found


# -- the status of one participant --------------------------------------------------------


@dataclass(frozen=True)
class TreatyStatus:
    """Where one participant stands with one instrument.

    ``country`` is an ISO 3166 alpha-3 code, or :data:`EUROPEAN_UNION` for the EU. A participant
    the depositary lists between brackets has withdrawn (denounced); it is no longer a party,
    whatever dates it once had.
    """

    country: str
    instrument: str
    signed: date | None = None
    consent: date | None = None
    consent_type: str | None = None
    withdrawn: bool = False
    source: str | None = None  # the file name the record was read from
    participant: str | None = None  # the participant's name as the source wrote it

    def __post_init__(self) -> None:
        if (self.consent is None) != (self.consent_type is None):
            raise InvalidInput("a consent date and a consent type go together",
                               hint=f"{self.country}, {self.instrument}")
        if self.consent_type is not None and self.consent_type not in CONSENT_TYPES:
            raise InvalidInput(f"unknown consent type {self.consent_type!r}",
                               hint=f"one of: {', '.join(CONSENT_TYPES)}")

    @property
    def status(self) -> str:
        """"party" once consent to be bound is given, "signatory" after signature alone,
        "none" otherwise (withdrawn participants included)."""
        if self.withdrawn:
            return "none"
        if self.consent is not None:
            return "party"
        return "signatory" if self.signed is not None else "none"

    def as_dict(self) -> dict[str, object]:
        """Plain values (dates as ISO text) for JSON, CSV and templates."""
        values = asdict(self)
        values.update(status=self.status, signed=_iso(self.signed), consent=_iso(self.consent))
        return values


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# -- collecting problems -------------------------------------------------------------------


@dataclass
class _Problems:
    """Every problem found in one file, so the user fixes them all in one pass."""

    file: str
    items: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.items.append(message)

    def raise_if_any(self, hint: str) -> None:
        if not self.items:
            return
        listed = self.items[:MAX_LISTED]
        more = len(self.items) - len(listed)
        text = "\n".join(f"  - {item}" for item in listed) + (f"\n  ... and {more} more" if more else "")
        raise FileRejected(f"{len(self.items)} problem(s), nothing was read:\n{text}", file=self.file,
                           hint=hint)


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise FileRejected("file not found", file=path.name)
    if path.stat().st_size > MAX_BYTES:
        raise FileRejected(f"larger than {MAX_BYTES >> 20} MiB", file=path.name,
                           hint="a treaty status file is far smaller: is this the right file?")
    data = path.read_bytes()
    if not data.strip():
        raise FileRejected("the file is empty", file=path.name)
    return data


# -- participant names ---------------------------------------------------------------------

_TRAILING_FOOTNOTES = re.compile(r"(?<=[^\d\s,])[\s,]*\d+(?:\s*,\s*\d+)*$")
_BRACKETED = re.compile(r"^\[(.*)\]$")


def _participant(text: str) -> tuple[str, bool]:
    """The participant's name without footnote numbers, and whether it is bracketed
    (withdrawn, in the depositary's convention)."""
    name = _TRAILING_FOOTNOTES.sub("", text).strip()
    bracketed = _BRACKETED.match(name)
    if bracketed:
        return _TRAILING_FOOTNOTES.sub("", bracketed.group(1)).strip(), True
    return name, False


def _resolve_participant(name: str, aliases: Mapping[str, str]) -> str | None:
    """ISO3 (or the EU's code) of a depositary's participant name; None when not understood.

    Only names (and ISO codes in CSVs) are accepted: the geo index also knows demonyms and
    group labels ("EU countries"), which would be guesses here."""
    if name in aliases:
        return aliases[name]
    if found := _REGIONAL_ORGANISATIONS.get(lookup_key(name)):
        return found
    match = country(name)
    return match.iso3 if match else None


def _checked_aliases(aliases: Mapping[str, str] | None) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, code in (aliases or {}).items():
        checked[name] = _country_code(code)
    return checked


def _country_code(code: str) -> str:
    """A validated ISO3 code (or the EU's code); InvalidInput otherwise."""
    if code == EUROPEAN_UNION:
        return code
    try:
        return country_by_iso3(code.strip()).iso3
    except KeyError:
        raise InvalidInput(f"{code!r} is not an ISO 3166 alpha-3 code",
                           hint=f"use codes such as BOL, CIV, PSE, VAT, or {EUROPEAN_UNION}") from None


# -- checks shared by both readers ---------------------------------------------------------


def _date_problems(record: TreatyStatus, where: str) -> list[str]:
    """Dates that cannot be right: before the instrument was adopted, or consent before
    signature (a state signs, then ratifies; it does not sign what it is already bound by)."""
    item = _catalogue()[record.instrument]
    found = []
    for label, value in (("signature", record.signed), ("consent", record.consent)):
        if value and value < item.adopted:
            found.append(f"{where}: {label} date {value} is before {item.short_name} was adopted "
                         f"({item.adopted})")
    if record.signed and record.consent and record.consent < record.signed:
        found.append(f"{where}: consent date {record.consent} is before the signature date {record.signed}")
    if record.consent_type and record.consent_type not in item.consent_types:
        found.append(f"{where}: {record.consent_type} is not a way to join {item.short_name} "
                     f"(expected {', '.join(item.consent_types)})")
    return found


def _duplicate_problems(records: list[tuple[str, TreatyStatus]]) -> list[str]:
    """Two rows for the same country and instrument ("Turkey" and "Türkiye"): which one is
    right cannot be decided here."""
    seen: dict[tuple[str, str], str] = {}
    found = []
    for where, record in records:
        key = (record.country, record.instrument)
        if key in seen:
            found.append(f"{where}: {record.country} already appears at {seen[key]} for {record.instrument}")
        else:
            seen[key] = where
    return found


def _unmapped_problem(unmapped: dict[str, str]) -> str:
    listed = "; ".join(f"{name!r} ({where})" for name, where in unmapped.items())
    return f"participant name(s) not recognised as a country: {listed}"


_ALIAS_HINT = ("give the ISO3 code of each unrecognised name as an alias (name -> ISO3), "
               f"or {EUROPEAN_UNION} for the European Union")


# -- the UN Treaty Collection status XML ---------------------------------------------------

_FOOTNOTE_TAGS = {"superscript", "sup"}
_ESCAPED_FOOTNOTE = re.compile(r"<\s*(superscript|sup)\b[^>]*>.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_ESCAPED_TAG = re.compile(r"<[^<>]*>")
_UNTC_DATE = re.compile(r"^(\d{1,2}) ([A-Za-z]{3,9})\.? (\d{4})(?: ?([A-Za-z]{1,2}))?$")
_HEADER_CODE = re.compile(r"^(.*?)\s*(?:\(\s*([A-Za-z]{1,2})\s*\))?$")
_TITLE_NUMBER = re.compile(r"\d{0,3}[a-z]?")  # "12. a)" folded by lookup_key
_MTDSG_IN_NAME = re.compile(r"([IVXL]+-\d+(?:-[a-z])?)(?=[._ ]|$)", re.IGNORECASE)
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9_.-]+)[\"']")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


def _local(tag: object) -> str:
    """An element's name without its namespace (XHTML exports put tables in one)."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _cell_text(cell: ElementTree.Element) -> str:
    """The visible text of a cell, footnote markers removed.

    UNTC writes footnote numbers as ``<superscript>`` — sometimes as elements, sometimes as
    escaped markup inside the text — so both are dropped, and any other escaped tag with them."""
    parts = [cell.text or ""]
    for child in cell:
        if _local(child.tag) not in _FOOTNOTE_TAGS:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    text = _ESCAPED_TAG.sub("", _ESCAPED_FOOTNOTE.sub("", "".join(parts)))
    return " ".join(text.replace("\xa0", " ").split())


def _parse_xml(data: bytes, file: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(_fix_declared_encoding(data))
    except ElementTree.ParseError as error:
        line, column = error.position
        raise FileRejected(f"not well-formed XML (line {line}, column {column})", file=file,
                           hint="use the XML export of the treaty's status page on treaties.un.org, "
                                "unchanged") from None


def _fix_declared_encoding(data: bytes) -> bytes:
    """UNTC declares ISO-8859-1; a file re-saved as UTF-8 often keeps that declaration, and
    "Türkiye" would come out as "TÃ¼rkiye". Valid UTF-8 with non-ASCII bytes is UTF-8."""
    declared = _DECLARED.match(data)
    if not declared or declared.group(1).lower() not in (b"iso-8859-1", b"latin-1", b"latin1"):
        return data
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return data.replace(declared.group(1), b"UTF-8", 1) if not data.isascii() else data


def _rows(table: ElementTree.Element) -> list[list[ElementTree.Element]]:
    rows = [el for el in table.iter() if _local(el.tag) in ("row", "tr")]
    return [[c for c in row if _local(c.tag) in ("entry", "td", "th")] for row in rows]


def _participants_table(root: ElementTree.Element, file: str) -> tuple[list[str], list[list[str]]]:
    """The header and data rows of the table whose first header cell is "Participant"."""
    tables = [el for el in root.iter() if _local(el.tag) == "table"]
    for table in tables:
        rows = [row for row in _rows(table) if row]
        if rows and _cell_text(rows[0][0]).lower().startswith("participant"):
            header = [_cell_text(cell) for cell in rows[0]]
            return header, [[_cell_text(cell) for cell in row] for row in rows[1:]]
    raise FileRejected(
        f"no participants table: expected a UN Treaty Collection status export "
        f"(<Treaty>/<Participants>/<Table> whose header row starts with 'Participant'), found root "
        f"element <{_local(root.tag)}> with {len(tables)} table(s) and no such header",
        file=file, hint="download the status of the treaty with 'Export to XML' on treaties.un.org",
    )


@dataclass(frozen=True)
class _Columns:
    """Where the participant's dates are, and what each suffix letter of a date means."""

    signature: int
    consent: int
    consent_default: str
    consent_codes: dict[str, str]
    signature_codes: dict[str, str]


def _header_codes(text: str, file: str) -> tuple[str | None, dict[str, str]]:
    """ "Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)" ->
    ("ratification", {"A": "acceptance", "AA": "approval", "a": "accession", "d": "succession"}).

    The letters are case-sensitive ("a" is accession, "A" acceptance), and read from the
    header rather than assumed, because UNTC tables differ in which they list."""
    default, codes = None, {}
    for part in text.split(","):
        name, code = _HEADER_CODE.match(part.strip()).groups()
        kind = " ".join(name.lower().split())
        kind = "succession" if kind.startswith("succession") else kind
        if code:
            codes[code] = kind
        elif default is None:
            default = kind
    unknown = [k for k in [default, *codes.values()] if k and k not in CONSENT_TYPES and k != "signature"]
    if unknown:
        raise FileRejected(f"column {text!r} names an unknown kind of consent: {', '.join(unknown)}",
                           file=file, hint=f"tiphub knows: {', '.join(CONSENT_TYPES)}")
    return default, codes


def _columns(header: list[str], file: str) -> _Columns:
    def find(test) -> int | None:
        return next((i for i, name in enumerate(header) if i and test(name.lower())), None)

    signature = find(lambda n: n.startswith("signature"))
    consent = find(lambda n: any(w in n for w in ("ratification", "accession", "acceptance", "approval")))
    missing = [name for name, index in (("Signature", signature), (
        "Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)", consent)) if index is None]
    if missing:
        raise FileRejected(f"missing column(s) {', '.join(repr(m) for m in missing)}; found columns "
                           f"{', '.join(repr(h) for h in header)}", file=file,
                           hint="is this the status table of a treaty open to signature?")
    default, codes = _header_codes(header[consent], file)
    _, signature_codes = _header_codes(header[signature], file)
    return _Columns(signature, consent, default or "ratification", codes, signature_codes)


def _untc_date(text: str) -> tuple[date | None, str]:
    """"12 Dec 2000 a" -> (date(2000, 12, 12), "a"); "" -> (None, ""). Brackets around a date
    (an action later undone or redone, explained in a footnote) are dropped."""
    text = " ".join(text.strip().strip("[]").split())  # UNTC writes "22 Apr\t 2016"
    if not text:
        return None, ""
    match = _UNTC_DATE.match(text)
    month = _MONTHS.get(match.group(2)[:3].lower()) if match else None
    if not match or month is None:
        raise ValueError(f"{text!r} is not a date like '12 Dec 2000' (with an optional a, d, A or AA)")
    day, year, code = int(match.group(1)), int(match.group(3)), match.group(4) or ""
    try:
        return date(year, month, day), code
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def _instrument_of_file(root: ElementTree.Element, path: Path, named: str | None) -> Instrument:
    """The instrument the caller named, checked against what the file says it is (its title,
    else the UNTC number in its file name), or the one the file says when none is named."""
    title = next((_cell_text(el) for el in root.iter() if _local(el.tag) == "titlesect"), "")
    number = _MTDSG_IN_NAME.search(path.name)
    from_title = _instrument_from_title(title)
    from_name = _find_instrument(number.group(1)) if number else None
    if named is not None:
        chosen = instrument(named)
        said = from_title or (None if title else from_name)
        if (said is not None and said.id != chosen.id) or (
                title and lookup_key(chosen.title) not in lookup_key(title)):
            raise FileRejected(f"this is not the status of {chosen.short_name}: the file is about "
                               f"{said.short_name if said else repr(title[:100])}", file=path.name,
                               hint="check the file, or the instrument named with it")
        return _untc_instrument(chosen, path.name)
    found = from_title or (None if title else from_name)
    if found is None:
        seen = (f"title {title[:100]!r}" if title else f"UNTC number {number.group(1)}" if number
                else "no title and no UNTC number in the file name")
        raise FileRejected(f"cannot tell which tracked instrument this is ({seen})", file=path.name,
                           hint=f"name the instrument: one of {', '.join(_catalogue())}")
    return _untc_instrument(found, path.name)


def _instrument_from_title(title: str) -> Instrument | None:
    """The instrument whose title opens the file's title (after a number such as "12. a)").

    Opening, not containing: the Protocol's title ends with UNTOC's, and so does the title of
    the migrant-smuggling Protocol, which tiphub does not track."""
    key = lookup_key(title)
    for item in _catalogue().values():
        position = key.find(lookup_key(item.title))
        if position >= 0 and _TITLE_NUMBER.fullmatch(key[:position]):
            return item
    return None


def _untc_instrument(item: Instrument, file: str) -> Instrument:
    if item.mtdsg_no is None:
        raise FileRejected(f"{item.short_name} is not deposited with the UN Secretary-General, so it has "
                           "no UN Treaty Collection status file", file=file,
                           hint="read its status from a NORMLEX extract in CSV instead")
    return item


def read_untc_xml(path: Path | str, *, instrument: str | None = None,
                  aliases: Mapping[str, str] | None = None) -> list[TreatyStatus]:
    """Read the UN Treaty Collection status export of one tracked treaty.

    ``instrument`` names the treaty (tiphub id or UNTC number); when omitted it is read from the
    file's title or its UNTC file name ("XVIII-12-a.en.xml"). ``aliases`` maps participant names
    tiphub does not recognise to ISO3 codes. Raises :class:`FileRejected` listing every problem.
    """
    path = Path(path)
    root = _parse_xml(_read_bytes(path), path.name)
    header, rows = _participants_table(root, path.name)
    columns = _columns(header, path.name)
    item = _instrument_of_file(root, path, instrument)
    problems = _Problems(path.name)
    records = _untc_records(rows, header, columns, item, path.name, _checked_aliases(aliases), problems)
    problems.raise_if_any(_ALIAS_HINT if any("not recognised" in p for p in problems.items)
                          else "correct the file, or report the depositary's data as it is")
    return records


def _untc_records(rows: list[list[str]], header: list[str], columns: _Columns, item: Instrument,
                  file: str, aliases: dict[str, str], problems: _Problems) -> list[TreatyStatus]:
    located: list[tuple[str, TreatyStatus]] = []
    unmapped: dict[str, str] = {}
    for number, cells in enumerate(rows, start=1):
        where = f"row {number}"
        if len(cells) != len(header):
            problems.add(f"{where}: {len(cells)} cells where the header has {len(header)}")
            continue
        record = _untc_record(cells, header, columns, item, file, aliases, where, problems, unmapped)
        if record is not None:
            located.append((f"{where} ({record.participant})", record))
    return _checked(located, unmapped, problems, empty=None if rows else "the participants table has no rows")


def _untc_record(cells: list[str], header: list[str], columns: _Columns, item: Instrument, file: str,
                 aliases: dict[str, str], where: str, problems: _Problems,
                 unmapped: dict[str, str]) -> TreatyStatus | None:
    name, withdrawn = _participant(cells[0])
    if not name:
        problems.add(f"{where}: no participant name")
        return None
    code = _resolve_participant(name, aliases)
    if code is None:
        unmapped.setdefault(name, where)
    signed = _cell_date(cells, columns.signature, columns.signature_codes, header, where, problems)
    consent = _cell_date(cells, columns.consent, columns.consent_codes, header, where, problems)
    if code is None or signed is False or consent is False:
        return None
    consent_date, consent_code = consent
    consent_type = (columns.consent_codes.get(consent_code, columns.consent_default)
                    if consent_date else None)
    return TreatyStatus(country=code, instrument=item.id, signed=signed[0], consent=consent_date,
                        consent_type=consent_type, withdrawn=withdrawn, source=file, participant=name)


def _cell_date(cells: list[str], index: int, codes: dict[str, str], header: list[str], where: str,
               problems: _Problems) -> tuple[date | None, str] | bool:
    """The date and suffix letter of one cell, or False after reporting why it is unreadable."""
    try:
        value, code = _untc_date(cells[index])
    except ValueError as error:
        problems.add(f"{where}, column {header[index]!r}: {error}")
        return False
    if code and code not in codes:
        known = ", ".join(f"{c} = {k}" for c, k in codes.items()) or "none"
        problems.add(f"{where}, column {header[index]!r}: suffix {code!r} is not explained by the "
                     f"column header (it explains: {known})")
        return False
    return value, code


# -- CSV -------------------------------------------------------------------------------------

CSV_COLUMNS = {
    "country": ("country", "iso3", "country_code", "participant"),
    "instrument": ("instrument",),
    "signature_date": ("signature_date", "signature", "signed"),
    "consent_date": ("consent_date", "consent", "ratification_date"),
    "consent_type": ("consent_type",),
}
_REQUIRED_CSV = ("country", "instrument", "consent_date", "consent_type")
_CSV_DATE_FORMATS = {
    "YYYY-MM-DD": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "D Mon YYYY": re.compile(r"^\d{1,2} [A-Za-z]{3,9}\.? \d{4}$"),
}
_ISO3 = re.compile(r"^[A-Z]{3}$")


def read_status_csv(path: Path | str, *, aliases: Mapping[str, str] | None = None) -> list[TreatyStatus]:
    """Read a CSV of treaty statuses, one row per country and instrument.

    Columns (header names in any case): ``country`` (an ISO3 code, or a country name;
    also accepted as ``iso3``), ``instrument`` (a tiphub id, UNTC number or ILO code such as
    ``P029``), ``signature_date`` (optional column; empty for ILO instruments, which are not
    signed), ``consent_date`` and ``consent_type`` (ratification, acceptance, approval,
    accession, succession, definitive signature, formal confirmation; empty with an empty
    consent date). Dates are written ``2016-11-09`` or ``9 Nov 2016``, one form per file.
    """
    path = Path(path)
    header, rows = _csv_rows(_read_bytes(path), path.name)
    positions = _csv_positions(header, path.name)
    if not rows:
        raise FileRejected("the file has a header but no status rows; nothing was read",
                           file=path.name, hint="one row per country and instrument under the header")
    problems = _Problems(path.name)
    _check_date_formats(rows, header, positions, problems)
    records = _csv_records(rows, header, positions, path.name, _checked_aliases(aliases), problems)
    problems.raise_if_any(_ALIAS_HINT if any("not recognised" in p for p in problems.items)
                          else "correct the rows named above and import the file again")
    return records


def _csv_rows(data: bytes, file: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejected(f"not UTF-8 text (byte {error.start})", file=file,
                           hint="save the file as 'CSV UTF-8'") from None
    first_line = (text.splitlines() or [""])[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader, [])]
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error:  # the message may quote the file: say where, not what
        raise FileRejected(f"not a readable CSV file (line {reader.line_num})", file=file,
                           hint="save the file as 'CSV UTF-8'; a cell with a line break "
                                "must be in double quotes") from None
    return header, rows


def _csv_positions(header: list[str], file: str) -> dict[str, int]:
    folded = [name.strip().lower().replace(" ", "_") for name in header]
    positions = {}
    for column, names in CSV_COLUMNS.items():
        index = next((i for i, name in enumerate(folded) if name in names), None)
        if index is not None:
            positions[column] = index
    missing = [column for column in _REQUIRED_CSV if column not in positions]
    if missing:
        raise FileRejected(f"missing column(s) {', '.join(missing)}; found {', '.join(header) or 'none'}",
                           file=file, hint="columns: country (or iso3), instrument, signature_date, "
                                           "consent_date, consent_type")
    return positions


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _check_date_formats(rows: list[tuple[int, list[str]]], header: list[str], positions: dict[str, int],
                        problems: _Problems) -> None:
    """One date form per file: a file mixing them was put together by hand, and a day/month
    slip is then likely somewhere. Unknown forms (09/11/2016: which is the day?) are refused."""
    used: dict[str, list[str]] = {}
    for line, row in rows:
        for column in ("signature_date", "consent_date"):
            text = _cell(row, positions.get(column))
            if not text:
                continue
            where = f"row {line}, column {header[positions[column]]!r}"
            form = next((name for name, pattern in _CSV_DATE_FORMATS.items() if pattern.match(text)), None)
            if form is None:
                problems.add(f"{where}: {text!r} is not a date written YYYY-MM-DD or '9 Nov 2016'")
            else:
                used.setdefault(form, []).append(where)
    if len(used) > 1:
        minority = min(used, key=lambda form: len(used[form]))
        summary = ", ".join(f"{len(places)} written {form}" for form, places in used.items())
        problems.add(f"mixed date formats ({summary}); the {minority} ones are at "
                     f"{'; '.join(used[minority][:10])}")


def _csv_date(text: str) -> date | None:
    if not text:
        return None
    if _CSV_DATE_FORMATS["YYYY-MM-DD"].match(text):
        return date.fromisoformat(text)
    value, _ = _untc_date(text)
    return value


def _csv_records(rows: list[tuple[int, list[str]]], header: list[str], positions: dict[str, int],
                 file: str, aliases: dict[str, str], problems: _Problems) -> list[TreatyStatus]:
    located: list[tuple[str, TreatyStatus]] = []
    unmapped: dict[str, str] = {}
    for line, row in rows:
        where = f"row {line}"
        if len(row) > len(header):
            problems.add(f"{where}: {len(row)} cells where the header has {len(header)}")
            continue
        record = _csv_record(row, header, positions, file, aliases, where, problems, unmapped)
        if record is not None:
            located.append((where, record))
    return _checked(located, unmapped, problems, empty=None if rows else "the file has a header but no rows")


def _checked(located: list[tuple[str, TreatyStatus]], unmapped: dict[str, str], problems: _Problems,
             empty: str | None) -> list[TreatyStatus]:
    """The file-level checks every reader ends with: unknown names, no rows, dates, duplicates."""
    if unmapped:
        problems.add(_unmapped_problem(unmapped))
    if empty:
        problems.add(empty)
    for where, record in located:
        for message in _date_problems(record, where):
            problems.add(message)
    for message in _duplicate_problems(located):
        problems.add(message)
    return [record for _, record in located]


def _csv_country(text: str, aliases: dict[str, str]) -> str | None:
    if _ISO3.match(text):
        try:
            return country_by_iso3(text).iso3
        except KeyError:
            return None
    return EUROPEAN_UNION if text == EUROPEAN_UNION else _resolve_participant(text, aliases)


def _csv_record(row: list[str], header: list[str], positions: dict[str, int], file: str,
                aliases: dict[str, str], where: str, problems: _Problems,
                unmapped: dict[str, str]) -> TreatyStatus | None:
    name = _cell(row, positions["country"])
    code = _csv_country(name, aliases) if name else None
    if not name:
        problems.add(f"{where}, column {header[positions['country']]!r}: empty")
    elif code is None:
        unmapped.setdefault(name, where)
    found = _find_instrument(_cell(row, positions["instrument"]))
    if found is None:
        problems.add(f"{where}, column {header[positions['instrument']]!r}: unknown instrument "
                     f"{_cell(row, positions['instrument'])!r} (one of: {', '.join(_catalogue())})")
    consent_type = _csv_consent_type(row, header, positions, where, problems)
    try:
        signed = _csv_date(_cell(row, positions.get("signature_date")))
        consent = _csv_date(_cell(row, positions["consent_date"]))
    except ValueError:
        return None  # already reported by _check_date_formats
    if code is None or found is None or consent_type is False:
        return None
    return TreatyStatus(country=code, instrument=found.id, signed=signed, consent=consent,
                        consent_type=consent_type, source=file, participant=name)


def _csv_consent_type(row: list[str], header: list[str], positions: dict[str, int], where: str,
                      problems: _Problems) -> str | None | bool:
    """The consent type, None when there is no consent date, False after reporting."""
    text = " ".join(_cell(row, positions["consent_type"]).lower().split())
    has_date = bool(_cell(row, positions["consent_date"]))
    column = header[positions["consent_type"]]
    if not text and not has_date:
        return None
    if has_date and not text:
        problems.add(f"{where}, column {column!r}: empty, but there is a consent date")
        return False
    if not has_date:
        problems.add(f"{where}, column {column!r}: {text!r} given without a consent date")
        return False
    if text not in CONSENT_TYPES:
        problems.add(f"{where}, column {column!r}: {text!r} is not one of {', '.join(CONSENT_TYPES)}")
        return False
    return text


# -- the status table ------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusTable:
    """Status per country x instrument; a country with no record for an instrument has a
    ``TreatyStatus`` with status "none" and no source, so the table has no holes.

    ``sources`` names, per instrument, the files its records came from: an instrument with
    none has no data, and its "none" cells mean "not known" rather than "not a party"."""

    countries: tuple[str, ...]
    instruments: tuple[str, ...]
    cells: dict[tuple[str, str], TreatyStatus]
    sources: dict[str, tuple[str, ...]]

    def cell(self, country_code: str, instrument_id: str) -> TreatyStatus:
        return self.cells[(country_code, instrument_id)]

    def rows(self) -> list[tuple[str, list[TreatyStatus]]]:
        """One row per country, its cells in the order of ``instruments``."""
        return [(c, [self.cells[(c, i)] for i in self.instruments]) for c in self.countries]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per instrument, how many countries are party, signatory or neither."""
        return {i: {s: sum(1 for c in self.countries if self.cells[(c, i)].status == s) for s in STATUSES}
                for i in self.instruments}


def status_table(records: Iterable[TreatyStatus], countries: Iterable[str] | None = None,
                 instruments: Iterable[str] | None = None) -> StatusTable:
    """Lay records out per country x instrument.

    With ``countries`` (ISO3 codes, or :data:`EUROPEAN_UNION`) the table has exactly those rows,
    countries without a record included as "none"; without it, one row per participant met in
    the records. ``instruments`` (ids, UNTC numbers or ILO codes) defaults to the tracked
    instruments the records cover, in catalogue order. Two different records for the same cell
    (from two files that disagree) raise :class:`InvalidInput` naming both sources.
    """
    merged = _merge(records)
    covered = {i for _, i in merged}
    columns = (tuple(dict.fromkeys(instrument(i).id for i in instruments)) if instruments is not None
               else tuple(i for i in _catalogue() if i in covered))
    rows = (tuple(dict.fromkeys(_country_code(c) for c in countries)) if countries is not None
            else tuple(sorted({code for code, _ in merged})))
    cells = {(c, i): merged.get((c, i)) or TreatyStatus(country=c, instrument=i)
             for c in rows for i in columns}
    sources = {i: tuple(sorted({r.source for (_, ri), r in merged.items() if ri == i and r.source}))
               for i in columns}
    return StatusTable(countries=rows, instruments=columns, cells=cells, sources=sources)


def _merge(records: Iterable[TreatyStatus]) -> dict[tuple[str, str], TreatyStatus]:
    merged: dict[tuple[str, str], TreatyStatus] = {}
    for record in records:
        key = (record.country, record.instrument)
        seen = merged.get(key)
        if seen is None:
            merged[key] = record
        elif _facts(seen) != _facts(record):
            raise InvalidInput(
                f"{record.country}, {record.instrument}: {seen.source or 'one record'} and "
                f"{record.source or 'another record'} disagree",
                hint="import only the newer of the two files")
    return merged


def _facts(record: TreatyStatus) -> tuple:
    return record.signed, record.consent, record.consent_type, record.withdrawn
