"""A CTDC-style *global synthetic* file (27 columns), streamed in bounded memory.

Rows are generated in fixed blocks of :data:`BLOCK` rows; block ``b`` draws from its own
random stream (``SeedSequence(seed, spawn_key=(0, b))``), so the output depends only on
the seed and the row count: not on the chunk size, and the first ``n`` rows of a larger
file are the same as a file of ``n`` rows. Each row is assembled from four precomputed
string tables (year/gender/age, citizenship/country, duration/means, the other flags),
so the per-row Python work is one string concatenation.

>>> rows = list(iter_ctdc_synthetic(3, seed=7))
>>> len(rows), len(rows[0])
(3, 27)
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np

from . import calibration as cal
from .countries import flows
from .sampling import Cases, sample_cases, sample_countries

BLOCK = 16_384
_STREAM = 0

COLUMNS_2024 = (
    "yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
    "traffickMonths", "meansDebtBondageEarnings", "meansThreats", "meansAbusePsyPhySex",
    "meansFalsePromises", "meansDrugsAlcohol", "meansDenyBasicNeeds",
    "meansExcessiveWorkHours", "meansWithholdDocs", "isForcedLabour", "isSexualExploit",
    "isOtherExploit", "typeOfLabourAgriculture", "typeOfLabourConstruction",
    "typeOfLabourDomesticWork", "typeOfLabourHospitality", "typeOfSexProstitution",
    "typeOfSexPornography", "recruiterRelationIntimatePartner", "recruiterRelationFriend",
    "recruiterRelationFamily", "recruiterRelationOther",
)
EDITIONS = {
    "2024": COLUMNS_2024,
    "sector": tuple(c.replace("typeOfLabour", "sectorOfLabour").replace("typeOfSex", "sectorOfSex")
                    for c in COLUMNS_2024),
}

GENDERS = ("Woman", "Man", "Trans/Transgender/NonConforming", "")
AGE_BROAD = ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47",
             "48+", "")
TRAFFICK_MONTHS = ("0--12 (0-1 yr)", "13--24 (1-2 yrs)", "25+ (2+ yrs)", "")


def columns(edition: str = "2024") -> tuple[str, ...]:
    """The 27 column names of an edition (``"2024"`` or ``"sector"``)."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown CTDC edition {edition!r}; accepted: {', '.join(EDITIONS)}")
    return EDITIONS[edition]


def _flags(bits: int, width: int) -> str:
    return ",".join("1" if bits >> k & 1 else "" for k in range(width))


@cache
def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """String pieces of a row: year/gender/age, citizenship/country, months/means, flags."""
    a = [f"{y},{g},{age}," for y in cal.YEARS for g in GENDERS for age in AGE_BROAD]
    codes = (*flows().codes, "")
    bc = [f"{c},{e}," for c in codes for e in codes]
    de = [f"{m},{_flags(bits, 8)}," for m in TRAFFICK_MONTHS for bits in range(256)]
    f = [f"{_flags(fb, 3)},{_flags(lb, 4)},{_flags(sb, 2)},{_flags(rb, 4)}"
         for fb in range(8) for lb in range(16) for sb in range(4) for rb in range(16)]
    return tuple(np.array(t, dtype=object) for t in (a, bc, de, f))  # type: ignore[return-value]


def _bits(flags: np.ndarray) -> np.ndarray:
    return (flags.astype(np.int64) << np.arange(flags.shape[1])).sum(axis=1)


def _blank(rng: np.random.Generator, n: int, key: str) -> np.ndarray:
    return rng.random(n) < cal.MISSING[key]


def _block_indices(seed: int, block: int) -> tuple[np.ndarray, ...]:
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(_STREAM, block))))
    n = BLOCK
    cases: Cases = sample_cases(rng, n)
    origin, dest = sample_countries(rng, cases.form)
    none = len(flows().codes)
    gender = np.where(_blank(rng, n, "gender"), 3, cases.gender)
    band = np.where(_blank(rng, n, "age"), 9, cases.band)
    origin = np.where(_blank(rng, n, "citizenship"), none, origin)
    dest = np.where(_blank(rng, n, "exploitation_country"), none, dest)
    months = np.where(_blank(rng, n, "duration"), 3, cases.duration)
    means = np.where(_blank(rng, n, "means_group"), 0, _bits(cases.means))
    forms_known = ~_blank(rng, n, "forms_group")
    forms = np.where(forms_known, _bits(cases.forms[:, [1, 0, 2]]), 0)
    labour_known = forms_known & ~_blank(rng, n, "labour_group_given_labour")
    labour = np.where(labour_known, _bits(cases.sectors[:, :4]), 0)
    sex_known = forms_known & ~_blank(rng, n, "sex_group_given_sexual")
    sex = np.where(sex_known, _bits(cases.sex_types), 0)
    recruiters = np.where(_blank(rng, n, "recruiter_group"), 0, _bits(cases.recruiters))
    year = cases.year - cal.YEARS[0]
    return (
        (year * len(GENDERS) + gender) * len(AGE_BROAD) + band,
        origin * (none + 1) + dest,
        months * 256 + means,
        ((forms * 16 + labour) * 4 + sex) * 16 + recruiters,
    )


def _blocks(rows: int, seed: int) -> Iterator[list[list[str]]]:
    """Per block, the four lists of row pieces (the last block cut to ``rows``)."""
    if rows < 0:
        raise ValueError("rows must be zero or more")
    if seed < 0:
        raise ValueError("seed must be zero or more")
    tables = _tables()
    for block in range(-(-rows // BLOCK)):
        keep = min(BLOCK, rows - block * BLOCK)
        idx = _block_indices(seed, block)
        yield [t[i[:keep]].tolist() for t, i in zip(tables, idx, strict=True)]


def iter_ctdc_synthetic(rows: int, *, seed: int = 2024) -> Iterator[tuple[str, ...]]:
    """The rows :func:`write_ctdc_synthetic` writes, as tuples of 27 strings (no header)."""
    for a, bc, de, f in _blocks(rows, seed):
        for line in map("".join, zip(a, bc, de, f, strict=True)):
            yield tuple(line.split(","))


def write_ctdc_synthetic(path: Path, rows: int, *, seed: int = 2024, edition: str = "2024",
                         chunk: int = 100_000) -> Path:
    """Write ``rows`` synthetic CTDC rows (plus the header) to ``path``, ``chunk`` rows a write.

    Memory stays bounded by ``chunk`` plus one block, whatever ``rows`` is.

    >>> import tempfile
    >>> out = write_ctdc_synthetic(Path(tempfile.mkdtemp()) / "ctdc.csv", 10)
    >>> len(out.read_text().splitlines())
    11
    """
    header = columns(edition)
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(header) + "\n")
        buffer: list[str] = []
        for a, bc, de, f in _blocks(rows, seed):
            buffer.extend(map("".join, zip(a, bc, de, f, ["\n"] * len(a), strict=True)))
            full = len(buffer) - len(buffer) % chunk
            for start in range(0, full, chunk):
                out.write("".join(buffer[start:start + chunk]))
            buffer = buffer[full:]
        out.write("".join(buffer))
    return path
