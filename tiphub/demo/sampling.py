"""Vectorised sampling of the true (latent) attributes of trafficking cases.

Both the CTDC-style global file and the national demo start from :func:`sample_cases`;
each then decides what a source *records* (blanks, partial flag groups).

>>> import numpy as np
>>> cases = sample_cases(np.random.default_rng(1), 5)
>>> cases.gender.shape
(5,)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import calibration as cal
from .countries import flows


@dataclass(frozen=True)
class Cases:
    """One array per attribute, one row per case (indices into the calibration tables)."""

    year: np.ndarray         # int, a calendar year
    gender: np.ndarray       # 0 female, 1 male, 2 other
    child: np.ndarray        # bool
    band: np.ndarray         # index into calibration.AGE_BANDS
    form: np.ndarray         # main form: 0 sexual, 1 labour, 2 other
    forms: np.ndarray        # bool (n, 3): sexual, labour, other
    sectors: np.ndarray      # bool (n, 5): calibration.SECTORS (only for labour)
    sex_types: np.ndarray    # bool (n, 2): prostitution, pornography (only for sexual)
    means: np.ndarray        # bool (n, 8): calibration.MEANS
    recruiters: np.ndarray   # bool (n, 4): calibration.RECRUITERS
    duration: np.ndarray     # index into calibration.DURATION_BANDS

    def __len__(self) -> int:
        return len(self.year)


def categorical(rng: np.random.Generator, cum: np.ndarray, rows: np.ndarray | None = None,
                n: int | None = None) -> np.ndarray:
    """Draw indices from cumulative distributions: one ``cum`` for all, or ``cum[rows]``."""
    if rows is None:
        u = rng.random(n)
        return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)
    # One sorted array for all rows: row g's distribution shifted to (g, g + 1].
    groups, width = cum.shape
    flat = (np.minimum(cum, 1.0) + np.arange(groups)[:, None]).ravel()
    u = rng.random(len(rows))
    hit = np.searchsorted(flat, u + rows, side="right") - rows * width
    return np.clip(hit, 0, width - 1)


def _cum(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    cum = np.cumsum(p / p.sum(axis=-1, keepdims=True), axis=-1)
    cum[..., -1] = 1.0
    return cum


_YEAR_CUM = _cum(cal.YEAR_WEIGHTS)
_GENDER_CUM = _cum(cal.GENDER_SHARES)
_CHILD_CUM = _cum(cal.CHILD_BAND_SHARES)
_ADULT_CUM = _cum(cal.ADULT_BAND_SHARES)
_FORM_CUM = _cum(cal.FORM_SHARES)
_SECTOR_CUM = _cum(cal.SECTOR_SHARES)
_SEX_TYPE_CUM = _cum(cal.SEX_TYPE_SHARES)
_SEVERITY_CUM = _cum(cal.SEVERITY_SHARES)
_RECRUITER_CUM = _cum(cal.RECRUITER_SHARES)
_DURATION_CUM = _cum(cal.DURATION_SHARES)
_MEANS_CUM = _cum(cal.MEANS_P)


def sample_cases(rng: np.random.Generator, n: int) -> Cases:
    """Sample ``n`` cases: demographics, forms, sectors, means, recruiters, duration, year."""
    year = np.asarray(cal.YEARS)[categorical(rng, _YEAR_CUM, n=n)]
    gender = categorical(rng, _GENDER_CUM, n=n)
    child = rng.random(n) < cal.P_CHILD[gender]
    band = np.where(child, categorical(rng, _CHILD_CUM, n=n),
                    2 + categorical(rng, _ADULT_CUM, n=n))
    form = categorical(rng, _FORM_CUM, gender * 2 + child)
    forms = _forms(rng, form)
    return Cases(
        year=year, gender=gender, child=child, band=band, form=form, forms=forms,
        sectors=_one_or_two(rng, _SECTOR_CUM, gender, cal.P_SECOND_SECTOR) & forms[:, 1:2],
        sex_types=_sex_types(rng, n) & forms[:, 0:1],
        means=_means(rng, form),
        recruiters=_one_or_two(rng, _RECRUITER_CUM, form * 2 + child, cal.P_SECOND_RECRUITER),
        duration=categorical(rng, _DURATION_CUM, form),
    )


def _forms(rng: np.random.Generator, form: np.ndarray) -> np.ndarray:
    n = len(form)
    forms = np.zeros((n, 3), dtype=bool)
    forms[np.arange(n), form] = True
    second = (rng.random(n) < cal.P_SECOND_FORM) & (form != cal.OTHER)
    forms[second, 1 - form[second]] = True
    return forms


def _one_or_two(rng: np.random.Generator, cum: np.ndarray, rows: np.ndarray,
                p_second: float) -> np.ndarray:
    n = len(rows)
    out = np.zeros((n, cum.shape[1]), dtype=bool)
    out[np.arange(n), categorical(rng, cum, rows)] = True
    extra = categorical(rng, cum, rows)
    second = rng.random(n) < p_second
    out[np.flatnonzero(second), extra[second]] = True
    return out


def _sex_types(rng: np.random.Generator, n: int) -> np.ndarray:
    kind = categorical(rng, _SEX_TYPE_CUM, n=n)
    return np.stack([kind != 1, kind != 0], axis=1)


def _means(rng: np.random.Generator, form: np.ndarray) -> np.ndarray:
    n = len(form)
    severity = cal.SEVERITY[categorical(rng, _SEVERITY_CUM, n=n)]
    p = np.minimum(cal.MEANS_P[form] * severity[:, None], 0.95)
    means = rng.random((n, p.shape[1])) < p
    fallback = categorical(rng, _MEANS_CUM, form)
    none = ~means.any(axis=1)
    means[np.flatnonzero(none), fallback[none]] = True
    return means


def sample_countries(rng: np.random.Generator, form: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Citizenship and country of exploitation (indices into ``flows().codes``) per case."""
    f = flows()
    origin = categorical(rng, f.origin_cum, form)
    dest = categorical(rng, f.dest_cum, origin)
    return origin, dest


def sample_ages(rng: np.random.Generator, band: np.ndarray) -> np.ndarray:
    """Whole years of age, uniform within each band."""
    bounds = np.asarray(cal.AGE_BOUNDS)
    low, high = bounds[band, 0], bounds[band, 1]
    return low + np.floor(rng.random(len(band)) * (high - low + 1)).astype(int)


def sample_months(rng: np.random.Generator, duration: np.ndarray) -> np.ndarray:
    """Whole months of exploitation, skewed towards the start of each band."""
    bounds = np.asarray(cal.DURATION_BANDS)
    low, high = bounds[duration, 0], bounds[duration, 1]
    return low + np.floor(rng.random(len(duration)) ** 1.5 * (high - low + 1)).astype(int)
