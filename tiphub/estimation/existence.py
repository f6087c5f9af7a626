"""Does the maximum-likelihood estimate exist, and are the parameters identifiable?

Sparse tables with lists that never overlap are the norm in trafficking data, and a log-linear fit
on them can silently return nonsense: a "converged" GLM whose intercept has run off to infinity, or
a rank-deficient design whose unseen estimate is arbitrary. Chan, Silverman & Vincent (2019,
"Multiple systems estimation for sparse capture data", arXiv:1902.05156) check both before fitting:

* existence — the linear program of Fienberg & Rinaldo (2012, Ann. Statist. 40): with A the design
  matrix of the kept histories and t = Aᵀy the sufficient statistics, maximise s subject to
  Aᵀz = t, z ≥ s, z ≥ 0. The (extended) MLE exists iff the optimum s is positive, i.e. the observed
  margins can be reproduced by a table with every kept cell strictly positive;
* identifiability — the design restricted to the kept histories has full column rank (terms for
  empty overlaps are excluded: their parameter is minus infinity by construction).

This follows SparseMSE's ``checkident`` (GPL; read, not copied) with scipy's HiGHS ``linprog``.
The LP costs about a millisecond; model searches and bootstraps ask thousands of times, so
:class:`Checker` caches answers and skips the LP when a fit has already reached a finite maximum
with every kept cell clearly positive — for a concave likelihood that point *is* the MLE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from tiphub.estimation.models import Fit, Model, active_cells, design, model_name, normalise
from tiphub.estimation.table import OverlapTable

__all__ = ["Checker", "ModelCheck", "check_model"]


@dataclass(frozen=True)
class ModelCheck:
    model: Model
    exists: bool
    identifiable: bool
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.exists and self.identifiable


class Checker:
    """Existence and identifiability answers for one table, cached per model."""

    def __init__(self, counts: np.ndarray, k: int) -> None:
        self.counts = np.asarray(counts)
        self.k = k
        self._exists: dict[Model, bool] = {}
        self._ident: dict[Model, bool] = {}
        self.lp_solved = 0

    def _reduced(self, model: Model) -> tuple[np.ndarray, np.ndarray]:
        active, empty = active_cells(self.counts, self.k, model)
        X = design(self.k, model)[active]
        keep = [c for c in range(X.shape[1]) if c <= self.k or model[c - self.k - 1] not in empty]
        return X[:, keep], self.counts[active]

    def identifiable(self, model: Model) -> bool:
        model = normalise(model)
        if model not in self._ident:
            X, _ = self._reduced(model)
            self._ident[model] = bool(X.shape[0] >= X.shape[1] and np.linalg.matrix_rank(X) == X.shape[1])
        return self._ident[model]

    def exists(self, model: Model, fit: Fit | None = None) -> bool:
        model = normalise(model)
        if model in self._exists:
            return self._exists[model]
        X, y = self._reduced(model)
        if (y > 0).all() or (fit is not None and fit.settled and self.identifiable(model)):
            answer = True  # the observed table itself (or the fitted one) is a strictly positive point
        else:
            answer = lp_positive_point(X, y)
            self.lp_solved += 1
        self._exists[model] = answer
        return answer

    def ok(self, model: Model, fit: Fit | None = None) -> bool:
        return self.identifiable(model) and self.exists(model, fit)


def lp_positive_point(X: np.ndarray, y: np.ndarray) -> bool:
    """True iff some z > 0 has Xᵀz = Xᵀy (Fienberg & Rinaldo's LP, as in SparseMSE checkident)."""
    n, _ = X.shape
    t = X.T @ y
    scale = max(float(y.sum()), 1.0)
    c = np.zeros(n + 1)
    c[-1] = -1.0  # maximise s
    a_eq = np.hstack([X.T, np.zeros((X.shape[1], 1))]) / scale
    a_ub = np.hstack([-np.eye(n), np.ones((n, 1))])  # s - z_i <= 0
    res = linprog(c, A_ub=a_ub, b_ub=np.zeros(n), A_eq=a_eq, b_eq=t / scale,
                  bounds=[(0, None)] * (n + 1), method="highs")
    return bool(res.status == 0 and -res.fun > 1e-9 * scale)


def check_model(table: OverlapTable, model: Sequence[tuple[int, int]] = (),
                checker: Checker | None = None) -> ModelCheck:
    """Check one model and explain a failure in plain words, with what to do about it."""
    model = normalise(model)
    checker = checker or Checker(table.counts, table.k)
    exists, ident = checker.exists(model), checker.identifiable(model)
    if exists and ident:
        return ModelCheck(model, True, True)
    name = model_name(table.lists, model)
    _, empty = active_cells(table.counts, table.k, model)
    parts = []
    if not exists:
        culprits = [p for p in model if checker.ok(tuple(q for q in model if q != p))]
        fix = (f"drop the interaction {' or '.join(model_name(table.lists, (p,)) for p in culprits)}"
               if culprits else "drop interactions or merge small lists")
        parts.append(f"the maximum-likelihood estimate does not exist for the model {name}: the table is "
                     f"too sparse for it (the fit pushes some histories to zero and the estimate of the "
                     f"unseen is not finite); {fix}")
    if not ident:
        note = (f" — the lists in {model_name(table.lists, empty)} share nobody, so those histories "
                f"carry no information" if empty else "")
        parts.append(f"the parameters of the model {name} are not identifiable: the observed histories "
                     f"cannot separate all its effects{note}; drop an interaction or merge lists")
    return ModelCheck(model, exists, ident, "; ".join(parts))
