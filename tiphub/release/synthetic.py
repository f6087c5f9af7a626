"""Synthetic microdata from differentially private marginals (MST), sampled from a tree model.

The method is MST (McKenna, Miklau & Sheldon, *Winning the NIST Contest*, JPC 2021), with
the graphical-model step written here instead of taken from Private-PGM:

1. **1-way marginals** of every column, with Gaussian noise. Categories whose noisy count
   is under ``compress_sigmas`` standard deviations are merged into one "rare" bucket per
   column (domain compression, as in MST): the public domain has 250 countries and the
   data uses far fewer, and a merged bucket costs one noisy cell instead of hundreds.
2. **Selection** of a spanning tree, Kruskal-style: at each of d−1 rounds, report-noisy-max
   (Gumbel) picks, among the pairs that join two components, the one whose 2-way marginal
   is furthest (L1) from the independent model of the noisy 1-ways — a sensitivity-1 score.
3. **2-way marginals** of the tree's edges on the compressed domains, with Gaussian noise,
   budget ∝ cells^{2/3} (the split that minimises total absolute error).
4. **Estimation**: shared 1-way margins by inverse-variance weighting of every measurement
   that covers a column, then each edge table projected by least squares onto
   ``{x ≥ 0, both margins = the shared ones}``. The edges then agree on every shared
   column, so P(x) = Π_edges P(x_i, x_j) / Π_columns P(x_i)^{deg−1} is a proper
   distribution: for a tree (junction tree = the tree itself) this consistent-marginal
   model is exact — no iterative inference is needed.
5. **Sampling**: ancestral sampling from a root (each child drawn from P(child | parent)),
   then each "rare" value drawn from its column's noisy 1-way distribution inside the
   bucket. Sampling, not rounding — the issue's warning about mbi's ``round``.

Why not Private-PGM (``mbi``): it pulls in JAX (hundreds of MB) and fits by mirror
descent, which for a tree converges to the same consistent marginals that step 4 gets in
closed form; OpenDP's MST wraps it and takes minutes where this takes seconds.
Deterministic given ``seed`` (which also makes the noise non-private: real releases pass
``seed=None`` and get OpenDP's noise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from scipy.cluster.hierarchy import DisjointSet

from tiphub.errors import InvalidInput
from tiphub.release.accounting import gaussian_sigma
from tiphub.release.consistency import project
from tiphub.release.data import Attribute, Frame
from tiphub.release.noise import noise_source

__all__ = ["MIN_ROWS", "SynthConfig", "SyntheticRelease", "synthesize"]

MIN_ROWS = 1000  # below this, noise at ε ≈ 1 swamps every 2-way table: refuse


@dataclass(frozen=True)
class SynthConfig:
    """Budget shares of the three stages and the compression threshold."""

    oneway_share: float = 0.4
    select_share: float = 0.1
    compress_sigmas: float = 2.5

    def __post_init__(self) -> None:
        if not (0 < self.oneway_share and 0 < self.select_share
                and self.oneway_share + self.select_share < 1):
            raise InvalidInput("budget shares must be positive and leave some for the 2-way tables")


@dataclass
class SyntheticRelease:
    frame: Frame
    rho: float
    edges: list[tuple[str, str]]
    kept: dict[str, int]  # per column: categories kept apart (the rest share a bucket)
    warnings: list[str] = field(default_factory=list)
    secure: bool = True


@dataclass
class _Column:
    attr: Attribute
    mapping: np.ndarray  # original index -> compressed index
    size: int  # compressed size
    within: np.ndarray  # distribution over original codes inside the rare bucket (or empty)


def _compress(attr: Attribute, noisy: np.ndarray, estimate: np.ndarray, sigma: float,
              sigmas: float) -> _Column:
    keep = noisy >= sigmas * sigma
    n_keep = int(keep.sum())
    if n_keep == attr.size or n_keep == attr.size - 1:  # nothing to gain from a bucket
        return _Column(attr, np.arange(attr.size), attr.size, np.zeros(0))
    mapping = np.full(attr.size, n_keep)
    mapping[keep] = np.arange(n_keep)
    rest = np.where(keep, 0.0, estimate)
    within = rest / rest.sum() if rest.sum() > 0 else (~keep) / (~keep).sum()
    return _Column(attr, mapping, n_keep + 1, within)


def _marginal(codes: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    flat = np.ravel_multi_index(tuple(codes.T), shape)
    return np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape).astype(float)


def synthesize(frame: Frame, rho: float, *, rows: int | None = None, seed: int | None = None,
               config: SynthConfig = SynthConfig()) -> SyntheticRelease:
    """Synthetic records with the columns and public domains of ``frame``, spending ``rho``.

    ``rows`` defaults to the noisy record count. The frame's size is treated as public
    (CTDC publishes it): frames under :data:`MIN_ROWS` records are refused before any
    budget is spent.
    """
    if rho <= 0:
        raise InvalidInput("the synthetic data needs a positive share of the privacy budget")
    if frame.n < MIN_ROWS:
        raise InvalidInput(
            f"{frame.n} records are too few for useful synthetic data (at least {MIN_ROWS})",
            hint="publish noisy tables instead, or pool more data")
    d = len(frame.attributes)
    if d < 2:
        raise InvalidInput("synthetic data needs at least two columns")
    if rows is not None and rows < 1:
        raise InvalidInput("rows must be at least 1")
    noise = noise_source(seed)
    rho1, rho_sel = rho * config.oneway_share, rho * config.select_share
    rho2 = rho - rho1 - rho_sel

    # 1. one-way marginals and compression
    sigma1 = gaussian_sigma(rho1 / d)
    noisy1 = [noise.gaussian(frame.marginal([a.name]), sigma1) for a in frame.attributes]
    total = max(float(np.mean([y.sum() for y in noisy1])), 1.0)
    est1 = [project(y, {(): np.array(total)}) for y in noisy1]
    cols = [_compress(a, y, e, sigma1, config.compress_sigmas)
            for a, y, e in zip(frame.attributes, noisy1, est1, strict=True)]
    codes = np.column_stack([c.mapping[frame.data[:, j]] for j, c in enumerate(cols)])
    sizes = tuple(c.size for c in cols)
    comp1 = [np.bincount(c.mapping, weights=y, minlength=c.size) for c, y in zip(cols, noisy1, strict=True)]
    var1 = [np.bincount(c.mapping, minlength=c.size) * sigma1**2 for c in cols]
    p1 = [project(y, {(): np.array(total)}) / total for y in comp1]

    # 2. select a spanning tree with report-noisy-max
    pairs = list(combinations(range(d), 2))
    scores = {}
    for i, j in pairs:
        exact = _marginal(codes[:, [i, j]], (sizes[i], sizes[j]))
        scores[i, j] = float(np.abs(exact - total * np.outer(p1[i], p1[j])).sum())
    scale = gaussian_sigma(rho_sel / (d - 1))
    components = DisjointSet(range(d))
    edges: list[tuple[int, int]] = []
    for _ in range(d - 1):
        open_pairs = [p for p in pairs if not components.connected(*p)]
        pick = open_pairs[noise.noisy_max(np.array([scores[p] for p in open_pairs]), scale)]
        edges.append(pick)
        components.merge(*pick)

    # 3. measure the tree's 2-way marginals
    cells = np.array([sizes[i] * sizes[j] for i, j in edges], dtype=float)
    rho_e = rho2 * cells ** (2 / 3) / (cells ** (2 / 3)).sum()
    noisy2 = {}
    sig2 = {}
    for (i, j), r in zip(edges, rho_e, strict=True):
        sig2[i, j] = gaussian_sigma(r)
        noisy2[i, j] = noise.gaussian(_marginal(codes[:, [i, j]], (sizes[i], sizes[j])), sig2[i, j])

    # 4. shared margins (inverse-variance), then consistent edge tables
    num = [y / v for y, v in zip(comp1, var1, strict=True)]
    den = [1 / v for v in var1]
    for (i, j), y in noisy2.items():
        for axis, k in ((0, i), (1, j)):
            var = y.shape[1 - axis] * sig2[i, j] ** 2
            num[k] = num[k] + y.sum(axis=1 - axis) / var
            den[k] = den[k] + 1 / var
    margins = [project(n / w, {(): np.array(total)}) for n, w in zip(num, den, strict=True)]
    joint = {(i, j): project(y, {(0,): margins[i], (1,): margins[j]}) for (i, j), y in noisy2.items()}

    # 5. ancestral sampling
    rng = noise.spawn()
    n_out = int(round(total)) if rows is None else int(rows)
    out = np.zeros((n_out, d), dtype=np.int64)
    root = 0
    out[:, root] = _draw(rng, np.broadcast_to(margins[root], (1, sizes[root])), np.zeros(n_out, int))
    adjacency: dict[int, list[tuple[int, np.ndarray]]] = {k: [] for k in range(d)}
    for (i, j), table in joint.items():
        adjacency[i].append((j, table))
        adjacency[j].append((i, table.T))
    seen, queue = {root}, [root]
    while queue:
        parent = queue.pop(0)
        for child, table in adjacency[parent]:
            if child in seen:
                continue
            cond = table + 1e-12 * margins[child][None, :]  # rows with no mass fall back to the margin
            out[:, child] = _draw(rng, cond, out[:, parent])
            seen.add(child)
            queue.append(child)
    data = np.empty_like(out)
    for j, c in enumerate(cols):
        if not c.within.size:
            data[:, j] = out[:, j]
            continue
        kept = np.flatnonzero(c.mapping < c.size - 1)  # compressed index -> original index
        rare = out[:, j] == c.size - 1
        data[~rare, j] = kept[out[~rare, j]]
        data[rare, j] = rng.choice(c.attr.size, size=int(rare.sum()), p=c.within)
    warnings = []
    if total < 5 * MIN_ROWS:
        warnings.append("few records: expect large errors in the 2-way tables")
    names = frame.names
    return SyntheticRelease(
        frame=Frame(frame.attributes, data.astype(np.int32)), rho=rho,
        edges=[(names[i], names[j]) for i, j in edges],
        kept={c.attr.name: (c.size - 1 if c.within.size else c.size) for c in cols},
        warnings=warnings, secure=noise.secure,
    )


def _draw(rng: np.random.Generator, table: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """For each row, a value drawn from ``table[parent]`` (a row of non-negative weights)."""
    cdf = np.cumsum(table, axis=1)
    cdf = cdf / cdf[:, -1:]
    u = rng.random(len(parent))
    out = np.empty(len(parent), dtype=np.int64)
    for v in np.unique(parent):
        sel = parent == v
        out[sel] = np.minimum(np.searchsorted(cdf[v], u[sel], side="right"), table.shape[1] - 1)
    return out

