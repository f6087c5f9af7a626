"""The Hub's coordination methods (mixed into :class:`tiphub.Hub`): the directory of
organisations and national mechanisms, and programmes and activities (5W) with HXL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from tiphub.accounts.policy import allowed, authorize
from tiphub.accounts.principal import SYSTEM, Principal
from tiphub.coordination import hxl, vocab
from tiphub.coordination.programmes import check
from tiphub.errors import Conflict, FileRejected, Forbidden, InvalidInput, NotFound
from tiphub.records import Organisation, Problem, Programme, ProgrammeImportReport
from tiphub.store import coordination as store
from tiphub.store import repo
from tiphub.vocab import geo
from tiphub.vocab.codes import htcds

if TYPE_CHECKING:
    from tiphub.accounts.service import Accounts
    from tiphub.config import Settings
    from tiphub.store.engine import Database

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://[^\s]+$")
EXPORT_FORMATS = ("csv", "xlsx")


class CoordinationMethods:
    db: Database
    settings: Settings
    accounts: Accounts

    def organisation(self, code: str) -> Organisation:  # provided by Hub
        raise NotImplementedError

    # -- the directory --------------------------------------------------------------------------

    def directory(self, *, kind: str | None = None, country: str | None = None,
                  member: bool | None = None, principal: Principal = SYSTEM) -> list[Organisation]:
        """Organisations and national mechanisms (rapporteurs, coordinators, referral
        mechanisms), by code; public: anyone may read it."""
        authorize(principal, "directory:read")
        if kind is not None and kind not in vocab.codes("directory_kinds"):
            raise InvalidInput(f"unknown kind {kind!r}",
                               hint=f"accepted: {', '.join(vocab.codes('directory_kinds'))}")
        iso3 = geo.iso3_of(country) if country else None
        with self.db.connect() as conn:
            return store.directory(conn, kind=kind, country=iso3, member=member)

    def update_directory_entry(self, code: str, *, name: str | None = None,
                               kind: str | None = None, type: str | None = None,
                               country: str | None = None, mandate: str | None = None,
                               contact_email: str | None = None, website: str | None = None,
                               member: bool | None = None,
                               principal: Principal = SYSTEM) -> Organisation:
        """Create or change a directory entry. ``None`` leaves a field as it is; ``""`` clears
        country, mandate, contact address and website.

        An organisation's administrator may change its own entry's name, mandate and contacts;
        creating entries, and changing kind, type, country or membership, is for hub
        administrators."""
        with self.db.connect() as conn:
            try:
                current: Organisation | None = repo.organisation(conn, code)
            except NotFound:
                current = None
        values = _entry_values(name=name, kind=kind, type=type, country=country, mandate=mandate,
                               contact_email=contact_email, website=website, member=member)
        structural = {"kind", "type", "country", "member"} & set(values)
        try:
            if current is None or structural:
                authorize(principal, "directory:manage")  # hub administrators only
            else:
                authorize(principal, "directory:manage", current.id)
        except Forbidden:
            self.accounts.audit(principal, "directory:update", outcome="denied",
                                target_type="organisation", target_id=code[:64],
                                organisation_id=current.id if current else None)
            raise
        with self.db.begin() as conn:
            if current is None:
                if not repo.CODE.match(code):
                    raise InvalidInput(
                        "a directory code is 1–64 lower-case letters, digits, '-' or '_'",
                        hint="for example: rapporteur-gbr")
                if not values.get("name"):
                    raise InvalidInput(f"a new directory entry {code!r} needs a name",
                                       hint="give --name")
                values.setdefault("type", "CentralGovernmentOrganisation"
                                  if values.get("kind", "organisation") != "organisation" else "NGO")
                try:
                    with conn.begin_nested():
                        entry = store.add_entry(conn, code, values)
                except IntegrityError:
                    raise Conflict(f"directory entry {code!r} already exists") from None
            else:
                entry = store.update_entry(conn, current.id, values)
        self.accounts.audit(principal, "directory:update", target_type="organisation",
                            target_id=entry.id, organisation_id=entry.id,
                            detail={"created": current is None, "fields": sorted(values)})
        return entry

    # -- programmes and activities (5W) ---------------------------------------------------------

    def import_programmes(self, path: Path | str, org: str, *,
                          principal: Principal = SYSTEM) -> ProgrammeImportReport:
        """Import an HXL-tagged 5W CSV for organisation ``org`` (the implementer of rows that
        name none). All or nothing: any error and nothing is stored, and
        :class:`~tiphub.errors.FileRejected` carries every problem (row, column, accepted).
        A row updates the programme with the same implementer and code, or adds one."""
        path = Path(path)
        organisation = importer(self, org, principal, "programmes:import")
        try:
            table = hxl.read(path)
            with self.db.connect() as conn:
                directory = {o.code: o.id for o in repo.organisations(conn)}
            rows, problems = check(table, default_org=org, directory=directory,
                                   may_manage=lambda oid: allowed(principal, "programmes:manage", oid))
            warnings = refuse_errors(table.problems + problems, path.name)
            with self.db.begin() as conn:
                created, updated, unchanged = store.upsert_programmes(conn, rows)
        except FileRejected as exc:
            self.accounts.audit(principal, "programmes:import", outcome="failed",
                                organisation_id=organisation.id,
                                detail={"file": path.name, "problems": len(exc.problems)})
            raise
        report = ProgrammeImportReport(
            file_name=path.name, organisation=org, rows_total=len(rows), created=created,
            updated=updated, unchanged=unchanged, ignored_columns=table.ignored,
            problems=warnings)
        self.accounts.audit(principal, "programmes:import", target_type="organisation",
                            target_id=organisation.id, organisation_id=organisation.id,
                            detail={"file": path.name, "created": created, "updated": updated,
                                    "unchanged": unchanged})
        return report

    def programmes(self, *, country: str | None = None, pillar: str | None = None,
                   intervention: str | None = None, org: str | None = None,
                   year: int | None = None,
                   principal: Principal = SYSTEM) -> list[Programme]:
        """Programmes and activities, filtered by country, pillar, intervention type,
        implementer or year (those running at some time in it: a missing start or end date
        leaves the period open); every member of the space reads them all."""
        authorize(principal, "programmes:read")
        if year is not None and not 1900 <= year <= 2200:
            raise InvalidInput(f"year {year} is out of range", hint="a year such as 2024")
        if pillar is not None and pillar not in vocab.codes("pillars"):
            raise InvalidInput(f"unknown pillar {pillar!r}",
                               hint=f"accepted: {', '.join(vocab.codes('pillars'))}")
        if intervention is not None:
            code = vocab.intervention(intervention)
            if code is None:
                raise InvalidInput("unknown intervention type", hint="accepted: " + ", ".join(
                    vocab.codes("intervention_types")))
            intervention = code
        iso3 = geo.iso3_of(country) if country else None
        org_id = self.organisation(org).id if org else None
        with self.db.connect() as conn:
            return store.programmes(conn, country=iso3, pillar=pillar,
                                    intervention=intervention, org_id=org_id, year=year)

    def programme(self, programme_id: int, *, principal: Principal = SYSTEM) -> Programme:
        """One programme or activity (every member of the space reads it)."""
        authorize(principal, "programmes:read")
        with self.db.connect() as conn:
            found = store.programme(conn, programme_id)
        if found is None:
            raise NotFound(f"no programme {programme_id}", hint="tiphub programmes list")
        return found

    def delete_programme(self, programme_id: int, *, principal: Principal = SYSTEM) -> Programme:
        """Delete a programme with its indicators and measurements: the implementer's data
        stewards and administrators, and hub administrators. Returns what was deleted."""
        with self.db.connect() as conn:
            org_id = store.programme_organisation(conn, programme_id)
        if org_id is None:
            authorize(principal, "programmes:read")  # refused before learning what exists
            raise NotFound(f"no programme {programme_id}", hint="tiphub programmes list")
        try:
            authorize(principal, "programmes:manage", org_id)
        except Forbidden:
            self.accounts.audit(principal, "programmes:delete", outcome="denied",
                                target_type="programme", target_id=programme_id,
                                organisation_id=org_id)
            raise
        with self.db.begin() as conn:
            found = store.programme(conn, programme_id)
            if found is None:  # deleted meanwhile
                raise NotFound(f"no programme {programme_id}")
            store.delete_programme(conn, programme_id)
        self.accounts.audit(principal, "programmes:delete", target_type="programme",
                            target_id=programme_id, organisation_id=org_id,
                            detail={"organisation": found.organisation, "code": found.code})
        return found

    def programmes_export(self, format: str = "csv", *, principal: Principal = SYSTEM,
                          **filters: Any) -> bytes:
        """The programmes (filtered like :meth:`programmes`) as HXL CSV or Excel bytes."""
        if format not in EXPORT_FORMATS:
            raise InvalidInput(f"unknown export format {format!r}", hint="accepted: csv, xlsx")
        found = self.programmes(principal=principal, **filters)
        data = hxl.to_csv(found) if format == "csv" else hxl.to_xlsx(found)
        self.accounts.audit(principal, "programmes:export", target_type="programmes",
                            target_id=format,
                            detail={"rows": len(found)} | {k: v for k, v in filters.items() if v})
        return data

    def export_programmes(self, path: Path | str, format: str | None = None, *,
                          principal: Principal = SYSTEM, **filters: Any) -> Path:
        """Write the programmes to ``path``: HXL CSV, or Excel for ``.xlsx`` (``format``
        overrides the file's suffix)."""
        target = Path(path)
        chosen = format or target.suffix.lower().lstrip(".") or "csv"
        data = self.programmes_export(chosen, principal=principal, **filters)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target


def importer(hub: Any, org: str, principal: Principal, audit_action: str) -> Organisation:
    """``org``, if ``principal`` may manage its programmes (and their logframes); a refusal
    is audited as ``audit_action``."""
    organisation = hub.organisation(org)
    try:
        authorize(principal, "programmes:manage", organisation.id)
    except Forbidden:
        hub.accounts.audit(principal, audit_action, outcome="denied",
                           target_type="organisation", target_id=organisation.id,
                           organisation_id=organisation.id)
        raise
    return organisation


def refuse_errors(problems: list[Problem], file: str) -> list[Problem]:
    """Refuse an imported file that has any error (:class:`FileRejected` lists every one, and
    nothing is stored); otherwise return its warnings."""
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        rows_with = len({p.row for p in errors if p.row is not None})
        raise FileRejected(
            f"{len(errors)} problem(s)" + (f" in {rows_with} row(s)" if rows_with else "")
            + "; nothing was stored", file=file, problems=errors,
            hint="fix every problem listed and import the whole file again")
    return [p for p in problems if p.severity != "error"]


def _entry_values(**given: Any) -> dict[str, Any]:
    """The columns to write, checked (None: not given)."""
    values: dict[str, Any] = {}
    if (name := given["name"]) is not None:
        if not name.strip() or len(name) > 200:
            raise InvalidInput("a name is 1–200 characters")
        values["name"] = name.strip()
    if (kind := given["kind"]) is not None:
        if kind not in vocab.codes("directory_kinds"):
            raise InvalidInput(f"unknown kind {kind!r}",
                               hint=f"accepted: {', '.join(vocab.codes('directory_kinds'))}")
        values["kind"] = kind
    if (type_ := given["type"]) is not None:
        if type_ not in htcds()["org_Type"]:
            raise InvalidInput(f"unknown organisation type {type_!r}",
                               hint=f"accepted: {', '.join(htcds()['org_Type'])}")
        values["type"] = type_
    if (country := given["country"]) is not None:
        values["country"] = geo.iso3_of(country) if country else None
    if (mandate := given["mandate"]) is not None:
        if len(mandate) > 4000:
            raise InvalidInput("a mandate is at most 4000 characters")
        values["mandate"] = mandate.strip() or None
    if (email := given["contact_email"]) is not None:
        if email and (len(email) > 254 or not EMAIL.match(email)):
            raise InvalidInput("the contact is not an e-mail address",
                               hint="the institution's public address, e.g. info@rapporteur.example")
        values["contact_email"] = email or None
    if (website := given["website"]) is not None:
        if website and (len(website) > 500 or not URL.match(website)):
            raise InvalidInput("the website is not an http(s) address",
                               hint="for example: https://rapporteur.example")
        values["website"] = website or None
    if given["member"] is not None:
        values["member"] = bool(given["member"])
    return values
