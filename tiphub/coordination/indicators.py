"""Progress of a logframe indicator against its target: the documented rule (pure logic).

An indicator moves from its **baseline** (a value on a date) towards its **target** (a value
by a date), upwards (``increase``) or downwards (``decrease``). Its progress is judged from
its latest *total* measurement (sex ``all``, age ``all``) on or before the day asked about
(``on``, by default today):

1. ``not_started`` — the day is before the baseline date.
2. ``no_data`` — no total measurement on or before the day.
3. ``achieved`` — the latest value has reached the target (at or above it for an increase,
   at or below it for a decrease), whenever that happened.
4. A *zero-distance* target (target = baseline: "keep the level") that is not achieved is
   ``off_track``: there is no distance to be partly along.
5. ``off_track`` — the target date has passed (the day is after it, or the latest value was
   measured on or after it) and the target is not reached: the deadline is missed.
6. Otherwise the latest value is compared with what was expected *on the date it was
   measured*, by straight-line interpolation between baseline and target:

   - achieved share ``a = (latest − baseline) / (target − baseline)``; the sign of the
     distance makes it work for both directions (a decrease from 40 to 20 measured at 30 has
     ``a = 0.5``); going the wrong way gives a negative share;
   - expected share ``e = (measured − baseline date) / (target date − baseline date)``,
     between 0 and 1;
   - the shortfall ``e − a`` is a share of the whole baseline → target distance:
     ``on_track`` when it is at most :data:`ON_TRACK_TOLERANCE` (10 %), ``at_risk`` when it is
     at most :data:`AT_RISK_TOLERANCE` (25 %), ``off_track`` beyond.

Being ahead of schedule is on track. The status never depends on colour alone: every status
has a label and the reason is given in words.

>>> from datetime import date
>>> p = progress(baseline=0, baseline_date=date(2024, 1, 1), target=100,
...              target_date=date(2025, 1, 1), direction="increase",
...              measurements=[(date(2024, 7, 2), 40.0)], on=date(2024, 8, 1))
>>> p.status, round(p.achieved_share, 2), round(p.expected_share, 2)
('at_risk', 0.4, 0.5)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

ON_TRACK_TOLERANCE = 0.10  # shortfall, as a share of the baseline → target distance
AT_RISK_TOLERANCE = 0.25
EPSILON = 1e-9  # floating-point slack when comparing values

DIRECTIONS = ("increase", "decrease")
STATUSES = ("achieved", "on_track", "at_risk", "off_track", "no_data", "not_started")
LABELS = {"achieved": "Achieved", "on_track": "On track", "at_risk": "At risk",
          "off_track": "Off track", "no_data": "No data", "not_started": "Not started"}


#: Why an indicator has its status: English templates, keyed by :attr:`Progress.why`
#: (listed in ``tiphub/web/core_strings.py`` so that the pages translate them)
REASONS = {
    "before_baseline": "the baseline date (%(baseline_date)s) is still to come",
    "no_measurement": "no measurement of the total since the baseline",
    "reached": "the target was reached by %(date)s",
    "level_not_kept": "the level to keep was not kept",
    "deadline_passed": "the target date (%(target_date)s) has passed without the target reached",
    "share": "%(done)s of the way done where %(expected)s was expected",
}


@dataclass(frozen=True)
class Progress:
    """An indicator's status on a day, with the figures behind it. ``why`` keys :data:`REASONS`,
    whose template ``why_values`` fill (dates as ISO text, shares as fractions): the web pages
    translate the template and format the values for the page's language."""

    status: str
    why: str
    on: date  # the day the status is for
    latest: float | None = None  # the latest total value on or before ``on``
    latest_date: date | None = None
    expected: float | None = None  # the value expected on ``latest_date`` (interpolated)
    achieved_share: float | None = None  # of the baseline → target distance (None: zero)
    expected_share: float | None = None
    why_values: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def reason(self) -> str:
        """Why, in English (the command line, the API, the national report)."""
        shown = {k: f"{v:.0%}" if isinstance(v, float) else v for k, v in self.why_values.items()}
        return REASONS[self.why] % shown

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["label"] = self.label
        out["reason"] = self.reason
        for key in ("on", "latest_date"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


def reached(value: float, target: float, direction: str) -> bool:
    """Whether ``value`` is at the target or beyond it in the indicator's direction."""
    if direction == "increase":
        return value >= target - EPSILON
    return value <= target + EPSILON


def expected_value(baseline: float, baseline_date: date, target: float, target_date: date,
                   day: date) -> float:
    """The value expected on ``day``: the straight line from baseline to target, flat before
    the baseline date and after the target date."""
    return baseline + (target - baseline) * expected_share(baseline_date, target_date, day)


def expected_share(baseline_date: date, target_date: date, day: date) -> float:
    """How much of the way should be done by ``day`` (0 to 1)."""
    span = (target_date - baseline_date).days
    if span <= 0:
        return 1.0 if day >= target_date else 0.0
    return min(1.0, max(0.0, (day - baseline_date).days / span))


def progress(*, baseline: float, baseline_date: date, target: float, target_date: date,
             direction: str, measurements: Iterable[tuple[date, float]],
             on: date | None = None) -> Progress:
    """The status of an indicator on day ``on`` (default: today) from its total measurements
    (``(date, value)`` pairs, in any order). See the module's documentation for the rule."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction is increase or decrease, not {direction!r}")
    on = on or date.today()
    if on < baseline_date:
        return Progress("not_started", "before_baseline", on,
                        why_values={"baseline_date": baseline_date.isoformat()})
    seen = sorted((d, v) for d, v in measurements if baseline_date <= d <= on)
    if not seen:
        return Progress("no_data", "no_measurement", on)
    when, value = seen[-1]
    distance = target - baseline
    share_expected = expected_share(baseline_date, target_date, when)
    figures = {"latest": value, "latest_date": when,
               "expected": expected_value(baseline, baseline_date, target, target_date, when),
               "expected_share": share_expected}
    zero = abs(distance) <= EPSILON
    share = None if zero else (value - baseline) / distance
    figures["achieved_share"] = share
    if reached(value, target, direction):
        return Progress("achieved", "reached", on, **figures, why_values={"date": when.isoformat()})
    if zero:
        return Progress("off_track", "level_not_kept", on, **figures)
    if on > target_date or when >= target_date:
        return Progress("off_track", "deadline_passed", on, **figures,
                        why_values={"target_date": target_date.isoformat()})
    assert share is not None
    shortfall = share_expected - share
    done = {"done": share, "expected": share_expected}
    if shortfall <= ON_TRACK_TOLERANCE + EPSILON:
        return Progress("on_track", "share", on, **figures, why_values=done)
    if shortfall <= AT_RISK_TOLERANCE + EPSILON:
        return Progress("at_risk", "share", on, **figures, why_values=done)
    return Progress("off_track", "share", on, **figures, why_values=done)
