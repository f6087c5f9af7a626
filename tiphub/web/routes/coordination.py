"""Coordination pages: the public directory of organisations and national mechanisms (with the
forms to edit an entry and add a mechanism), and programmes and activities (5W) — filters,
people targeted and reached by sex and age, budgets, HXL and Excel downloads, the HXL import
form, each programme's page and its delete button. The Hub decides who may; the pages only
choose what to offer."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from tiphub.accounts import ANONYMOUS, Principal, allowed
from tiphub.api.deps import HubDep
from tiphub.api.uploads import programmes_upload
from tiphub.coordination import vocab
from tiphub.errors import Forbidden, InvalidInput, NotFound
from tiphub.hub import Hub
from tiphub.records import Organisation, Programme
from tiphub.vocab.codes import htcds
from tiphub.web.deps import MaybeUser, User
from tiphub.web.i18n import N_, _, core
from tiphub.web.imports import import_form, managed
from tiphub.web.pages import render
from tiphub.web.views import country

router = APIRouter()
Param = Annotated[str, Query(max_length=100)]
Field = Annotated[str | None, Form(max_length=4000)]
Code = Annotated[str, Path(max_length=64)]
ProgrammeId = Annotated[int, Path(ge=1, le=2**63 - 1)]

#: The coordination vocabulary's labels (tiphub/vocab/data/coordination.json), marked for
#: translation; a test checks that every code of the vocabulary is here with the same label.
NAMES: dict[str, dict[str, str]] = {
    "directory_kinds": {
        "organisation": N_("Organisation (government agency, NGO, international organisation, "
                           "business)"),
        "national_rapporteur": N_("National rapporteur or equivalent mechanism"),
        "national_coordinator": N_("National coordinator (or coordinating body)"),
        "referral_mechanism": N_("National referral mechanism"),
    },
    "pillars": {
        "prevention": N_("Prevention"),
        "protection": N_("Protection and assistance"),
        "prosecution": N_("Prosecution"),
        "partnership": N_("Partnership"),
    },
    "intervention_types": {
        "awareness_raising": N_("Awareness raising"),
        "training_frontline": N_("Training of front-line officials (health, labour, social, "
                                 "border)"),
        "training_law_enforcement": N_("Training of law enforcement and criminal justice "
                                       "officials"),
        "victim_identification": N_("Victim identification"),
        "shelter": N_("Shelter and safe accommodation"),
        "health_care": N_("Medical and psychological care"),
        "legal_aid": N_("Legal aid and representation"),
        "interpretation": N_("Interpretation"),
        "reintegration": N_("Reintegration and livelihoods"),
        "repatriation": N_("Safe return and repatriation"),
        "compensation": N_("Compensation and remedies"),
        "helpline": N_("Helpline and hotline"),
        "investigation": N_("Investigation and prosecution support"),
        "law_reform": N_("Law and policy reform"),
        "supply_chain_due_diligence": N_("Supply-chain due diligence"),
        "ethical_recruitment": N_("Fair and ethical recruitment"),
        "online_recruitment_monitoring": N_("Monitoring of online recruitment"),
        "data_collection": N_("Data collection and research"),
        "coordination": N_("Coordination and referral mechanisms"),
        "international_cooperation": N_("International and cross-border cooperation"),
        "other": N_("Other"),
    },
    "funding_sources": {
        "public": N_("National or local public budget"),
        "bilateral": N_("Bilateral donor"),
        "multilateral": N_("Multilateral donor or UN agency"),
        "trust_fund": N_("UN Voluntary Trust Fund for Victims of Trafficking"),
        "private": N_("Private donors, foundations or businesses"),
        "own": N_("The implementer's own funds"),
        "mixed": N_("Several sources"),
    },
    "sexes": {"f": N_("Women and girls"), "m": N_("Men and boys")},
    "age_groups": {"children": N_("Children (under 18)"), "adults": N_("Adults (18 and over)")},
}
#: The four sex × age cells of people targeted and reached, as the pages name them.
CELLS = (("f_children", N_("Girls")), ("f_adults", N_("Women")), ("m_children", N_("Boys")),
         ("m_adults", N_("Men")))
DONE = {"deleted": N_("The programme is deleted."), "saved": N_("The directory entry is saved."),
        "added": N_("The national mechanism is added to the directory.")}


def label(names: str, code: str | None) -> str:
    """A vocabulary code's label in the page's language ("–" for none)."""
    if not code:
        return "–"
    known = NAMES.get(names, {})
    if code in known:
        return _(known[code])
    try:
        return core(vocab.label(names, code))
    except KeyError:
        return code


def options(names: str) -> list[tuple[str, str]]:
    return [(code, label(names, code)) for code in vocab.codes(names)]


def _helpers() -> dict[str, Any]:
    return {"label": label, "CELLS": CELLS}


# -- the directory (public) ---------------------------------------------------------------


def _entry(hub: Hub, code: str, who: Principal) -> Organisation:
    for entry in hub.directory(principal=who):
        if entry.code == code:
            return entry
    raise NotFound("no such directory entry", hint="see the directory")


def _may_edit(who: Principal | None, entry: Organisation) -> bool:
    return who is not None and allowed(who, "directory:manage", entry.id)


def _is_admin(who: Principal | None) -> bool:
    """Hub administrators: kind, type, country and membership, and new entries."""
    return who is not None and allowed(who, "directory:manage")


def _directory_page(request: Request, hub: Hub, who: Principal | None, kind: str, where: str,
                    status: int = 200, **extra: Any) -> Response:
    reader = who or ANONYMOUS
    everything = hub.directory(principal=reader)
    error = hint = None
    try:
        entries = hub.directory(kind=kind or None, country=where or None, principal=reader)
    except (InvalidInput, NotFound) as exc:
        entries, error, hint, status = [], core(exc.message), core(exc.hint), 422
    countries = sorted({e.country for e in everything if e.country}, key=country)
    context = {
        "entries": entries, "total": len(everything), "filters": {"kind": kind, "country": where},
        "kinds": options("directory_kinds"), "countries": [(c, country(c)) for c in countries],
        "may_add": _is_admin(who), "org_types": sorted(htcds()["org_Type"]), "form": {},
        "error": error, "hint": hint, "notice": None, **_helpers(), **extra,
    }
    return render(request, "directory.html", status=status, **context)


@router.get("/directory")
def directory(request: Request, hub: HubDep, who: MaybeUser, kind: Param = "",
              country: Param = "") -> Response:
    """Organisations and national mechanisms; no sign-in needed."""
    return _directory_page(request, hub, who, kind.strip(), country.strip())


def _yes_no(value: str | None) -> bool | None:
    return None if value in (None, "") else value == "yes"


@router.post("/directory")
def add_mechanism(request: Request, hub: HubDep, who: User,
                  code: Annotated[str, Form(max_length=64)] = "",
                  name: Annotated[str, Form(max_length=200)] = "",
                  kind: Annotated[str, Form(max_length=32)] = "",
                  where: Annotated[str, Form(alias="country", max_length=60)] = "",
                  mandate: Field = None, contact_email: Field = None, website: Field = None,
                  member: Annotated[str, Form(max_length=3)] = "no") -> Response:
    """Add a national mechanism (or another entry) to the directory: hub administrators."""
    form = {"code": code, "name": name, "kind": kind, "country": where, "mandate": mandate or "",
            "contact_email": contact_email or "", "website": website or "", "member": member}
    code = code.strip().lower()
    try:
        if not _is_admin(who):
            raise Forbidden("not allowed: directory:manage",
                            hint="hub administrators add directory entries")
        if any(e.code == code for e in hub.directory(principal=who)):
            raise InvalidInput(_("The code %(code)s is already in the directory.", code=code),
                               hint=_("Choose another code, or edit that entry on its page."))
        if not kind:
            raise InvalidInput(_("Choose the kind of entry."))
        hub.update_directory_entry(code, name=name, kind=kind, country=where, mandate=mandate,
                                   contact_email=contact_email, website=website,
                                   member=_yes_no(member), principal=who)
    except (InvalidInput, NotFound) as exc:
        return _directory_page(request, hub, who, "", "", status=exc.http_status, form=form,
                               error=core(exc.message), hint=core(exc.hint))
    return RedirectResponse(f"/directory/{code}?done=added", status_code=303)


def _entry_page(request: Request, hub: Hub, who: Principal | None, code: str,
                status: int = 200, **extra: Any) -> Response:
    entry = _entry(hub, code, who or ANONYMOUS)
    programmes = (hub.programmes(org=entry.code, principal=who)
                  if who is not None and allowed(who, "programmes:read") else None)
    context = {"entry": entry, "programmes": programmes, "may_edit": _may_edit(who, entry),
               "is_admin": _is_admin(who), "kinds": options("directory_kinds"),
               "org_types": sorted(htcds()["org_Type"]), "form": None, "error": None,
               "hint": None, "notice": None, **_helpers(), **extra}
    return render(request, "directory_entry.html", status=status, **context)


@router.get("/directory/{code}")
def entry(request: Request, code: Code, hub: HubDep,
          who: MaybeUser, done: Annotated[str, Query(max_length=20)] = "") -> Response:
    """One directory entry, and for signed-in members the programmes it implements."""
    notice = _(DONE[done]) if done in DONE else None
    return _entry_page(request, hub, who, code, notice=notice)


@router.post("/directory/{code}")
def edit_entry(request: Request, code: Code, hub: HubDep,
               who: User, name: Annotated[str | None, Form(max_length=200)] = None,
               mandate: Field = None, contact_email: Field = None, website: Field = None,
               kind: Annotated[str | None, Form(max_length=32)] = None,
               type: Annotated[str | None, Form(max_length=64)] = None,
               where: Annotated[str | None, Form(alias="country", max_length=60)] = None,
               member: Annotated[str | None, Form(max_length=3)] = None) -> Response:
    """Change an entry: its organisation's administrators (name, mandate, contacts) and hub
    administrators (also kind, type, country, membership). Fields not sent stay as they are."""
    current = _entry(hub, code, who)
    form = {"name": name, "mandate": mandate, "contact_email": contact_email,
            "website": website, "kind": kind, "type": type, "country": where, "member": member}
    try:
        hub.update_directory_entry(current.code, name=name, mandate=mandate,
                                   contact_email=contact_email, website=website,
                                   kind=kind or None, type=type or None, country=where,
                                   member=_yes_no(member), principal=who)
    except (InvalidInput, NotFound) as exc:
        shown = {k: v for k, v in form.items() if v is not None}
        return _entry_page(request, hub, who, current.code, status=exc.http_status, form=shown,
                           error=core(exc.message), hint=core(exc.hint))
    return RedirectResponse(f"/directory/{current.code}?done=saved", status_code=303)


# -- programmes and activities (5W) -------------------------------------------------------


def _year(text: str) -> int | None:
    if not text:
        return None
    if not (text.isdigit() and len(text) == 4):
        raise InvalidInput(_("The year is four digits, for example 2024."))
    return int(text)


def summary(found: list[Programme]) -> dict[str, Any]:
    """People targeted and reached by sex and age, and budgets by currency, over ``found``."""
    people: dict[str, dict[str, int]] = {m: defaultdict(int) for m in ("targeted", "reached")}
    for p in found:
        for measure in people:
            for cell, _name in (*CELLS, ("", "")):
                value = getattr(p, f"{measure}_{cell}" if cell else measure)
                if value is not None:
                    people[measure][cell or "total"] += value
    budgets: dict[str, float] = defaultdict(float)
    for p in found:
        if p.budget is not None and p.currency:
            budgets[p.currency] += p.budget
    return {"people": people, "budgets": sorted(budgets.items())}


def _programmes_page(request: Request, hub: Hub, who: Principal, filters: dict[str, str],
                     status: int = 200, **extra: Any) -> Response:
    everything = hub.programmes(principal=who)
    error = hint = None
    try:
        found = hub.programmes(country=filters["country"] or None,
                               pillar=filters["pillar"] or None,
                               intervention=filters["intervention"] or None,
                               org=filters["org"] or None, year=_year(filters["year"]),
                               principal=who)
    except (InvalidInput, NotFound) as exc:
        found, error, hint, status = [], core(exc.message), core(exc.hint), 422
    query = urlencode({k: v for k, v in filters.items() if v})
    countries = sorted({p.country for p in everything}, key=country)
    context = {
        "programmes": found, "total": len(everything), "filters": filters, "query": query,
        "summary": summary(found), "countries": [(c, country(c)) for c in countries],
        "pillars": options("pillars"), "interventions": options("intervention_types"),
        "implementers": sorted(((e.code, e.name) for e in hub.directory(principal=who)
                                if e.code in {p.organisation for p in everything}),
                               key=lambda pair: pair[1].casefold()),
        "managed": managed(hub, who), "chosen_org": "", "report": None, "problems": None,
        "error": error, "hint": hint, "notice": None, **_helpers(), **extra,
    }
    return render(request, "programmes.html", status=status, **context)


def _filters(country: str = "", pillar: str = "", intervention: str = "", org: str = "",
             year: str = "") -> dict[str, str]:
    return {"country": country.strip(), "pillar": pillar.strip(),
            "intervention": intervention.strip(), "org": org.strip(), "year": year.strip()}


@router.get("/programmes")
def programmes(request: Request, hub: HubDep, who: User, country: Param = "", pillar: Param = "",
               intervention: Param = "", org: Param = "", year: Param = "",
               done: Annotated[str, Query(max_length=20)] = "") -> Response:
    """Who does what where: every programme of the space, filtered (every member)."""
    notice = _(DONE[done]) if done in DONE else None
    return _programmes_page(request, hub, who, _filters(country, pillar, intervention, org, year),
                            notice=notice)


@router.post("/programmes/import")
def import_programmes(request: Request, hub: HubDep, who: User,
                      org: Annotated[str, Form(max_length=64)] = "",
                      file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Import an HXL-tagged CSV for an organisation: every row, or none and every problem."""
    def page(**answer: Any) -> Response:
        return _programmes_page(request, hub, who, _filters(), **answer)

    def upload(f: UploadFile) -> Any:
        return programmes_upload(hub, f.file, f.filename, org=org, principal=who)

    return import_form(page, upload, hub, who, org, file)


@router.get("/programmes/{programme_id:int}")
def programme(request: Request, programme_id: ProgrammeId, hub: HubDep, who: User) -> Response:
    """One programme: who, what, where, when, for whom, how many, with what money."""
    found = hub.programme(programme_id, principal=who)
    directory = {e.code: e for e in hub.directory(principal=who)}
    implementer = directory.get(found.organisation)
    may_delete = implementer is not None and allowed(who, "programmes:manage", implementer.id)
    return render(request, "programme.html", programme=found, implementer=implementer,
                  directory=directory, may_delete=may_delete, error=None, hint=None,
                  **_helpers())


@router.post("/programmes/{programme_id:int}/delete")
def delete_programme(programme_id: ProgrammeId, hub: HubDep,
                     who: User) -> Response:
    """Delete a programme (the implementer's data stewards and administrators, hub
    administrators); the Hub refuses everyone else."""
    hub.delete_programme(programme_id, principal=who)  # refusals: the 403 and 404 pages
    return RedirectResponse("/programmes?done=deleted", status_code=303)


__all__ = ["router", "label", "summary", "NAMES"]
