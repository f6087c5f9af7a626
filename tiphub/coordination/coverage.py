"""Coverage and gaps: who does what where, counted; where several do the same; where nobody does.

Pure computation over programmes (the rows :func:`tiphub.store.coordination.programmes`
returns, or mappings with the same fields) and, for the gaps, over *published* counts of
detected victims (what :meth:`tiphub.Hub.stats` shows: rounded, small cells as ``<k``). Nothing
here reads the database, and nothing here ever sees a raw count of victims.

A **place** is a country and optionally its first administrative level (``adm1 == ""``: the
whole country, or an activity that names no region). An activity is **active** in a period when
its own period intersects it; an activity without dates is active always, one with only a start
(or only an end) is open on the other side.

- :func:`matrix`: per place × pillar × intervention type, the distinct implementing
  organisations, the activities, people targeted and reached (in total and by sex × age), and
  reached / targeted over the activities that report both.
- :func:`overlaps`: several organisations doing the same type of intervention in the same place
  in overlapping periods. An activity for the whole country is present in each of its regions,
  so a national campaign and a regional one of another organisation overlap in that region.
- :func:`gaps`: countries where victims are detected (a published count above zero, or withheld
  as ``<k``) but no protection-and-assistance activity runs in the period; and places with
  activities where some pillars have none.
- :func:`country_status`: one status per country for a map-like view.

>>> from datetime import date
>>> rows = [{"organisation": "a", "code": "1", "name": "Shelter", "pillar": "protection",
...          "intervention": "shelter", "country": "GBR", "adm1": None,
...          "start_date": date(2024, 1, 1), "end_date": None, "targeted": 10, "reached": 8}]
>>> cell = matrix(rows, period=Period.year(2024))[0]
>>> cell["organisations"], cell["reached"], cell["coverage"]
(1, 8, 0.8)
>>> matrix(rows, period=Period.year(2023))
[]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tiphub.coordination import vocab
from tiphub.vocab import geo

#: The pillar whose absence, where victims are detected, is a gap.
PROTECTION = "protection"
#: Sex × age cells of targeted and reached (``targeted_f_children``...).
SEX_AGE = ("f_children", "f_adults", "m_children", "m_adults")
#: Country statuses for the map-like view, most urgent first.
STATUSES = ("gap", "covered", "activities", "none_detected")

_MIN, _MAX = date.min, date.max


@dataclass(frozen=True)
class Period:
    """A closed period of days; ``None`` on either side is open."""

    start: date | None = None
    end: date | None = None

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def intersects(self, start: date | None, end: date | None) -> bool:
        return (start or _MIN) <= (self.end or _MAX) and (self.start or _MIN) <= (end or _MAX)

    def as_dict(self) -> dict[str, str | None]:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None}


ALWAYS = Period()


def _get(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name, None)


def _place(row: Any) -> tuple[str, str]:
    return _get(row, "country"), _get(row, "adm1") or ""


def active(row: Any, period: Period = ALWAYS) -> bool:
    """Whether an activity runs at some time in ``period`` (no dates: always)."""
    return period.intersects(_get(row, "start_date"), _get(row, "end_date"))


def select(programmes: Iterable[Any], *, country: str | None = None,
           period: Period = ALWAYS, pillar: str | None = None) -> list[Any]:
    """The activities matching the filters (country ISO3, period, pillar code)."""
    return [p for p in programmes
            if (country is None or _get(p, "country") == country)
            and (pillar is None or _get(p, "pillar") == pillar)
            and active(p, period)]


def place_label(country: str, adm1: str) -> str:
    try:
        name = geo.country_by_iso3(country).name
    except KeyError:
        name = country
    return f"{name}: {adm1}" if adm1 else name


# -- the matrix -------------------------------------------------------------------------------


def _sum(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _people(rows: list[Any], suffix: str) -> dict[str, Any]:
    targeted = _sum(_get(r, "targeted" + suffix) for r in rows)
    reached = _sum(_get(r, "reached" + suffix) for r in rows)
    both = [r for r in rows if _get(r, "targeted" + suffix) is not None
            and _get(r, "reached" + suffix) is not None]
    base = sum(_get(r, "targeted" + suffix) for r in both)
    ratio = round(sum(_get(r, "reached" + suffix) for r in both) / base, 4) if base else None
    return {"targeted": targeted, "reached": reached, "coverage": ratio}


def matrix(programmes: Iterable[Any], *, country: str | None = None,
           period: Period = ALWAYS, pillar: str | None = None) -> list[dict[str, Any]]:
    """One cell per place × pillar × intervention type with at least one active activity,
    sorted by country, region (the whole country first), pillar and intervention in the
    vocabulary's order.

    ``targeted`` and ``reached`` add up what the activities report (``None`` when none
    reports); ``coverage`` is reached / targeted over the activities reporting both (so an
    activity that reports only its target does not pull coverage down), ``None`` when there is
    no such activity or its targets are zero. ``by_sex_age`` holds the same three figures for
    girls, women, boys and men."""
    groups: dict[tuple[str, str, str, str], list[Any]] = defaultdict(list)
    for row in select(programmes, country=country, period=period, pillar=pillar):
        groups[(*_place(row), _get(row, "pillar"), _get(row, "intervention"))].append(row)
    cells = []
    for (iso3, adm1, pillar_code, intervention), rows in groups.items():
        orgs = sorted({_get(r, "organisation") for r in rows})
        cells.append({
            "country": iso3, "adm1": adm1, "place": place_label(iso3, adm1),
            "pillar": pillar_code, "intervention": intervention,
            "organisations": len(orgs), "organisation_codes": orgs, "activities": len(rows),
            **_people(rows, ""),
            "by_sex_age": {cell: _people(rows, "_" + cell) for cell in SEX_AGE},
        })
    return sorted(cells, key=_cell_order)


def _cell_order(cell: Mapping[str, Any]) -> tuple[Any, ...]:
    return (cell["country"], cell["adm1"], _index("pillars", cell["pillar"]),
            _index("intervention_types", cell["intervention"]))


def _index(name: str, code: str) -> int:
    codes = vocab.codes(name)
    return codes.index(code) if code in codes else len(codes)


# -- overlaps ---------------------------------------------------------------------------------


def _intersection(a: Any, b: Any) -> tuple[date, date] | None:
    start = max(_get(a, "start_date") or _MIN, _get(b, "start_date") or _MIN)
    end = min(_get(a, "end_date") or _MAX, _get(b, "end_date") or _MAX)
    return (start, end) if start <= end else None


def _iso(day: date) -> str | None:
    return None if day in (_MIN, _MAX) else day.isoformat()


def overlaps(programmes: Iterable[Any], *, country: str | None = None,
             period: Period = ALWAYS, pillar: str | None = None) -> list[dict[str, Any]]:
    """Groups of activities of at least two organisations, of the same intervention type, in
    the same place, whose periods overlap (each activity overlapping one of another
    organisation). ``start``/``end`` span the days on which at least two organisations were
    active together (``None``: open)."""
    chosen = select(programmes, country=country, period=period, pillar=pillar)
    by_type: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in chosen:
        by_type[(_get(row, "country"), _get(row, "intervention"))].append(row)
    found = []
    for (iso3, intervention), rows in by_type.items():
        national = [r for r in rows if not _get(r, "adm1")]
        regions = sorted({_get(r, "adm1") for r in rows if _get(r, "adm1")})
        places = [("", national)] + [
            (adm1, national + [r for r in rows if _get(r, "adm1") == adm1]) for adm1 in regions]
        for adm1, members in places:
            for cluster, window in _clusters(members):
                if adm1 and all(not _get(r, "adm1") for r in cluster):
                    continue  # national activities only: reported for the whole country
                found.append(_overlap(iso3, adm1, intervention, cluster, window))
    return sorted(found, key=lambda o: (o["country"], o["adm1"],
                                        _index("intervention_types", o["intervention"]),
                                        o["organisations"]))


def _clusters(rows: list[Any]) -> list[tuple[list[Any], tuple[date, date]]]:
    """Connected groups of activities linked by an overlap with another organisation's."""
    parent = list(range(len(rows)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    windows: dict[int, list[tuple[date, date]]] = defaultdict(list)
    links = []
    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            if _get(rows[i], "organisation") == _get(rows[j], "organisation"):
                continue
            common = _intersection(rows[i], rows[j])
            if common is not None:
                parent[root(i)] = root(j)
                links.append((i, common))
    for i, common in links:
        windows[root(i)].append(common)
    members: dict[int, list[Any]] = defaultdict(list)
    for i, row in enumerate(rows):
        if root(i) in windows:
            members[root(i)].append(row)
    return [(members[r], (min(w[0] for w in ws), max(w[1] for w in ws)))
            for r, ws in windows.items()]


def _overlap(iso3: str, adm1: str, intervention: str, rows: list[Any],
             window: tuple[date, date]) -> dict[str, Any]:
    ordered = sorted(rows, key=lambda r: (_get(r, "organisation"), _get(r, "start_date") or _MIN,
                                          _get(r, "code")))
    return {
        "country": iso3, "adm1": adm1, "place": place_label(iso3, adm1),
        "pillar": _get(rows[0], "pillar"), "intervention": intervention,
        "organisations": sorted({_get(r, "organisation") for r in rows}),
        "start": _iso(window[0]), "end": _iso(window[1]),
        "activities": [{
            "organisation": _get(r, "organisation"), "code": _get(r, "code"),
            "name": _get(r, "name"), "adm1": _get(r, "adm1") or "",
            "start": _iso(_get(r, "start_date") or _MIN), "end": _iso(_get(r, "end_date") or _MAX),
        } for r in ordered],
    }


# -- gaps -------------------------------------------------------------------------------------


def detected(count: Mapping[str, Any] | None) -> bool:
    """Whether a published count says victims were detected: above zero, or withheld (a
    withheld cell is never an empty one: ``<k`` means 1 to k-1)."""
    if not count:
        return False
    return bool(count.get("suppressed")) or (count.get("count") or 0) > 0


def gaps(programmes: Iterable[Any], victims: Mapping[str, Mapping[str, Any]], *,
         country: str | None = None, period: Period = ALWAYS,
         pillar: str | None = None) -> list[dict[str, Any]]:
    """Gaps, most urgent first.

    ``victims`` maps a country (ISO3) to its *published* count of detected victims in the
    period: ``{"count": int | None, "display": str, "suppressed": bool, ...}`` as a protected
    table's cell shows it (extra keys, such as the source, are passed through).

    - ``victims_without_protection``: victims detected in the country, but no
      protection-and-assistance activity active there in the period (anywhere in the country).
      The case records say only the country of exploitation, so the place is the whole country.
    - ``missing_pillars``: for a country with activities in the period, the pillars with no
      activity anywhere in it (``adm1 == ""``); for each of its regions with activities, the
      pillars present elsewhere in the country but not there (activities for the whole country
      count as present in every region). With a ``pillar`` filter, only that pillar is looked
      for.
    """
    active_rows = select(programmes, country=country, period=period)
    out: list[dict[str, Any]] = []
    protected = {_get(r, "country") for r in active_rows if _get(r, "pillar") == PROTECTION}
    if pillar in (None, PROTECTION):
        for iso3 in sorted(victims):
            if (country is None or iso3 == country) and detected(victims[iso3]) \
                    and iso3 not in protected:
                out.append({"kind": "victims_without_protection", "country": iso3, "adm1": "",
                            "place": place_label(iso3, ""), "victims": dict(victims[iso3]),
                            "pillars": [PROTECTION]})
    wanted = [pillar] if pillar else vocab.codes("pillars")
    present: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in active_rows:
        present[_place(row)].add(_get(row, "pillar"))
    countrywide: dict[str, set[str]] = defaultdict(set)
    for (iso3, _adm1), pillars in present.items():
        countrywide[iso3] |= pillars
    places = sorted(set(present) | {(iso3, "") for iso3 in countrywide})
    for iso3, adm1 in places:
        if adm1:  # missing here though present elsewhere in the country
            here = present[(iso3, adm1)] | present.get((iso3, ""), set())
            missing = [p for p in wanted if p not in here and p in countrywide[iso3]]
        else:
            missing = [p for p in wanted if p not in countrywide[iso3]]
        if missing:
            out.append({"kind": "missing_pillars", "country": iso3, "adm1": adm1,
                        "place": place_label(iso3, adm1),
                        "victims": dict(victims[iso3]) if iso3 in victims else None,
                        "pillars": missing})
    return out


def country_status(programmes: Iterable[Any], victims: Mapping[str, Mapping[str, Any]], *,
                   country: str | None = None, period: Period = ALWAYS,
                   pillar: str | None = None) -> list[dict[str, Any]]:
    """Per country with victim figures or activities: ``gap`` (victims detected, no protection
    activity), ``covered`` (victims detected and protection activity), ``activities``
    (activities, no victims detected or no figures), ``none_detected`` (figures say none
    were detected and nothing runs). Countries with neither figures nor activities are left
    out: for them there are no data. Activities are counted with the pillar filter; the gap test
    always looks at protection."""
    rows = select(programmes, country=country, period=period)
    counted = [r for r in rows if pillar is None or _get(r, "pillar") == pillar]
    activities: dict[str, int] = defaultdict(int)
    protection: dict[str, int] = defaultdict(int)
    for r in counted:
        activities[_get(r, "country")] += 1
    for r in rows:
        if _get(r, "pillar") == PROTECTION:
            protection[_get(r, "country")] += 1
    codes = {c for c in victims if country is None or c == country} | set(activities)
    out = []
    for iso3 in sorted(codes):
        found = detected(victims.get(iso3))
        status = ("gap" if found and not protection[iso3] else "covered" if found
                  else "activities" if activities[iso3] else "none_detected")
        try:
            info = geo.country_by_iso3(iso3)
            name, region, subregion = info.name, info.region, info.subregion
        except KeyError:
            name, region, subregion = iso3, "", ""
        out.append({"country": iso3, "name": name, "region": region, "subregion": subregion,
                    "status": status, "activities": activities[iso3],
                    "protection_activities": protection[iso3],
                    "victims": dict(victims[iso3]) if iso3 in victims else None})
    return out


# -- flat rows and CSV ------------------------------------------------------------------------

#: Columns of the matrix as a flat table (CSV): the place, pillar and type, then the figures.
MATRIX_COLUMNS = (
    "country", "adm1", "pillar", "intervention", "organisations", "activities",
    "targeted", "reached", "coverage",
    *(f"{measure}_{cell}" for cell in SEX_AGE for measure in ("targeted", "reached")),
    "organisation_codes",
)


def matrix_rows(cells: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The matrix as flat rows with :data:`MATRIX_COLUMNS` (``None``: not reported)."""
    out = []
    for cell in cells:
        row = {name: cell.get(name) for name in MATRIX_COLUMNS[:9]}
        for part in SEX_AGE:
            for measure in ("targeted", "reached"):
                row[f"{measure}_{part}"] = cell["by_sex_age"][part][measure]
        row["organisation_codes"] = ";".join(cell["organisation_codes"])
        out.append(row)
    return out


def matrix_csv(cells: Iterable[Mapping[str, Any]]) -> str:
    """The matrix as CSV (cells a spreadsheet would run as a formula are neutralised)."""
    import csv
    import io

    from tiphub.stats.export import safe_cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(MATRIX_COLUMNS)
    for row in matrix_rows(cells):
        writer.writerow([safe_cell("" if row[c] is None else str(row[c])) for c in MATRIX_COLUMNS])
    return buf.getvalue()


# -- everything at once -----------------------------------------------------------------------


def coverage(programmes: Iterable[Any], victims: Mapping[str, Mapping[str, Any]] | None = None,
             *, country: str | None = None, period: Period = ALWAYS,
             pillar: str | None = None) -> dict[str, Any]:
    """The matrix, overlaps, gaps and country statuses of the activities matching the filters."""
    rows = list(programmes)
    victims = victims or {}
    filters = {"country": country, "period": period, "pillar": pillar}
    return {
        "matrix": matrix(rows, **filters),
        "overlaps": overlaps(rows, **filters),
        "gaps": gaps(rows, victims, **filters),
        "countries": country_status(rows, victims, **filters),
    }


__all__ = ["ALWAYS", "MATRIX_COLUMNS", "PROTECTION", "SEX_AGE", "STATUSES", "Period", "active",
           "country_status", "coverage", "detected", "gaps", "matrix", "matrix_csv", "matrix_rows",
           "overlaps", "place_label", "select"]
