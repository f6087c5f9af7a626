"""zCDP accounting: conversions against OpenDP's own figures, composition, the budget ledger."""

from __future__ import annotations

import math

import pytest

from tiphub.errors import Conflict, InvalidInput
from tiphub.release.accounting import (
    Budget,
    epsilon_to_rho,
    gaussian_rho,
    gaussian_sigma,
    membership_advantage,
    rho_to_epsilon,
    rho_to_epsilon_simple,
)

# (rho, delta) -> epsilon from OpenDP 0.16's make_zCDP_to_approxDP (Canonne-Kamath-Steinke 2020)
KNOWN = [((0.5, 1e-6), 5.22153444453017), ((0.0235, 1e-6), 0.9810281242803071),
         ((0.1, 1e-7), 2.3483517323564667), ((2.0, 1e-5), 10.724824112939174)]


@pytest.mark.parametrize(("args", "epsilon"), KNOWN)
def test_tight_conversion_matches_opendp(args: tuple[float, float], epsilon: float) -> None:
    assert rho_to_epsilon(*args) == pytest.approx(epsilon, rel=1e-9)


def test_simple_conversion_is_the_textbook_formula_and_looser() -> None:
    assert rho_to_epsilon_simple(0.5, 1e-6) == pytest.approx(0.5 + 2 * math.sqrt(0.5 * math.log(1e6)))
    for (rho, delta), _ in KNOWN:
        assert rho_to_epsilon(rho, delta) < rho_to_epsilon_simple(rho, delta)


def test_inverse_round_trips() -> None:
    for epsilon in (0.1, 1.0, 5.0):
        rho = epsilon_to_rho(epsilon, 1e-6)
        assert rho_to_epsilon(rho, 1e-6) == pytest.approx(epsilon, abs=1e-9)
    assert epsilon_to_rho(1.0, 1e-6) == pytest.approx(0.024356, rel=1e-4)


def test_gaussian_mechanisms_compose_by_adding_rho() -> None:
    # two tables at sigma 10 cost the same as one at sigma 10/sqrt(2)
    assert gaussian_rho(10) * 2 == pytest.approx(gaussian_rho(10 / math.sqrt(2)))
    assert gaussian_sigma(gaussian_rho(7.5)) == pytest.approx(7.5)
    budget = Budget(1.0, 1e-6)
    budget.spend(gaussian_rho(10), "a").spend(gaussian_rho(10), "b")
    assert budget.spent_rho == pytest.approx(0.01)


def test_budget_refuses_overspending_and_shows_what_remains() -> None:
    budget = Budget(1.0, 1e-6)
    budget.spend(budget.total_rho * 0.75, "first release")
    with pytest.raises(Conflict) as err:
        budget.request(0.9, "second release")
    assert "remains" in err.value.message and err.value.hint
    assert f"{budget.remaining_epsilon():.3g}" in err.value.message
    assert len(budget.spent) == 1  # nothing was recorded for the refused release
    rho = budget.request(budget.remaining_epsilon() * 0.99)
    budget.spend(rho, "fits")
    with pytest.raises(Conflict):
        budget.spend(budget.total_rho, "no budget left")


@pytest.mark.parametrize(("epsilon", "delta", "words"), [
    (0.0, 1e-6, "above 0"), (-1.0, 1e-6, "above 0"), (float("nan"), 1e-6, "above 0"),
    (50.0, 1e-6, "too large"), (1.0, 0.0, "delta"), (1.0, 0.01, "delta"), (1.0, 1.5, "delta"),
])
def test_bad_budgets_are_refused(epsilon: float, delta: float, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        Budget(epsilon, delta)


def test_membership_advantage_bound() -> None:
    assert membership_advantage(1.0, 0.0) == pytest.approx((math.e - 1) / (math.e + 1))
    assert membership_advantage(0.0, 0.0) == 0.0
    assert membership_advantage(1.0, 1e-6) > membership_advantage(1.0, 0.0)
    assert membership_advantage(50.0, 0.0) <= 1.0
