"""Choosing the two-list interactions: stepwise (any k) and exhaustive (small k).

Stepwise follows Chan, Silverman & Vincent (2019) and SparseMSE's ``stepwisefit``: start from main
effects; for each interaction not yet in the model, compare the persons seen on both lists with the
Poisson mean the current model predicts for them (p-value = the smaller Poisson tail, as SparseMSE
computes it); only interactions with p < ``threshold`` (0.02 by default) whose model passes the
existence and identifiability checks are candidates. With ``criterion="pvalue"`` the candidate with
the smallest p-value is added (SparseMSE exactly); with ``"aic"``/``"bic"`` the candidate that
most lowers the criterion is added, and the search stops when none lowers it. The threshold guards
against the well-known over-fitting of AIC on sparse tables.

Exhaustive search fits every set of two-list interactions (2^(k(k−1)/2) models: 64 for k = 4,
1,024 for k = 5) and ranks those that pass the checks by the criterion; it shows how much the
estimate depends on the choice, which a single stepwise path hides.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from scipy.special import pdtr, pdtrc

from tiphub.errors import InvalidInput
from tiphub.estimation.existence import Checker
from tiphub.estimation.models import Fit, Model, all_pairs, fit_models, normalise
from tiphub.estimation.table import history_bits

__all__ = ["CRITERIA", "MAX_EXHAUSTIVE_PAIRS", "Selection", "Step", "exhaustive", "pair_pvalues",
           "stepwise"]

CRITERIA = ("aic", "bic", "pvalue")
MAX_EXHAUSTIVE_PAIRS = 10  # k <= 5


@dataclass(frozen=True)
class Step:
    added: tuple[int, int]
    p_value: float
    criterion_before: float
    criterion_after: float


@dataclass
class Selection:
    """The chosen fit, how it was reached, and every fitted model that passed the checks."""

    chosen: Fit
    method: str
    criterion: str
    threshold: float | None
    steps: list[Step] = field(default_factory=list)
    good: list[Fit] = field(default_factory=list)
    failed: list[Model] = field(default_factory=list)

    def score(self, fit: Fit) -> float:
        return fit.criterion("bic" if self.criterion == "bic" else "aic")


def pair_pvalues(fit: Fit, counts: np.ndarray, k: int, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Two-sided-by-minimum Poisson p-values of the observed pair overlaps under ``fit``."""
    bits = history_bits(k)
    both = np.stack([bits[:, i] & bits[:, j] for i, j in pairs]).astype(float)
    observed = both @ counts
    expected = both @ fit.fitted
    lower = pdtr(observed, expected)
    upper = np.where(observed > 0, pdtrc(np.maximum(observed - 1, 0), expected), 1.0)
    return np.minimum(lower, upper)


def _check_criterion(criterion: str) -> None:
    if criterion not in CRITERIA:
        raise InvalidInput(f"unknown model-selection criterion {criterion!r}",
                           hint=f"accepted: {', '.join(CRITERIA)}")


def stepwise(counts: np.ndarray, k: int, *, criterion: str = "aic", threshold: float = 0.02,
             checker: Checker | None = None, start: Model = ()) -> Selection | None:
    """Forward stepwise selection; None when even the starting model fails the checks."""
    _check_criterion(criterion)
    checker = checker or Checker(counts, k)
    score_name = "bic" if criterion == "bic" else "aic"
    current = normalise(start)
    fit = fit_models(counts, k, [current])[0]
    if not checker.ok(current, fit):
        return None
    sel = Selection(fit, "stepwise", criterion, threshold, good=[fit])
    while True:
        pairs = [p for p in all_pairs(k) if p not in current]
        if not pairs:
            break
        pvals = pair_pvalues(fit, counts, k, pairs)
        eligible = [(p, pv) for p, pv in zip(pairs, pvals, strict=True) if pv < threshold]
        models = [normalise(current + (p,)) for p, _ in eligible]
        keep = [n for n, m in enumerate(models) if checker.identifiable(m)]
        fits = fit_models(counts, k, [models[n] for n in keep])
        good = []
        for n, f in zip(keep, fits, strict=True):
            if checker.exists(models[n], f):
                good.append((eligible[n], f))
            else:
                sel.failed.append(models[n])
        sel.good.extend(f for _, f in good)
        if criterion == "pvalue":
            best = min(good, key=lambda g: g[0][1], default=None)
        else:
            best = min(good, key=lambda g: g[1].criterion(score_name), default=None)
            if best is not None and best[1].criterion(score_name) >= fit.criterion(score_name):
                best = None
        if best is None:
            break
        (pair, pv), new = best
        sel.steps.append(Step(pair, float(pv), fit.criterion(score_name), new.criterion(score_name)))
        current, fit = new.model, new
    sel.chosen = fit
    return sel


def exhaustive(counts: np.ndarray, k: int, *, criterion: str = "aic", checker: Checker | None = None,
               max_pairs: int = MAX_EXHAUSTIVE_PAIRS) -> Selection | None:
    """Every set of two-list interactions; the best by AIC/BIC among those passing the checks."""
    _check_criterion(criterion)
    pairs = all_pairs(k)
    if len(pairs) > max_pairs:
        raise InvalidInput(f"an exhaustive search over {len(pairs)} interactions is too large",
                           hint=f"use stepwise selection, or merge lists down to {_lists_for(max_pairs)}")
    checker = checker or Checker(counts, k)
    score_name = "bic" if criterion == "bic" else "aic"
    models = [normalise(c) for r in range(len(pairs) + 1) for c in itertools.combinations(pairs, r)]
    ident = [m for m in models if checker.identifiable(m)]
    failed = [m for m in models if not checker.identifiable(m)]
    good = []
    for m, f in zip(ident, fit_models(counts, k, ident), strict=True):
        (good if checker.exists(m, f) else failed).append(f if checker.exists(m, f) else m)
    if not good:
        return None
    good.sort(key=lambda f: f.criterion(score_name))
    return Selection(good[0], "exhaustive", score_name, None, good=good, failed=failed)


def _lists_for(max_pairs: int) -> int:
    k = 2
    while (k + 1) * k // 2 <= max_pairs:
        k += 1
    return k
