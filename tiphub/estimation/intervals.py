"""Confidence intervals for the total: parametric bootstrap and profile likelihood.

Parametric bootstrap (Buckland & Garthwaite 1991, the approach of Rcapture and of Silverman's Home
Office analysis): draw every observed history's count from Poisson(fitted mean) of the chosen model,
estimate again, and take percentiles of the replicate totals. Two modes:

* ``reselect=True`` (the default) reruns the *same model selection* in every replicate, so the
  interval carries the uncertainty of choosing the interactions — on sparse tables that is most of
  the uncertainty, and intervals for a fixed model are too narrow (Chan, Silverman & Vincent 2019
  make the same point and bootstrap the whole stepwise procedure);
* ``reselect=False`` keeps the chosen model; all replicates are then fitted in one batched Newton
  computation.

A replicate in which no model passes the existence and identifiability checks gives no estimate; the
number of such replicates is reported (they are rare unless the table is very sparse). Seeds go
through ``numpy.random.default_rng`` so a run is reproducible.

The profile-likelihood interval (Cormack 1992) is for a fixed model: for each candidate number
unseen m0 the complete table (with m0 in the all-zero cell) is fitted and the multinomial
log-likelihood of N = observed + m0 is profiled; the interval is where it is within
χ²₁(0.95)/2 of its maximum. It ignores model choice, and with sparse tables it is often unbounded
above — which is itself worth reporting.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2

from tiphub.estimation.existence import Checker, lp_positive_point
from tiphub.estimation.models import EXISTS_MU_FLOOR, Fit, Model, active_cells, design, fit_batch, loglik
from tiphub.estimation.selection import Selection

__all__ = ["BootstrapResult", "ProfileResult", "bootstrap", "profile_interval"]

Selector = Callable[[np.ndarray, int, Checker], Selection | None]


@dataclass(frozen=True)
class BootstrapResult:
    totals: np.ndarray
    failed: int
    replicates: int
    reselect: bool
    seed: int
    level: float

    def interval(self) -> tuple[float, float]:
        tail = (1 - self.level) / 2 * 100
        lo, hi = np.percentile(self.totals, [tail, 100 - tail])
        return float(lo), float(hi)


@dataclass(frozen=True)
class ProfileResult:
    lower: float
    upper: float  # math.inf when the likelihood does not fall far enough
    mle: float
    level: float


def simulate(fit: Fit, n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.poisson(fit.fitted, size=(n, fit.fitted.size)).astype(np.int64)


def bootstrap(fit: Fit, k: int, *, selector: Selector | None, replicates: int = 1000, seed: int = 2024,
              level: float = 0.95) -> BootstrapResult:
    """Parametric bootstrap of the total from ``fit``; ``selector`` None keeps ``fit.model``."""
    rng = np.random.default_rng(seed)
    samples = simulate(fit, replicates, rng)
    if selector is None:
        totals = _fixed_model_totals(samples, k, fit.model)
    else:
        totals = np.full(replicates, np.nan)
        for b, y in enumerate(samples):
            if y.sum() == 0:
                continue
            sel = selector(y, k, Checker(y, k))
            if sel is not None:
                totals[b] = sel.chosen.total
    ok = np.isfinite(totals)
    return BootstrapResult(totals[ok], int((~ok).sum()), replicates, selector is not None, seed, level)


def _fixed_model_totals(samples: np.ndarray, k: int, model: Model) -> np.ndarray:
    """All replicates of one model in a single batched fit; the LP only where the fit is unsure."""
    X = design(k, model)
    act = np.stack([active_cells(y, k, model)[0] for y in samples])
    beta, mu, conv = fit_batch(X, samples.astype(float), act)
    totals = samples.sum(axis=1) + np.exp(beta[:, 0])
    floor = np.where(act, mu, np.inf).min(axis=1)
    unsure = ~(conv & (floor > EXISTS_MU_FLOOR))
    for b in np.flatnonzero(unsure):
        a = act[b]
        if not lp_positive_point(X[a], samples[b][a]):
            totals[b] = np.nan
    totals[samples.sum(axis=1) == 0] = np.nan
    return totals


def profile_interval(counts: np.ndarray, k: int, model: Model, level: float = 0.95) -> ProfileResult:
    """Profile-likelihood interval for the total under a fixed model (see the module docstring)."""
    n_obs = float(counts.sum())
    act_obs, _ = active_cells(counts, k, model)
    X = design(k, model, unseen=True)
    active = np.concatenate([[True], act_obs])

    def profile(m0: float) -> float:
        y = np.concatenate([[m0], counts.astype(float)])
        _, mu, _ = fit_batch(X, y, active)
        total = n_obs + m0
        return float(loglik(y, mu, active)) + float(gammaln(total + 1)) + total - total * math.log(total)

    def f(t: float) -> float:
        return -profile(math.expm1(t))

    hi_t = math.log1p(max(n_obs, 1.0) * 1e4)
    best = minimize_scalar(f, bounds=(0.0, hi_t), method="bounded", options={"xatol": 1e-6})
    m_hat, top = math.expm1(best.x), -best.fun
    drop = chi2.ppf(level, 1) / 2

    def g(m0: float) -> float:
        return profile(m0) - (top - drop)

    lower = n_obs if g(0.0) > 0 else n_obs + brentq(g, 0.0, m_hat, xtol=1e-3)
    upper, probe = math.inf, max(m_hat, 1.0)
    for _ in range(40):
        nxt = probe * 2
        if g(nxt) < 0:
            upper = n_obs + brentq(g, probe, nxt, xtol=1e-3)
            break
        probe = nxt
        if probe > n_obs * 1e4:
            break
    return ProfileResult(lower, upper, n_obs + m_hat, level)
