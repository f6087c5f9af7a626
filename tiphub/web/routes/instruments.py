"""The instruments page: which countries are party to UNTOC, the Palermo trafficking Protocol,
OPSC and ILO P029 — a tile map per instrument and the status table with dates, filtered by
country or region (public) — and the form with which hub administrators import status files."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from babel.dates import format_date
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from tiphub.accounts import ANONYMOUS, Principal, allowed
from tiphub.api.deps import HubDep
from tiphub.api.uploads import instruments_upload
from tiphub.coordination import treaties
from tiphub.errors import TiphubError
from tiphub.hub import Hub
from tiphub.reports.tilemap import tile_map_svg, tile_positions
from tiphub.vocab import geo
from tiphub.web import i18n
from tiphub.web.dashboard import country as country_name
from tiphub.web.dashboard import region_options
from tiphub.web.deps import MaybeUser, User
from tiphub.web.i18n import N_, _, core
from tiphub.web.pages import render

router = APIRouter()
Param = Annotated[str, Query(max_length=100)]

#: What the page says for each status (the Hub's labels are English).
STATUS_NAMES = {
    "party": N_("Party"),
    "signatory": N_("Signed, not a party"),
    "none": N_("Not a party"),
    "withdrawn": N_("Withdrawn"),
    "unknown": N_("No data"),
}
CONSENT_NAMES = {
    "ratification": N_("ratification"),
    "acceptance": N_("acceptance"),
    "approval": N_("approval"),
    "accession": N_("accession"),
    "succession": N_("succession"),
    "definitive signature": N_("definitive signature"),
    "formal confirmation": N_("formal confirmation"),
}
FORMATS = (
    ("auto", N_("Tell from the file")),
    ("untc-xml", N_("UN Treaty Collection status (XML)")),
    ("csv", N_("CSV")),
)


def _may_import(who: Principal | None) -> bool:
    return who is not None and allowed(who, "instruments:manage")


def _status_key(row: dict[str, Any]) -> str:
    if not row["known"] and not row["recorded"]:
        return "unknown"
    return "withdrawn" if row["withdrawn"] else row["status"]


def _day(iso: str | None) -> str:
    if not iso:
        return ""
    return format_date(date.fromisoformat(iso), format="medium", locale=i18n.locale(i18n.current()))


def _cell(row: dict[str, Any]) -> dict[str, Any]:
    """One cell of the table: the status in words and its dates."""
    key = _status_key(row)
    return {
        "key": key,
        "status": _(STATUS_NAMES[key]),
        "consent_type": _(CONSENT_NAMES[row["consent_type"]]) if row["consent_type"] else "",
        "signed": row["signed"],
        "consent": row["consent"],
        "signed_text": _day(row["signed"]),
        "consent_text": _day(row["consent"]),
        "source": row["source"] if row["recorded"] else None,
    }


def _region(code: str) -> str:
    if code == treaties.EUROPEAN_UNION:
        return "Europe"
    try:
        return geo.country_by_iso3(code).region
    except KeyError:
        return ""


def _label(code: str) -> str:
    return _("European Union") if code == treaties.EUROPEAN_UNION else country_name(code)


def _maps(rows: list[dict[str, Any]], highlight: str | None) -> list[dict[str, Any]]:
    """One tile map per instrument with data: party, signed only, not a party (or not listed)."""
    legend = [
        ("party", _("Party")),
        ("signatory", _("Signed, not a party")),
        ("none", _("Not a party, or not listed")),
    ]
    maps = []
    for item in treaties.instruments():
        mine = [r for r in rows if r["instrument"] == item.id]
        if not any(r["known"] for r in mine):
            maps.append({"instrument": item, "svg": None})
            continue
        values = dict.fromkeys(tile_positions(), "none")
        values.update({r["country"]: r["status"] for r in mine if r["country"] in values})
        title = _("%(instrument)s: parties and signatories", instrument=item.short_name)
        maps.append(
            {
                "instrument": item,
                "svg": tile_map_svg(values, legend, title=title, highlight=highlight),
                "parties": sum(1 for r in mine if r["status"] == "party"),
            }
        )
    return maps


def _page(
    request: Request,
    hub: Hub,
    who: Principal | None,
    where: str = "",
    region: str = "",
    status: int = 200,
    **extra: Any,
) -> Response:
    reader = who or ANONYMOUS
    rows = hub.instrument_status(reader)
    error = hint = None
    chosen: str | None = None
    if where:
        try:
            chosen = hub.instrument_status(reader, country=where)[0]["country"]
        except TiphubError as exc:
            error, hint, status = core(exc.message), core(exc.hint), exc.http_status
    codes = list(dict.fromkeys(r["country"] for r in rows))
    shown = [c for c in codes if (chosen is None or c == chosen) and (not region or _region(c) == region)]
    if chosen is not None and chosen not in codes:  # a country with nothing recorded: its four rows
        rows = rows + hub.instrument_status(reader, country=chosen)
        shown = [chosen]
    by_country: dict[str, dict[str, Any]] = {}
    for r in rows:
        by_country.setdefault(r["country"], {})[r["instrument"]] = _cell(r)
    table = [
        {"code": c, "name": _label(c), "cells": [by_country[c][i.id] for i in treaties.instruments()]}
        for c in sorted(shown, key=lambda c: (c == treaties.EUROPEAN_UNION, _label(c)))
    ]
    context = {
        "instruments": treaties.instruments(),
        "sources": hub.instrument_sources(reader),
        "table": table,
        "total": len(codes),
        "maps": _maps(rows, chosen),
        "filters": {"country": where, "region": region},
        "countries": sorted(((c, _label(c)) for c in codes), key=lambda p: p[1]),
        "regions": region_options(),
        "may_import": _may_import(who),
        "formats": [(k, _(v)) for k, v in FORMATS],
        "instruments_options": [(i.id, i.short_name) for i in treaties.instruments()],
        "error": error,
        "hint": hint,
        "notice": None,
        "report": None,
        "form": {},
        **extra,
    }
    return render(request, "instruments.html", status=status, **context)


@router.get("/instruments")
def page(request: Request, hub: HubDep, who: MaybeUser, country: Param = "", region: Param = "") -> Response:
    """The status table and maps; no sign-in needed."""
    return _page(request, hub, who, country.strip(), region.strip())


@router.post("/instruments")
def upload(
    request: Request,
    hub: HubDep,
    who: User,
    file: Annotated[UploadFile | None, File()] = None,
    instrument: Annotated[str, Form(max_length=32)] = "",
    format: Annotated[str, Form(max_length=16)] = "auto",
) -> Response:
    """Import a status file (hub administrators); the page again, with what happened."""
    form = {"instrument": instrument, "format": format}
    if file is None or not file.filename:
        return _page(request, hub, who, status=422, form=form, error=_("Choose a file to upload."))
    try:
        report = instruments_upload(
            hub, file.file, file.filename, instrument=instrument or None, format=format, principal=who
        )
    except TiphubError as exc:
        if exc.http_status == 401:
            raise
        return _page(
            request, hub, who, status=exc.http_status, form=form, error=core(exc.message), hint=core(exc.hint)
        )
    notice = _(
        "%(file)s imported: %(records)s participants, %(created)s added, %(updated)s updated, "
        "%(unchanged)s unchanged.",
        file=report["file"],
        records=report["records"],
        created=report["created"],
        updated=report["updated"],
        unchanged=report["unchanged"],
    )
    return _page(request, hub, who, notice=notice, report=report)
