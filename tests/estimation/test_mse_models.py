"""Fitting and the existence/identifiability checks (Chan, Silverman & Vincent 2019)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tiphub.estimation import check_model, fit_model, read_overlap
from tiphub.estimation.existence import Checker, lp_positive_point
from tiphub.estimation.models import all_pairs, fit_models

DATA = Path(__file__).parent / "data"
A, B, C = 0, 1, 2


def test_two_lists_main_effects_is_lincoln_petersen() -> None:
    # 2 lists, n1 = 60 on A, n2 = 50 on B, m = 20 on both: N = n1 n2 / m = 150
    table = read_overlap({"10": 40, "01": 30, "11": 20})
    assert fit_model(table).total == pytest.approx(150.0, rel=1e-9)


def test_aic_matches_r_glm_convention() -> None:
    # main-effects fit of artificial_3 by hand: AIC = -2 loglik + 2 * 4 parameters
    fit = fit_model(read_overlap(DATA / "artificial_3.csv"))
    assert fit.n_params == 4 and fit.aic == pytest.approx(-2 * fit.loglik + 8)


@pytest.mark.parametrize("model,exists,identifiable", [
    # SparseMSE's documentation of Artificial_3 (Chan, Silverman & Vincent 2019, Table 2):
    ((), True, True),
    (((A, B),), False, True),                    # AB alone: the MLE does not exist
    (((A, B), (A, C)), False, True),             # AB with AC: does not exist
    (((A, B), (B, C)), False, True),             # AB with BC: does not exist
    (((A, C),), True, True), (((B, C),), True, True), (((A, C), (B, C)), True, True),
    (((A, B), (A, C), (B, C)), True, False),     # all three: LP positive, not identifiable
])
def test_artificial_3_checks(model, exists: bool, identifiable: bool) -> None:
    check = check_model(read_overlap(DATA / "artificial_3.csv"), model)
    assert (check.exists, check.identifiable) == (exists, identifiable)
    if not check.ok:
        assert check.message and ("drop" in check.message or "merge" in check.message)


def test_failure_message_names_the_interaction_to_drop() -> None:
    check = check_model(read_overlap(DATA / "artificial_3.csv"), [(A, B)])
    assert "does not exist" in check.message and "drop the interaction A:B" in check.message


def test_fast_path_agrees_with_the_lp_on_sparse_replicates() -> None:
    """The fit-based shortcut ("Newton settled at a finite point") must agree with the LP."""
    rng = np.random.default_rng(5)
    disagreements = checked = failing = 0
    for name in ("us_western_site", "artificial_3", "new_orleans"):
        table = read_overlap(DATA / f"{name}.csv")
        pairs = all_pairs(table.k)
        for _ in range(12):
            y = rng.poisson(table.counts * rng.uniform(0.2, 1.0))
            if not y.sum():
                continue
            checker = Checker(y, table.k)
            picks = [rng.choice(len(pairs), size=rng.integers(0, 4), replace=False) for _ in range(5)]
            models = [tuple(sorted(pairs[i] for i in p)) for p in picks]
            models = [m for m in models if checker.identifiable(m)]
            for model, fit in zip(models, fit_models(y, table.k, models), strict=True):
                X, kept = checker._reduced(model)
                lp = lp_positive_point(X, kept)
                checked += 1
                failing += not lp
                disagreements += fit.settled != lp
    assert checked > 100 and failing > 5
    assert disagreements == 0
