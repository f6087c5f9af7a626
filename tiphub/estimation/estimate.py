"""The one entry point: an overlap table in, an :class:`MSEResult` out.

Order of work, as a practitioner would do it: read and validate the table (merging lists if asked);
choose the model (stepwise by default, exhaustive on request; only models whose MLE exists and is
identifiable are eligible); list the good alternatives and how far their estimates spread; compute
the intervals (bootstrap, profile likelihood); and write the caveats in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np

from tiphub.errors import InvalidInput
from tiphub.estimation.existence import Checker, check_model
from tiphub.estimation.intervals import bootstrap as run_bootstrap
from tiphub.estimation.intervals import profile_interval
from tiphub.estimation.models import Fit, Model, all_pairs, fit_models, model_name, normalise
from tiphub.estimation.result import Alternative, Interval, MSEResult
from tiphub.estimation.selection import MAX_EXHAUSTIVE_PAIRS, Selection, exhaustive, stepwise
from tiphub.estimation.table import OverlapTable, as_table

__all__ = ["METHODS", "estimate"]

METHODS = ("stepwise", "exhaustive", "fixed", "main")


def estimate(source: Any, *, lists: Sequence[str] | None = None,
             merge: Mapping[str, Sequence[str]] | None = None, merge_below: int | None = None,
             method: str = "stepwise", criterion: str = "aic", threshold: float = 0.02,
             interactions: Sequence[str | tuple[int, int]] | None = None,
             bootstrap: int = 1000, reselect: bool = True, seed: int = 2024, level: float = 0.95,
             profile: bool = True, within: float = 2.0) -> MSEResult:
    """Estimate the total number of victims, seen and unseen, from an overlap table.

    ``source``: an :class:`OverlapTable`, a CSV path, rows, or a pattern→count mapping (see
    :func:`~tiphub.estimation.table.read_overlap`). ``method``: ``stepwise`` (``criterion`` aic,
    bic or pvalue; interactions need p < ``threshold``), ``exhaustive`` (k ≤ 5), ``fixed``
    (``interactions`` such as ``["LA:NG", "PF:GO"]``) or ``main`` (main effects only).
    ``bootstrap`` replicates (0 to skip), rerunning the selection in each when ``reselect``.
    ``within``: alternatives within this many criterion units of the best are reported.
    """
    if method not in METHODS:
        raise InvalidInput(f"unknown estimation method {method!r}", hint=f"accepted: {', '.join(METHODS)}")
    if not 0 < level < 1:
        raise InvalidInput("the interval level must be between 0 and 1", hint="e.g. 0.95")
    if bootstrap < 0:
        raise InvalidInput("the number of bootstrap replicates cannot be negative", hint="e.g. 1000, or 0")
    table = as_table(source, lists=lists, merge=merge, merge_below=merge_below)
    checker = Checker(table.counts, table.k)
    selector = _selector(table, method, criterion, threshold, interactions)
    sel = selector(table.counts, table.k, checker)
    if sel is None:
        raise InvalidInput(f"{table.name}: {_no_model_message(table, method, interactions, checker)}",
                           hint="merge small lists (merge= or merge_below=) or choose fewer interactions")
    fit = sel.chosen
    score = "bic" if criterion == "bic" else "aic"
    alts, spread = _alternatives(table, sel, checker, score, within)
    diagnostics = list(table.warnings) + _sparsity_notes(table, sel, checker)
    if spread:
        diagnostics.append(spread)
    intervals = []
    replicates = None
    if bootstrap:
        boot = run_bootstrap(fit, table.k, selector=selector if reselect and method != "fixed" else None,
                             replicates=bootstrap, seed=seed, level=level)
        replicates = boot.totals
        if boot.totals.size >= max(20, bootstrap // 2):
            lo, hi = boot.interval()
            kind = "model reselected in each replicate" if boot.reselect else "fixed model"
            intervals.append(Interval(f"parametric bootstrap, percentile ({kind})", lo, hi, level,
                                      f"{boot.totals.size} of {bootstrap} replicates, seed {seed}"))
        if boot.failed:
            diagnostics.append(f"{boot.failed} of {bootstrap} bootstrap replicates had no model whose "
                               f"estimate exists; the interval uses the others — a sign of a sparse table")
    if profile:
        prof = profile_interval(table.counts, table.k, fit.model, level)
        note = "for the chosen model only; ignores the uncertainty of choosing it"
        if not np.isfinite(prof.upper):
            diagnostics.append("the profile likelihood does not bound the total from above: the data "
                               "cannot rule out a much larger hidden population under this model")
        intervals.append(Interval("profile likelihood", prof.lower, prof.upper, level, note))
    ratio = fit.total / max(table.observed, 1)
    if ratio > 10:
        diagnostics.append(f"the estimate is {ratio:.0f} times the number seen: the lists overlap very "
                           f"little, so the estimate rests heavily on the model; treat it with caution")
    return MSEResult(
        name=table.name, lists=list(table.lists), observed=table.observed, unseen=fit.unseen,
        total=fit.total, intervals=intervals, model=_names(table, fit.model),
        selection=_selection_dict(table, sel, fit), alternatives=alts, diagnostics=diagnostics,
        replicates=replicates)


def _selector(table: OverlapTable, method: str, criterion: str, threshold: float,
              interactions: Sequence[str | tuple[int, int]] | None):
    if method == "stepwise":
        if not 0 <= threshold <= 1:
            raise InvalidInput("the p-value threshold must be between 0 and 1", hint="e.g. 0.02")
        return partial(_stepwise, criterion=criterion, threshold=threshold)
    if method == "exhaustive":
        if len(all_pairs(table.k)) > MAX_EXHAUSTIVE_PAIRS:
            raise InvalidInput(f"{table.name}: an exhaustive search is only offered for up to 5 lists",
                               hint="use method='stepwise', or merge lists")
        return partial(_exhaustive, criterion=criterion)
    model = () if method == "main" else parse_interactions(table, interactions or ())
    return partial(_fixed, model=model)


def _stepwise(y: np.ndarray, k: int, checker: Checker, *, criterion: str, threshold: float
              ) -> Selection | None:
    return stepwise(y, k, criterion=criterion, threshold=threshold, checker=checker)


def _exhaustive(y: np.ndarray, k: int, checker: Checker, *, criterion: str) -> Selection | None:
    return exhaustive(y, k, criterion=criterion, checker=checker)


def _fixed(y: np.ndarray, k: int, checker: Checker, *, model: Model) -> Selection | None:
    fit = fit_models(y, k, [model])[0]
    if not checker.ok(model, fit):
        return None
    return Selection(fit, "fixed" if model else "main", "aic", None, good=[fit])


def parse_interactions(table: OverlapTable, interactions: Sequence[str | tuple[int, int]]) -> Model:
    """``"LA:NG"`` or ``(0, 1)`` → list-index pairs, with errors naming the accepted lists."""
    out = []
    for item in interactions:
        if isinstance(item, str):
            parts = item.split(":")
            if len(parts) != 2 or any(p not in table.lists for p in parts) or parts[0] == parts[1]:
                raise InvalidInput(f"{table.name}: an interaction is not two of the table's lists",
                                   hint=f"write it as LIST:LIST with lists {', '.join(table.lists)}")
            out.append((table.lists.index(parts[0]), table.lists.index(parts[1])))
        else:
            i, j = item
            if not (0 <= i < table.k and 0 <= j < table.k) or i == j:
                raise InvalidInput(f"{table.name}: an interaction names a list that is not in the table",
                                   hint=f"list numbers run from 0 to {table.k - 1}")
            out.append((i, j))
    return normalise(out)


def _names(table: OverlapTable, model: Model) -> list[str]:
    return [model_name(table.lists, (p,)) for p in model]


def _no_model_message(table: OverlapTable, method: str, interactions: Any, checker: Checker) -> str:
    model = () if method != "fixed" else parse_interactions(table, interactions or ())
    check = check_model(table, model, checker)
    return check.message or "no model passes the existence and identifiability checks"


def _selection_dict(table: OverlapTable, sel: Selection, fit: Fit) -> dict[str, Any]:
    names = table.lists
    why = {
        "stepwise": (f"forward stepwise from main effects: at each step the interaction that most "
                     f"improved {sel.criterion.upper()} among those with p < {sel.threshold} and an "
                     f"existing, identifiable MLE was added; stopped when none qualified"
                     if sel.criterion != "pvalue" else
                     f"forward stepwise from main effects (SparseMSE): at each step the interaction with "
                     f"the smallest p-value below {sel.threshold} whose MLE exists was added"),
        "exhaustive": f"lowest {sel.criterion.upper()} among all models whose MLE exists and is identifiable",
        "fixed": "the model was given", "main": "main effects only, as asked",
    }[sel.method]
    return {
        "method": sel.method, "criterion": sel.criterion, "threshold": sel.threshold, "why": why,
        "model_name": model_name(names, fit.model),
        "aic": round(fit.aic, 3), "bic": round(fit.bic, 3), "loglik": round(fit.loglik, 3),
        "parameters": fit.n_params,
        "empty_overlaps": _names(table, fit.empty_pairs),
        "steps": [{"added": model_name(names, (s.added,)), "p_value": float(f"{s.p_value:.3g}"),
                   "criterion_before": round(s.criterion_before, 3),
                   "criterion_after": round(s.criterion_after, 3)} for s in sel.steps],
        "models_failing_checks": len(set(sel.failed)),
    }


def _alternatives(table: OverlapTable, sel: Selection, checker: Checker, score: str, within: float
                  ) -> tuple[list[Alternative], str | None]:
    """Good models near the best: all models when k ≤ 5, else the path and one-step neighbours."""
    if sel.method == "exhaustive":
        pool = sel.good
    elif len(all_pairs(table.k)) <= MAX_EXHAUSTIVE_PAIRS:
        ex = exhaustive(table.counts, table.k, criterion=score, checker=checker)
        pool = ex.good if ex else []
    else:
        chosen = sel.chosen.model
        near = {normalise(tuple(q for q in chosen if q != p)) for p in chosen}
        near |= {normalise(chosen + (p,)) for p in all_pairs(table.k) if p not in chosen}
        near = [m for m in near if checker.identifiable(m)]
        fits = fit_models(table.counts, table.k, near)
        pool = sel.good + [f for m, f in zip(near, fits, strict=True) if checker.exists(m, f)]
    unique: dict[Model, Fit] = {f.model: f for f in pool}
    unique[sel.chosen.model] = sel.chosen
    ranked = sorted(unique.values(), key=lambda f: f.criterion(score))
    best = ranked[0].criterion(score)
    close = [f for f in ranked if f.criterion(score) - best <= within or f.model == sel.chosen.model]
    alts = [Alternative(_names(table, f.model), f.aic, f.bic, f.criterion(score) - best, f.unseen, f.total)
            for f in close]
    if len(close) < 2:
        return alts, None
    lo, hi = min(f.total for f in close), max(f.total for f in close)
    everything = len(all_pairs(table.k)) <= MAX_EXHAUSTIVE_PAIRS
    scope = "of all the models" if everything else "models near the chosen one"
    return alts, (f"{len(close)} {scope} are within {within:g} {score.upper()} units of the best; "
                  f"their totals range from {lo:,.0f} to {hi:,.0f}, a measure of how much the estimate "
                  f"depends on the choice of model")


def _sparsity_notes(table: OverlapTable, sel: Selection, checker: Checker) -> list[str]:
    notes = []
    cells = table.counts.size
    zeros = int((table.counts == 0).sum())
    if zeros:
        notes.append(f"{zeros} of the {cells} possible capture histories have nobody: the table is sparse, "
                     f"so some models have no maximum-likelihood estimate; only models that pass the "
                     f"existence and identifiability checks (Chan, Silverman & Vincent 2019) were used")
    failed = len(set(sel.failed))
    if failed:
        notes.append(f"{failed} candidate model(s) failed those checks during selection and were not used")
    if sel.chosen.empty_pairs:
        notes.append(f"the chosen model includes interactions between lists that share nobody "
                     f"({', '.join(_names(table, sel.chosen.empty_pairs))}): their histories are fixed at "
                     f"zero")
    if not checker.ok(tuple(all_pairs(table.k))):
        notes.append("the model with every two-list interaction cannot be fitted on this table "
                     "(its estimate does not exist or is not identifiable)")
    return notes
