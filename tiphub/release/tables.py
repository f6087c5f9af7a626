"""Noisy tables for a fixed, public workload: Gaussian noise, a budget split, consistent counts.

Why a fixed workload: every table and every key (from the vocabularies: all sexes, age
bands, years of the release's range, ISO countries) is decided before the data is read, so
a key's presence reveals nothing and the whole release is one composition of Gaussian
mechanisms whose cost is known up front.

How (each step post-processes the previous one, so only step 2 costs privacy):

1. **Budget split.** Table ``t`` with ``m_t`` cells and weight ``w_t`` gets
   ρ_t ∝ (w_t·m_t)^{2/3}. Each record falls in exactly one cell of each table (L2
   sensitivity 1), so σ_t = 1/√(2ρ_t) and the expected total absolute error
   Σ_t w_t·m_t·σ_t·√(2/π) is minimal under Σ ρ_t = ρ (Lagrange: ρ_t^{3/2} ∝ w_t·m_t).
2. **Measure** every table with the discrete Gaussian mechanism (OpenDP).
3. **Margins.** Each attribute's 1-way margin, and the grand total, is the
   inverse-variance weighted mean of what every table says about it (a table of m_t
   cells gives a margin cell of variance (m_t/size)·σ_t²), projected to ``≥ 0``.
4. **Project** each table onto ``{x ≥ 0, its 1-way margins = the shared ones}`` by least
   squares (:func:`tiphub.release.consistency.project`) — far better than clipping and
   renormalising on sparse tables (the benchmark measures both).
5. **Round** to integers keeping the total and the first attribute's margin exactly; the
   other margins are published as the sums of the published cells, so they add up.

Each cell carries the standard deviation of its measurement (σ_t) and the 95 % half-width
1.96·σ_t; a cell is *flagged* when that half-width reaches its value (the noise could be
as large as the count). ``present(k)`` shows counts under ``k`` as ``<k``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tiphub.errors import InvalidInput
from tiphub.release.accounting import gaussian_sigma
from tiphub.release.consistency import clip_and_renormalise, project, round_preserving, round_table
from tiphub.release.data import Frame
from tiphub.release.noise import Noise, noise_source

__all__ = ["WORKLOAD", "Measurement", "NoisyTable", "TableRelease", "TableSpec", "allocate",
           "gaussian_optimum_mae", "measure", "postprocess", "release_tables", "workload"]

Z95 = 1.959963984540054


@dataclass(frozen=True)
class TableSpec:
    """A table of the public workload: counts of records by the named attributes."""

    name: str
    title: str
    attributes: tuple[str, ...]
    weight: float = 1.0


_FLAG_TABLES = (("isForcedLabour", "forced labour"), ("isSexualExploit", "sexual exploitation"),
                ("isOtherExploit", "other exploitation"))

# Sex is first wherever it appears, so its margin is exact and equal in every table.
WORKLOAD: dict[str, TableSpec] = {s.name: s for s in (
    TableSpec("sex-age", "Detected victims by sex and age band", ("gender", "ageBroad")),
    *(TableSpec(f"forms-{col}", f"Detected victims of {label} by sex", ("gender", col))
      for col, label in _FLAG_TABLES),
    TableSpec("trends", "Detected victims by sex and year of registration",
              ("gender", "yearOfRegistration")),
    TableSpec("duration", "Detected victims by sex and duration of exploitation",
              ("gender", "traffickMonths")),
    TableSpec("citizenship", "Detected victims by citizenship", ("citizenship",)),
    TableSpec("exploitation", "Detected victims by country of exploitation",
              ("CountryOfExploitation",)),
    TableSpec("flows", "Detected victims by citizenship and country of exploitation",
              ("citizenship", "CountryOfExploitation")),
)}


def workload(names: Sequence[str] | None = None) -> list[TableSpec]:
    """The named tables of :data:`WORKLOAD` (all when ``names`` is None); unknown names refused."""
    if names is None:
        return list(WORKLOAD.values())
    unknown = [n for n in names if n not in WORKLOAD]
    if unknown or not names:
        raise InvalidInput(f"table(s) outside the public workload: {', '.join(unknown) or '(none)'}",
                           hint=f"accepted: {', '.join(WORKLOAD)}")
    return [WORKLOAD[n] for n in dict.fromkeys(names)]


def allocate(specs: Sequence[TableSpec], sizes: Sequence[int], rho: float) -> list[float]:
    """ρ per table, ∝ (weight·cells)^{2/3}: minimises the expected total absolute error."""
    shares = np.array([(s.weight * m) ** (2 / 3) for s, m in zip(specs, sizes, strict=True)])
    return list(rho * shares / shares.sum())


def gaussian_optimum_mae(sizes: Sequence[int], rho: float) -> float:
    """Expected mean absolute error per cell of the Gaussian mechanism on tables of these
    sizes with the best split of ``rho`` (no post-processing): the benchmark's yardstick."""
    m = np.asarray(sizes, dtype=float)
    shares = m ** (2 / 3) / (m ** (2 / 3)).sum()
    sigma = 1 / np.sqrt(2 * rho * shares)
    return float((m * sigma).sum() * math.sqrt(2 / math.pi) / m.sum())


@dataclass(frozen=True)
class Measurement:
    """One table measured with noise (internal: the unprojected counts are never published)."""

    spec: TableSpec
    domains: tuple[tuple[str, ...], ...]
    noisy: np.ndarray
    sigma: float
    rho: float


def measure(frame: Frame, specs: Sequence[TableSpec], rho: float, noise: Noise) -> list[Measurement]:
    """Step 1-2: split ``rho`` and add discrete Gaussian noise to every table of ``specs``."""
    if rho <= 0:
        raise InvalidInput("the tables need a positive share of the privacy budget")
    for spec in specs:
        for a in spec.attributes:
            frame.position(a)
    sizes = [int(np.prod(frame.shape(s.attributes))) for s in specs]
    out = []
    for spec, r in zip(specs, allocate(specs, sizes, rho), strict=True):
        sigma = gaussian_sigma(r)
        noisy = noise.gaussian(frame.marginal(spec.attributes), sigma)
        out.append(Measurement(spec, tuple(frame.attribute(a).domain for a in spec.attributes),
                               noisy, sigma, r))
    return out


@dataclass(frozen=True)
class NoisyTable:
    """A published table: integer counts by the keys of its attributes, with error bars."""

    name: str
    title: str
    attributes: tuple[str, ...]
    domains: tuple[tuple[str, ...], ...]
    counts: np.ndarray  # integers ≥ 0, shape = domain sizes
    sd: float  # standard deviation of each cell's noise
    rho: float

    @property
    def half_width(self) -> float:
        """95 % half-width of each cell's noise."""
        return Z95 * self.sd

    @property
    def flagged(self) -> np.ndarray:
        """Cells whose 95 % error bar reaches their value: the noise may exceed the count."""
        return self.counts <= self.half_width

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def margin(self, attribute: str) -> np.ndarray:
        axis = self.attributes.index(attribute)
        return self.counts.sum(axis=tuple(a for a in range(self.counts.ndim) if a != axis))

    def present(self, k: int | None = None) -> list[dict[str, object]]:
        """One dict per cell (keys, count, error bar, flag); counts under ``k`` shown as ``<k``."""
        out: list[dict[str, object]] = []
        for idx in np.ndindex(*self.counts.shape):
            n = int(self.counts[idx])
            shown: object = f"<{k}" if k is not None and n < k else n
            out.append({**{a: d[i] for a, d, i in zip(self.attributes, self.domains, idx, strict=True)},
                        "count": shown, "sd": round(self.sd, 2), "ci95": round(self.half_width, 2),
                        "flagged": bool(self.flagged[idx])})
        return out


@dataclass
class TableRelease:
    tables: dict[str, NoisyTable]
    rho: float
    margins: dict[str, np.ndarray] = field(default_factory=dict)  # shared integer 1-way margins
    secure: bool = True  # False when the noise came from a seed (tests, benchmarks)


def _shared_margins(measurements: Sequence[Measurement]) -> tuple[float, dict[str, np.ndarray]]:
    """Step 3: inverse-variance weighted total and 1-way margins, projected to be ≥ 0."""
    tot_num = tot_den = 0.0
    num: dict[str, np.ndarray] = {}
    den: dict[str, float] = {}
    for m in measurements:
        size = m.noisy.size
        var_total = size * m.sigma**2
        tot_num += m.noisy.sum() / var_total
        tot_den += 1 / var_total
        for axis, a in enumerate(m.spec.attributes):
            marg = m.noisy.sum(axis=tuple(x for x in range(m.noisy.ndim) if x != axis))
            var = size / marg.size * m.sigma**2
            num[a] = num.get(a, 0) + marg / var
            den[a] = den.get(a, 0) + 1 / var
    total = max(tot_num / tot_den, 0.0)
    margins = {a: project(num[a] / den[a], {(): np.array(total)}) for a in num}
    return total, margins


def postprocess(measurements: Sequence[Measurement], method: str = "projection") -> TableRelease:
    """Steps 3-5 (``method="projection"``), or the naive ``"clip"``: negatives to zero and
    rescale to the shared total, then round (the baseline the benchmark compares against)."""
    if method not in ("projection", "clip"):
        raise InvalidInput(f"unknown post-processing {method!r}", hint="accepted: projection, clip")
    total, margins = _shared_margins(measurements)
    int_total = int(round(total))
    int_margins = {a: round_preserving(v, int_total) for a, v in margins.items()}
    tables = {}
    for m in measurements:
        attrs = m.spec.attributes
        if method == "projection":
            x = project(m.noisy, {(i,): margins[a] for i, a in enumerate(attrs)})
        else:
            x = clip_and_renormalise(m.noisy, total)
        counts = round_table(x, int_margins[attrs[0]] if method == "projection"
                             else round_preserving(x.sum(axis=tuple(range(1, x.ndim))), int_total))
        tables[m.spec.name] = NoisyTable(m.spec.name, m.spec.title, attrs, m.domains, counts,
                                         m.sigma, m.rho)
    return TableRelease(tables, sum(m.rho for m in measurements), int_margins)


def release_tables(frame: Frame, rho: float, names: Sequence[str] | None = None, *,
                   seed: int | None = None, method: str = "projection") -> TableRelease:
    """Measure and post-process the workload tables ``names`` (all by default) with ``rho``.

    ``seed=None`` draws the noise from OpenDP (real releases); a seed makes it reproducible
    and *not* private against anyone who knows the seed (tests, benchmarks, demos).
    """
    noise = noise_source(seed)
    release = postprocess(measure(frame, workload(names), rho, noise), method)
    release.secure = noise.secure
    return release
