"""Dimensions a statistics table can have as rows or columns.

A dimension names the case-record columns it groups by and turns one group's values into keys:
one key for single-valued fields (``not_recorded`` when the source did not record it), any
number for flag groups (multi-response: a record counts once under each form it shows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tiphub.vocab import geo
from tiphub.vocab.codes import ANALYTIC

NOT_RECORDED = "not_recorded"
UNKNOWN = "unknown"
KeyFn = Callable[[tuple[Any, ...]], list[str]]


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    columns: tuple[str, ...]
    keys: KeyFn
    order: tuple[str, ...] = ()  # preferred key order; others follow sorted
    labels: dict[str, str] = field(default_factory=dict)
    multi: bool = False
    countries: bool = False  # keys are ISO3 codes, labelled with country names

    def sort(self, keys: set[str]) -> list[str]:
        first = [k for k in self.order if k in keys]
        rest = sorted(k for k in keys if k not in self.order and k not in (UNKNOWN, NOT_RECORDED))
        tail = [k for k in (UNKNOWN, NOT_RECORDED) if k in keys and k not in first]
        return first + rest + tail

    def label_of(self, key: str) -> str:
        if self.countries and len(key) == 3 and key.isupper():
            try:
                return geo.country_by_iso3(key).name
            except KeyError:
                return key
        return self.labels.get(key) or COMMON_LABELS.get(key) or key

    def known(self, values: tuple[Any, ...]) -> bool:
        """Whether this group of values counts as known for completeness."""
        keys = self.keys(values)
        return bool(keys) and all(k not in (UNKNOWN, NOT_RECORDED) for k in keys)


COMMON_LABELS = {NOT_RECORDED: "Not recorded", UNKNOWN: "Unknown", "total": "Total"}


def _single(column: str, label: str, vocab: str | None = None, *,
            countries: bool = False) -> Dimension:
    codes = ANALYTIC.codes(vocab) if vocab else ()
    return Dimension(
        name=column, label=label, columns=(column,),
        keys=lambda v: [v[0] if v[0] is not None else NOT_RECORDED],
        order=tuple(codes), labels=dict(ANALYTIC.labels.get(vocab or "", {})), countries=countries,
    )


def _age_group(band: Any, majority: Any) -> str:
    if band in ANALYTIC.minor_bands or (band in (None, UNKNOWN) and majority == "minor"):
        return "minor"
    if band in ANALYTIC.adult_bands or (band in (None, UNKNOWN) and majority == "adult"):
        return "adult"
    if band == UNKNOWN or majority == UNKNOWN:
        return UNKNOWN
    return NOT_RECORDED


SEX_AGE = {("female", "adult"): "women", ("female", "minor"): "girls",
           ("male", "adult"): "men", ("male", "minor"): "boys"}


def _sex_age(values: tuple[Any, ...]) -> list[str]:
    gender, band, majority = values
    group = _age_group(band, majority)
    if gender in ("female", "male"):
        return [SEX_AGE.get((gender, group), f"{gender}_age_unknown")]
    if gender == "other":
        return ["other"]
    return [UNKNOWN if gender == UNKNOWN else NOT_RECORDED]


def _flag_dimension(group: str) -> Dimension:
    fg = ANALYTIC.flag_group(group)
    return Dimension(
        name=group, label=fg.label, columns=(f"{group}_yes",),
        keys=lambda v: fg.decode(v[0]) if v[0] else [],
        order=fg.codes, labels=dict(fg.labels), multi=True,
    )


def _year(values: tuple[Any, ...]) -> list[str]:
    year, band = values
    if year is not None:
        return [str(year)]
    return [band] if band else [NOT_RECORDED]


def _flow(values: tuple[Any, ...]) -> list[str]:
    origin, destination, origin_region, destination_region = values
    countries_known = origin not in (None, UNKNOWN) and destination not in (None, UNKNOWN)
    regions_known = origin_region not in (None, UNKNOWN) and destination_region not in (None, UNKNOWN)
    if countries_known and origin == destination:
        return ["domestic"]
    if not regions_known:
        return ["cross_border"] if countries_known else [UNKNOWN]
    if origin_region != destination_region:
        return ["cross_region"]
    # same region: with both countries known it crossed a border, otherwise it may not have
    return ["cross_border_within_region" if countries_known else "within_region"]


DIMENSIONS: dict[str, Dimension] = {
    "total": Dimension("total", "Total", (), lambda v: ["total"]),
    "gender": _single("gender", "Sex", "gender"),
    "age_group": Dimension(
        "age_group", "Age", ("age_band", "majority_status"),
        lambda v: [_age_group(*v)], order=("minor", "adult"),
        labels={"minor": "Children (0–17)", "adult": "Adults (18+)"},
    ),
    "age_band": _single("age_band", "Age band", "age_band"),
    "sex_age": Dimension(
        "sex_age", "Sex and age", ("gender", "age_band", "majority_status"), _sex_age,
        order=("women", "girls", "men", "boys", "female_age_unknown", "male_age_unknown", "other"),
        labels={"women": "Women", "girls": "Girls", "men": "Men", "boys": "Boys",
                "female_age_unknown": "Female, age unknown", "male_age_unknown": "Male, age unknown",
                "other": "Transgender / non-conforming", UNKNOWN: "Sex unknown"},
    ),
    "year": Dimension("year", "Year of registration", ("year", "year_band"), _year),
    "citizenship": _single("citizenship", "Citizenship", countries=True),
    "citizenship_region": _single("citizenship_region", "Region of citizenship"),
    "country_of_exploitation": _single("country_of_exploitation", "Country of exploitation",
                                       countries=True),
    "exploitation_region": _single("exploitation_region", "Region of exploitation"),
    "flow_type": Dimension(
        "flow_type", "Flow", ("citizenship", "country_of_exploitation", "citizenship_region",
                              "exploitation_region"), _flow,
        order=("domestic", "cross_border_within_region", "within_region", "cross_region",
               "cross_border"),
        labels={"domestic": "Domestic", "cross_border_within_region": "Cross-border, same region",
                "within_region": "Same region (countries not known)",
                "cross_region": "Cross-border, other region", "cross_border": "Cross-border"},
    ),
    "data_source": _single("data_source", "Data source", "data_source"),
    "duration_band": _single("duration_band", "Duration of exploitation", "duration_band"),
    "trafficking_status": _single("trafficking_status", "Trafficking status",
                                  "trafficking_status"),
    "organisation": Dimension("organisation", "Organisation", ("organisation_id",),
                              lambda v: [str(v[0])]),
    **{g: _flag_dimension(g) for g in ANALYTIC.groups},
}


def dimension(name: str) -> Dimension:
    return DIMENSIONS[name]


def group_columns(dims: Sequence[Dimension]) -> list[str]:
    """The distinct record columns a set of dimensions needs, in a stable order."""
    out: list[str] = []
    for dim in dims:
        for col in dim.columns:
            if col not in out:
                out.append(col)
    return out
