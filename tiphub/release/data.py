"""Categorical microdata with *public* domains: what the noisy tables and the synthesiser read.

Why public domains: a differentially private release may only show a key (a country, a year)
if the key was known before looking at the data — otherwise the key's mere presence tells
that someone has it. Every :class:`Attribute` therefore carries its full list of codes from
the vocabularies (all ISO 3166 countries, all age bands, ...), whether or not the data uses
them, and a :class:`Frame` stores each value as an index into that list.

The CTDC *global synthetic* format (27 columns, domain.md §2) maps onto a frame one column
to one attribute, so synthetic records come back in exactly that format.

>>> frame = frame_from_ctdc([("2020", "Woman", "18--20", "UKR", "POL", "", *[""] * 21)],
...                         years=range(2019, 2022))
>>> frame.n, frame.codes(["gender", "ageBroad"])
(1, {'gender': 'Woman', 'ageBroad': '18--20'})
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from tiphub.errors import InvalidInput

__all__ = ["Attribute", "Frame", "ctdc_attributes", "frame_from_ctdc", "frame_to_rows",
           "read_ctdc_csv", "write_ctdc_csv", "DEFAULT_YEARS"]

BLANK = ""
FLAG = (BLANK, "1")
DEFAULT_YEARS = range(2002, 2026)  # CTDC's first registrations to now: public, not from the data
_ALIASES = {"ageBroad": {"09--17": "9--17"}}


@dataclass(frozen=True)
class Attribute:
    """A column and every value it may take (the public domain), in a fixed order."""

    name: str
    domain: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.domain)

    def index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.domain)}


@dataclass(frozen=True)
class Frame:
    """``n`` records × attributes, values stored as domain indices (``data[:, j]``)."""

    attributes: tuple[Attribute, ...]
    data: np.ndarray  # shape (n, len(attributes)), integer indices

    def __post_init__(self) -> None:
        if self.data.ndim != 2 or self.data.shape[1] != len(self.attributes):
            raise ValueError("data must have one column per attribute")
        sizes = np.array([a.size for a in self.attributes])
        if self.data.size and (self.data.min() < 0 or (self.data.max(axis=0) >= sizes).any()):
            raise ValueError("a value index lies outside its attribute's domain")

    @property
    def n(self) -> int:
        return int(self.data.shape[0])

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.attributes)

    def attribute(self, name: str) -> Attribute:
        return self.attributes[self.position(name)]

    def position(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise InvalidInput(f"no column {name!r} in this data",
                               hint=f"columns: {', '.join(self.names)}") from None

    def shape(self, names: Sequence[str]) -> tuple[int, ...]:
        return tuple(self.attribute(n).size for n in names)

    def marginal(self, names: Sequence[str]) -> np.ndarray:
        """Counts of every combination of the named attributes (an array of their domain sizes)."""
        shape = self.shape(names)
        if not names:
            return np.array(float(self.n))
        flat = np.ravel_multi_index(tuple(self.data[:, self.position(n)] for n in names), shape)
        return np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape).astype(float)

    def select(self, names: Sequence[str]) -> Frame:
        cols = [self.position(n) for n in names]
        return Frame(tuple(self.attributes[c] for c in cols), self.data[:, cols])

    def codes(self, names: Sequence[str], row: int = 0) -> dict[str, str]:
        """The codes of one record (for doctests and small checks — never print real records)."""
        return {n: self.attribute(n).domain[self.data[row, self.position(n)]] for n in names}


@cache
def _countries() -> tuple[str, ...]:
    from tiphub.vocab import geo

    return tuple(c.iso3 for c in geo.countries())


def ctdc_attributes(years: Iterable[int] = DEFAULT_YEARS, edition: str = "2024") -> tuple[Attribute, ...]:
    """The 27 CTDC global-synthetic columns with their public domains (blank = not recorded)."""
    from tiphub.demo import ctdc_columns
    from tiphub.demo.ctdc import AGE_BROAD, GENDERS, TRAFFICK_MONTHS

    years = tuple(str(y) for y in years)
    if not years:
        raise InvalidInput("the year range of a release must not be empty")
    names = ctdc_columns(edition)
    countries = (*_countries(), BLANK)
    fixed = {0: (*years, BLANK), 1: GENDERS, 2: AGE_BROAD, 3: countries, 4: countries,
             5: TRAFFICK_MONTHS}
    return tuple(Attribute(name, tuple(fixed.get(i, FLAG))) for i, name in enumerate(names))


def frame_from_ctdc(rows: Iterable[Sequence[str]], *, years: Iterable[int] = DEFAULT_YEARS,
                    edition: str = "2024") -> Frame:
    """Encode CTDC global-synthetic rows (27 strings each, no header) against public domains.

    A value outside its domain is refused with the row and column named, never the value.
    """
    attributes = ctdc_attributes(years, edition)
    lookups = [{**a.index(), **{k: a.index()[v] for k, v in _ALIASES.get(a.name, {}).items()}}
               for a in attributes]
    out: list[list[int]] = []
    for r, row in enumerate(rows, start=1):
        if len(row) != len(attributes):
            raise InvalidInput(f"row {r} has {len(row)} columns, the CTDC format has {len(attributes)}")
        try:
            out.append([lk[v.strip()] for lk, v in zip(lookups, row, strict=True)])
        except KeyError:
            bad = next(a.name for a, lk, v in zip(attributes, lookups, row, strict=True)
                       if v.strip() not in lk)
            raise InvalidInput(f"row {r}: a value of column {bad!r} is outside its vocabulary",
                               hint="years must lie in the release's year range; countries are "
                                    "ISO alpha-3; flags are 1 or blank") from None
    data = np.array(out, dtype=np.int32).reshape(len(out), len(attributes))
    return Frame(attributes, data)


def read_ctdc_csv(path: Path, *, years: Iterable[int] = DEFAULT_YEARS) -> Frame:
    """Read a CTDC global-synthetic CSV (with its header, either edition) into a frame."""
    from tiphub.demo.ctdc import EDITIONS

    with Path(path).open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = tuple(next(reader, ()))
        edition = next((e for e, cols in EDITIONS.items() if cols == header), None)
        if edition is None:
            raise InvalidInput(f"{Path(path).name} is not a CTDC global synthetic file",
                               hint="the header must be the 27 columns of the 2024 codebook")
        return frame_from_ctdc(reader, years=years, edition=edition)


def frame_to_rows(frame: Frame) -> Iterator[tuple[str, ...]]:
    """Decode a frame back to rows of strings, in the frame's column order."""
    domains = [np.array(a.domain, dtype=object) for a in frame.attributes]
    decoded = [d[frame.data[:, j]] for j, d in enumerate(domains)]
    for i in range(frame.n):
        yield tuple(col[i] for col in decoded)


def write_ctdc_csv(frame: Frame, path: Path) -> Path:
    """Write a frame with the header of its column names (the CTDC header for CTDC frames)."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(frame.names)
        writer.writerows(frame_to_rows(frame))
    return path
