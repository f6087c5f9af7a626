"""What an estimate says: the figures, the model and why, the alternatives, and plain-English caveats.

Plain dataclasses with ``to_dict()`` (JSON-serialisable, floats rounded for people, not for
round-trips) so the CLI, the API, the web page and the report can all render the same object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["ASSUMPTIONS", "Alternative", "Interval", "MSEResult", "StratifiedResult"]

ASSUMPTIONS = (
    "This is an estimate, not a count: the unseen number comes from a statistical model of how the "
    "lists overlap, and the interval shows how uncertain it is.",
    "Closed population: the same people could have been seen by every list during the period "
    "(no one entered or left the population in a way that depends on the lists).",
    "Dependence between lists is captured by the two-list interactions in the model; dependence "
    "involving three or more lists at once is assumed absent.",
    "Homogeneity: within the table (or within each stratum), every person has the same chances of "
    "being seen by each list once the interactions are accounted for; differences in visibility "
    "between groups bias the estimate, usually downwards.",
    "Record linkage is correct: each person is counted once and appears on exactly the lists that "
    "saw them.",
)


def _num(x: float | None, digits: int = 1) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return round(float(x), digits)


@dataclass(frozen=True)
class Interval:
    method: str  # "bootstrap (model reselected)", "bootstrap (fixed model)", "profile likelihood"
    lower: float
    upper: float
    level: float = 0.95
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "level": self.level, "lower": _num(self.lower),
                "upper": _num(self.upper), "note": self.note}


@dataclass(frozen=True)
class Alternative:
    model: list[str]
    aic: float
    bic: float
    delta: float
    unseen: float
    total: float

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "aic": _num(self.aic, 2), "bic": _num(self.bic, 2),
                "delta": _num(self.delta, 2), "unseen": _num(self.unseen), "total": _num(self.total)}


@dataclass
class MSEResult:
    """One multiple systems estimate."""

    name: str
    lists: list[str]
    observed: int
    unseen: float
    total: float
    intervals: list[Interval]
    model: list[str]
    selection: dict[str, Any]
    alternatives: list[Alternative]
    diagnostics: list[str]
    assumptions: list[str] = field(default_factory=lambda: list(ASSUMPTIONS))
    replicates: np.ndarray | None = field(default=None, repr=False)

    @property
    def interval(self) -> Interval | None:
        """The headline 95 % interval: the first one computed (the bootstrap when it ran)."""
        return self.intervals[0] if self.intervals else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "lists": self.lists, "observed": self.observed,
            "unseen": _num(self.unseen), "total": _num(self.total),
            "intervals": [i.to_dict() for i in self.intervals],
            "model": self.model, "selection": self.selection,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "diagnostics": self.diagnostics, "assumptions": self.assumptions,
        }


@dataclass
class StratifiedResult:
    """Estimates per stratum, the strata left out or merged and why, and the sum of the strata."""

    stratum: str
    strata: dict[str, MSEResult]
    skipped: dict[str, str]
    observed: int
    total: float | None
    interval: Interval | None
    diagnostics: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"stratum": self.stratum, "observed": self.observed, "total": _num(self.total),
                "interval": self.interval.to_dict() if self.interval else None,
                "strata": {k: v.to_dict() for k, v in self.strata.items()},
                "skipped": self.skipped, "diagnostics": self.diagnostics,
                "assumptions": list(ASSUMPTIONS)}
