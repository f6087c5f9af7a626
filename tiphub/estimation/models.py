"""Log-linear Poisson models over the capture histories, fitted by maximum likelihood.

A model is the set of two-list interactions added to the main effects. The count of history h is
Poisson with log-mean ``intercept + sum of main effects of the lists in h + sum of interactions of
pairs in h``; the all-zero history has log-mean ``intercept``, so the unseen are ``exp(intercept)``.

An interaction between two lists that share no person ("empty overlap") has its MLE at minus
infinity: following Chan, Silverman & Vincent (2019) and SparseMSE's ``buildmodel``, the histories
that contain both lists are removed from the fit (they are structural zeros) and the parameter
still counts for AIC/BIC.

Why our own Newton/IRLS rather than a library GLM: scipy has no Poisson GLM, statsmodels would be a
heavy dependency, and we need two things a library fit does not give — fitting many models (the
candidates of a stepwise step, or the replicates of a bootstrap) in one batched numpy computation,
and a convergence report that tells a finite maximum from a likelihood that keeps rising (the sign
that the MLE does not exist; see :mod:`tiphub.estimation.existence`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import gammaln

from tiphub.estimation.table import OverlapTable, history_bits

__all__ = ["Fit", "all_pairs", "design", "fit_batch", "fit_model", "model_name", "normalise"]

Pair = tuple[int, int]
Model = tuple[Pair, ...]
MAX_ITER = 60
RIDGE = 1e-10  # keeps the Hessian solvable for the all-zero column of an empty-overlap term
EXISTS_MU_FLOOR = 1e-250  # only guards against underflow: legit fitted cells of 8-list tables are tiny


def all_pairs(k: int) -> list[Pair]:
    return list(itertools.combinations(range(k), 2))


def normalise(pairs: Iterable[Pair]) -> Model:
    return tuple(sorted({(min(i, j), max(i, j)) for i, j in pairs}))


def model_name(lists: Sequence[str], model: Model) -> str:
    """``"main effects"`` or ``"LA:NG + PF:GO"``, the R-formula way practitioners read models."""
    return " + ".join(f"{lists[i]}:{lists[j]}" for i, j in model) or "main effects"


@lru_cache(maxsize=4096)
def _design_cached(k: int, model: Model, unseen: bool) -> np.ndarray:
    bits = history_bits(k).astype(float)
    if unseen:
        bits = np.vstack([np.zeros(k), bits])
    cols = [np.ones(len(bits)), *bits.T, *(bits[:, i] * bits[:, j] for i, j in model)]
    out = np.column_stack(cols)
    out.setflags(write=False)
    return out


def design(k: int, model: Model, *, unseen: bool = False) -> np.ndarray:
    """Design matrix: rows are histories 1 .. 2^k − 1 (with ``unseen``, history 0 first)."""
    return _design_cached(k, normalise(model), unseen)


def active_cells(table_counts: np.ndarray, k: int, model: Model) -> tuple[np.ndarray, Model]:
    """Histories kept in the fit, and the model's pairs whose lists share nobody (empty pairs)."""
    bits = history_bits(k)
    active = np.ones(len(bits), dtype=bool)
    empty = []
    for i, j in model:
        both = (bits[:, i] & bits[:, j]).astype(bool)
        if table_counts[both].sum() == 0:
            empty.append((i, j))
            active &= ~both
    return active, tuple(empty)


def fit_batch(X: np.ndarray, y: np.ndarray, active: np.ndarray, max_iter: int = MAX_ITER
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Newton–Raphson (= IRLS for the canonical link) on a batch of Poisson log-linear fits.

    ``X`` (..., n, p), ``y`` (..., n), ``active`` (..., n) broadcast together. Returns coefficients
    (..., p), fitted means (..., n) (zero on inactive cells) and a converged flag (...).
    The start is the weighted least-squares fit of log(y + ½), as R's glm does; steps are capped
    so a model whose MLE does not exist drifts slowly instead of overflowing.
    """
    X, y, w = np.broadcast_arrays(X, y[..., None], active[..., None].astype(float))
    y, w = y[..., 0], w[..., 0]
    Xt = np.swapaxes(X, -1, -2)
    p = X.shape[-1]
    ridge = RIDGE * np.eye(p)
    y0 = y + 0.5
    H = Xt @ (X * (w * y0)[..., None]) + ridge
    beta = np.linalg.solve(H, (Xt @ (w * y0 * np.log(y0))[..., None]))[..., 0]
    converged = np.zeros(X.shape[:-2], dtype=bool)
    for _ in range(max_iter):
        mu = np.exp(np.clip((X @ beta[..., None])[..., 0], -700, 700)) * w
        grad = (Xt @ (y * w - mu)[..., None])[..., 0]
        H = Xt @ (X * mu[..., None]) + ridge
        step = np.linalg.solve(H, grad[..., None])[..., 0]
        size = np.abs(step).max(axis=-1, keepdims=True)
        step = np.where(size > 5, step * 5 / np.maximum(size, 1e-300), step)
        beta = beta + step
        converged = size[..., 0] < 1e-9
        if converged.all():
            break
    mu = np.exp(np.clip((X @ beta[..., None])[..., 0], -700, 700)) * w
    return beta, mu, converged


@dataclass(frozen=True)
class Fit:
    """One fitted model. ``loglik`` is the Poisson log-likelihood of the kept histories (with the
    log y! constant, as R's glm reports it), so AIC values match SparseMSE's."""

    model: Model
    empty_pairs: Model
    beta: np.ndarray
    fitted: np.ndarray
    loglik: float
    n_params: int
    observed: int
    converged: bool
    min_fitted: float

    @property
    def unseen(self) -> float:
        return float(np.exp(self.beta[0]))

    @property
    def total(self) -> float:
        return self.observed + self.unseen

    @property
    def aic(self) -> float:
        return -2 * self.loglik + 2 * self.n_params

    @property
    def bic(self) -> float:
        """BIC with log(persons observed) as the sample size: the persons, not the 2^k − 1 cells,
        are the sampled units (the convention of Rcapture and the MSE literature)."""
        return -2 * self.loglik + self.n_params * np.log(max(self.observed, 2))

    def criterion(self, name: str) -> float:
        return self.bic if name == "bic" else self.aic

    @property
    def settled(self) -> bool:
        """The Newton iteration reached a finite stationary point: the likelihood is concave, so that
        point is the MLE and it exists. (When the MLE does not exist, Newton steps along the
        direction of escape stay near one unit in the log-means of the cells going to zero, so
        the iteration never meets the step tolerance.)"""
        return bool(self.converged and self.min_fitted > EXISTS_MU_FLOOR)


def loglik(y: np.ndarray, mu: np.ndarray, active: np.ndarray) -> np.ndarray:
    safe = np.where(active, np.maximum(mu, 1e-300), 1.0)
    return (active * (y * np.log(safe) - mu - gammaln(y + 1))).sum(axis=-1)


def fit_model(table: OverlapTable, model: Iterable[Pair] = ()) -> Fit:
    """Fit main effects plus the given two-list interactions (list-index pairs) to ``table``."""
    return fit_models(table.counts, table.k, [normalise(model)])[0]


def fit_models(counts: np.ndarray, k: int, models: Sequence[Model]) -> list[Fit]:
    """Fit several models to one table in one batched computation (grouped by parameter count)."""
    out: dict[int, Fit] = {}
    y = counts.astype(float)
    by_size: dict[int, list[int]] = {}
    for n, m in enumerate(models):
        by_size.setdefault(len(m), []).append(n)
    for idx in by_size.values():
        X = np.stack([design(k, models[n]) for n in idx])
        act_empty = [active_cells(counts, k, models[n]) for n in idx]
        act = np.stack([a for a, _ in act_empty])
        beta, mu, conv = fit_batch(X, y, act)
        ll = loglik(y, mu, act)
        for b, n in enumerate(idx):
            kept = mu[b][act[b]]
            out[n] = Fit(models[n], act_empty[b][1], beta[b], mu[b], float(ll[b]), X.shape[-1],
                         int(counts.sum()), bool(conv[b]), float(kept.min()) if kept.size else 0.0)
    return [out[n] for n in range(len(models))]
