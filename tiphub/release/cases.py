"""The hub's case records as a CTDC-format :class:`~tiphub.release.data.Frame`.

The inverse of the ``ctdc-synthetic`` import profile: each analytic field that a CTDC
column was imported into is written back to that column. Everything maps directly —
year, sex, age band, citizenship, country of exploitation, duration and the 21 flags —
except what the CTDC format has no column for (other forms, sectors, means), which is
left out. A value the format cannot hold (a year outside the release's public range, a
country code outside ISO 3166, "unknown") becomes blank, CTDC's "not recorded"; flags
are "1" when the record says yes and blank otherwise, as in CTDC's files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tiphub.release.data import DEFAULT_YEARS, Frame, frame_from_ctdc

__all__ = ["CASE_COLUMNS", "ctdc_rows", "frame_from_cases"]

GENDER = {"female": "Woman", "male": "Man", "other": "Trans/Transgender/NonConforming"}
AGE = {"0-8": "0--8", "9-17": "9--17", "18-20": "18--20", "21-23": "21--23", "24-26": "24--26",
       "27-29": "27--29", "30-38": "30--38", "39-47": "39--47", "48+": "48+"}
MONTHS = {"0-12": "0--12 (0-1 yr)", "13-24": "13--24 (1-2 yrs)", "25+": "25+ (2+ yrs)"}
#: the flag columns of the CTDC format, in its order: (case-record group, analytic code)
FLAGS: tuple[tuple[str, str], ...] = (
    ("means", "debt_bondage_earnings"), ("means", "threats"), ("means", "abuse"),
    ("means", "false_promises"), ("means", "psychoactive_substances"),
    ("means", "deny_basic_needs"), ("means", "excessive_working_hours"),
    ("means", "withholds_documents"),
    ("forms", "forced_labour"), ("forms", "sexual_exploitation"), ("forms", "other_exploitation"),
    ("sectors", "agriculture"), ("sectors", "construction"), ("sectors", "domestic_work"),
    ("sectors", "hospitality"), ("sex_types", "prostitution"), ("sex_types", "pornography"),
    ("recruiters", "intimate_partner"), ("recruiters", "friend"), ("recruiters", "family"),
    ("recruiters", "other"),
)
GROUPS = ("means", "forms", "sectors", "sex_types", "recruiters")
#: the case-record columns the adapter reads, in this order
CASE_COLUMNS: tuple[str, ...] = ("year", "gender", "age_band", "citizenship",
                                 "country_of_exploitation", "duration_band",
                                 *(f"{g}_yes" for g in GROUPS))


def ctdc_rows(rows: Iterable[Sequence[Any]], *, years: Iterable[int] = DEFAULT_YEARS
              ) -> list[tuple[str, ...]]:
    """Rows of :data:`CASE_COLUMNS` values as rows of the 27 CTDC strings."""
    from tiphub.release.data import _countries
    from tiphub.vocab.codes import ANALYTIC

    known_years = {int(y) for y in years}
    countries = set(_countries())
    bits = [(GROUPS.index(g), ANALYTIC.flag_group(g).bit(code)) for g, code in FLAGS]
    out = []
    for year, gender, age, citizenship, country, months, *masks in rows:
        masks = [int(m or 0) for m in masks]
        out.append((
            str(year) if year is not None and int(year) in known_years else "",
            GENDER.get(gender or "", ""), AGE.get(age or "", ""),
            citizenship if citizenship in countries else "",
            country if country in countries else "",
            MONTHS.get(months or "", ""),
            *("1" if masks[g] & bit else "" for g, bit in bits),
        ))
    return out


def frame_from_cases(rows: Iterable[Sequence[Any]], *, years: Iterable[int] = DEFAULT_YEARS) -> Frame:
    """A CTDC-format frame of case records given as rows of :data:`CASE_COLUMNS`."""
    years = tuple(years)
    return frame_from_ctdc(ctdc_rows(rows, years=years), years=years)
