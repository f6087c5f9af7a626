"""Privacy accounting in zero-concentrated differential privacy (zCDP), shown as (ε, δ).

Why zCDP: a release is many Gaussian measurements (one per table, one per marginal of a
synthetic file). Under ρ-zCDP their costs simply add (Bun & Steinke 2016, Lemma 2.3), and
the sum converts to (ε, δ) far more tightly than adding up per-table ε's. People think in
ε, so budgets are *given* as (ε, δ), turned into ρ once (:func:`epsilon_to_rho`), spent
in ρ, and shown back as (ε, δ) (:func:`rho_to_epsilon`).

The conversion is the tight one of Canonne, Kamath & Steinke, *The Discrete Gaussian for
Differential Privacy* (NeurIPS 2020), Proposition 12 / Corollary 13 — the one OpenDP's
``make_zCDP_to_approxDP`` uses::

    ε(ρ, δ) = inf_{α>1}  αρ + (log(1/δ) + (α−1)·log(1−1/α) − log α) / (α−1)

The simple bound ε = ρ + 2√(ρ·log(1/δ)) (Bun & Steinke, Prop. 1.3) is kept for
comparison; it is always larger.

>>> round(rho_to_epsilon(epsilon_to_rho(1.0, 1e-6), 1e-6), 6)
1.0
>>> budget = Budget(epsilon=1.0, delta=1e-6)
>>> budget.spend(budget.total_rho / 2, "tables").remaining_epsilon() < 1
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from scipy.optimize import minimize_scalar

from tiphub.errors import Conflict, InvalidInput

MAX_EPSILON = 10.0  # beyond this the guarantee means nothing a person would recognise
MAX_DELTA = 1e-3  # δ must be far below 1/n; 1e-3 is already generous for any real dataset

__all__ = [
    "MAX_DELTA", "MAX_EPSILON", "ApproxSpend", "Budget", "Spend", "check_epsilon_delta", "epsilon_to_rho",
    "gaussian_rho", "gaussian_sigma", "membership_advantage", "rho_to_epsilon",
    "rho_to_epsilon_simple",
]


def check_epsilon_delta(epsilon: float, delta: float) -> None:
    """Refuse budgets that are meaningless (ε ≤ 0, δ outside (0, 1e-3]) or give no protection."""
    if not isinstance(epsilon, int | float) or math.isnan(epsilon) or epsilon <= 0:
        raise InvalidInput("epsilon must be a number above 0",
                           hint="typical values are 0.1 (strong protection) to 2; the default is 1")
    if epsilon > MAX_EPSILON:
        raise InvalidInput(
            f"epsilon {epsilon:g} is too large to protect anyone (the limit is {MAX_EPSILON:g})",
            hint="at epsilon 10 an attacker's odds can grow 22,000-fold; use 0.1 to 2")
    if not isinstance(delta, int | float) or math.isnan(delta) or not 0 < delta <= MAX_DELTA:
        raise InvalidInput(f"delta must be above 0 and at most {MAX_DELTA:g}",
                           hint="use a delta well below 1 / (number of records), e.g. 1e-6")


def _check_rho(rho: float) -> None:
    if not isinstance(rho, int | float) or math.isnan(rho) or rho < 0:
        raise InvalidInput("rho must be a number of at least 0")


def rho_to_epsilon_simple(rho: float, delta: float) -> float:
    """ε = ρ + 2√(ρ log(1/δ)): easy to check by hand, looser than :func:`rho_to_epsilon`."""
    _check_rho(rho)
    return rho + 2 * math.sqrt(rho * math.log(1 / delta))


def rho_to_epsilon(rho: float, delta: float) -> float:
    """The smallest ε such that ρ-zCDP implies (ε, δ)-DP (Canonne-Kamath-Steinke 2020)."""
    _check_rho(rho)
    if not 0 < delta < 1:
        raise InvalidInput("delta must be between 0 and 1")
    if rho == 0:
        return 0.0
    log_inv_delta = math.log(1 / delta)

    def eps(log_a1: float) -> float:  # α = 1 + e^t keeps α > 1 and makes the search scale-free
        a = 1 + math.exp(log_a1)
        return a * rho + (log_inv_delta + (a - 1) * math.log1p(-1 / a) - math.log(a)) / (a - 1)

    best = minimize_scalar(eps, bounds=(-20.0, 20.0), method="bounded", options={"xatol": 1e-10})
    return float(min(best.fun, rho_to_epsilon_simple(rho, delta)))


def epsilon_to_rho(epsilon: float, delta: float) -> float:
    """The largest ρ whose (ε, δ) conversion stays within ``epsilon`` (bisection: ε grows with ρ)."""
    check_epsilon_delta(epsilon, delta)
    low, high = 0.0, epsilon  # ε(ρ) ≥ ρ, so ρ = ε is always too much
    for _ in range(200):
        mid = (low + high) / 2
        if rho_to_epsilon(mid, delta) <= epsilon:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(high, 1e-12):
            break
    return low


@lru_cache(maxsize=1024)
def _cached_rho(epsilon: float, delta: float) -> float:
    return epsilon_to_rho(epsilon, delta)


def gaussian_rho(sigma: float, sensitivity: float = 1.0) -> float:
    """ρ of the (discrete) Gaussian mechanism with scale ``sigma`` on an L2-``sensitivity`` query."""
    return sensitivity**2 / (2 * sigma**2)


def gaussian_sigma(rho: float, sensitivity: float = 1.0) -> float:
    """The Gaussian scale that spends exactly ``rho`` on an L2-``sensitivity`` query."""
    if rho <= 0:
        raise InvalidInput("each measurement needs a positive share of the budget")
    return sensitivity / math.sqrt(2 * rho)


def membership_advantage(epsilon: float, delta: float) -> float:
    """Bound on an attacker's advantage (true-positive minus false-positive rate) in telling
    whether one person is in the data: (e^ε − 1 + 2δ)/(e^ε + 1) — the corner of the
    (ε, δ)-DP hypothesis-testing region (Kairouz, Oh & Viswanath 2015)."""
    return min(1.0, (math.expm1(epsilon) + 2 * delta) / (math.exp(epsilon) + 1))


@dataclass(frozen=True)
class Spend:
    """One entry of the ledger: what was released and what it cost."""

    label: str
    rho: float


@dataclass(frozen=True)
class ApproxSpend:
    """A spend by a mechanism that is only (ε, δ)-DP (pac-synth): it cannot be charged in ρ.

    It is charged in (ε, δ) instead, by basic composition with the zCDP part of the ledger
    (see :class:`Budget`)."""

    label: str
    epsilon: float
    delta: float


@dataclass
class Budget:
    """An (ε, δ) budget kept as ρ, spent by releases; refuses what would overspend.

    In memory only: the database ledger stores the same entries and rebuilds a ``Budget``
    from them with :meth:`spend` and :meth:`spend_approx`.

    Most releases are Gaussian measurements and spend ρ. A mechanism that is only
    (ε_i, δ_i)-DP — pac-synth — spends from the budget *in (ε, δ)*: all releases together are
    then (ε(Σρ, δ − Σδ_i) + Σε_i, δ)-DP, by converting the zCDP part at what is left of δ and
    adding the rest by basic composition (which also holds when the two kinds interleave
    adaptively: concurrent composition, Vadhan & Wang 2021; Lyu 2022). So an approximate
    spend shrinks the ρ the budget holds: ``total_rho`` is ρ(ε − Σε_i, δ − Σδ_i).
    """

    epsilon: float
    delta: float = 1e-6
    spent: list[Spend] = field(default_factory=list)
    approx: list[ApproxSpend] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_epsilon_delta(self.epsilon, self.delta)

    @staticmethod
    def _rho_within(epsilon: float, delta: float) -> float:
        """ρ whose conversion at ``delta`` stays within ``epsilon`` (0 when nothing is left)."""
        if epsilon <= 1e-12 or delta <= 0:
            return 0.0
        return _cached_rho(min(epsilon, MAX_EPSILON), min(delta, MAX_DELTA))

    @property
    def approx_epsilon(self) -> float:
        return math.fsum(a.epsilon for a in self.approx)

    @property
    def approx_delta(self) -> float:
        return math.fsum(a.delta for a in self.approx)

    @property
    def zcdp_delta(self) -> float:
        """The δ at which the zCDP part is converted: what approximate spends left of δ."""
        return self.delta - self.approx_delta

    @property
    def total_rho(self) -> float:
        return self._rho_within(self.epsilon - self.approx_epsilon, self.zcdp_delta)

    @property
    def spent_rho(self) -> float:
        return math.fsum(s.rho for s in self.spent)

    @property
    def remaining_rho(self) -> float:
        return max(0.0, self.total_rho - self.spent_rho)

    def spent_epsilon(self) -> float:
        if not self.spent_rho:
            zcdp = 0.0
        else:
            zcdp = rho_to_epsilon(self.spent_rho, self.zcdp_delta) if self.zcdp_delta > 0 else math.inf
        return zcdp + self.approx_epsilon

    def remaining_epsilon(self) -> float:
        """What a further release could still spend, as ε: ε(total ρ) − ε(spent ρ) is *not* it,
        because ε does not add; the remaining ρ converted on its own is, at the δ the zCDP part
        still has (what approximate spends left of δ)."""
        return rho_to_epsilon(self.remaining_rho, self.zcdp_delta)

    def check(self, rho: float, label: str = "this release", *, epsilon: float = 0.0,
              delta: float = 0.0) -> None:
        """Raise :class:`~tiphub.errors.Conflict` if spending ``rho`` (and, for an (ε, δ)-DP
        mechanism, ``epsilon`` and ``delta``) would exceed the budget."""
        _check_rho(rho)
        after = Budget(self.epsilon, self.delta, list(self.spent),
                       [*self.approx, ApproxSpend(label, epsilon, delta)] if epsilon or delta
                       else list(self.approx))
        over = (rho > after.total_rho - after.spent_rho + after.total_rho * 1e-9 + 1e-15
                or after.approx_epsilon > self.epsilon * (1 + 1e-9)
                or after.zcdp_delta <= 0)
        if over:
            asked = (rho_to_epsilon(rho, self.delta) if rho else 0.0) + epsilon
            raise Conflict(
                f"{label} needs epsilon {asked:.3g} but only "
                f"{self.remaining_epsilon():.3g} of the budget (epsilon {self.epsilon:g}, "
                f"delta {self.delta:g}) remains",
                hint=f"spent so far: epsilon {self.spent_epsilon():.3g} in "
                     f"{len({s.label for s in self.spent} | {a.label for a in self.approx})} "
                     "release(s); ask for a smaller "
                     "epsilon or fewer tables",
            )

    def spend(self, rho: float, label: str) -> Budget:
        """Record a spend of ``rho`` (after :meth:`check`); returns ``self`` for chaining."""
        self.check(rho, label)
        self.spent.append(Spend(label, float(rho)))
        return self

    def spend_approx(self, epsilon: float, delta: float, label: str) -> Budget:
        """Record a spend of an (ε, δ)-DP mechanism (after :meth:`check`)."""
        self.check(0.0, label, epsilon=epsilon, delta=delta)
        self.approx.append(ApproxSpend(label, float(epsilon), float(delta)))
        return self

    def request(self, epsilon: float, label: str = "this release") -> float:
        """The ρ of a release asking for ``epsilon`` at this budget's δ, refused if it overspends."""
        check_epsilon_delta(epsilon, self.delta)
        rho = epsilon_to_rho(epsilon, self.delta)
        self.check(rho, label)
        return rho
