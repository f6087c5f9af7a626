"""The progress rule of logframe indicators (tiphub.coordination.indicators): every branch,
for increases and decreases, and zero-distance targets."""

from __future__ import annotations

from datetime import date

import pytest

from tiphub.coordination.indicators import expected_share, expected_value, progress

B, T = date(2024, 1, 1), date(2025, 1, 1)  # 366 days apart
MID = date(2024, 7, 2)  # exactly half-way


def status(baseline: float, target: float, measurements, on=date(2024, 8, 1),
           direction: str | None = None) -> str:
    direction = direction or ("increase" if target >= baseline else "decrease")
    return progress(baseline=baseline, baseline_date=B, target=target, target_date=T,
                    direction=direction, measurements=measurements, on=on).status


def test_expected_value_is_the_straight_line_flat_outside_the_period() -> None:
    assert expected_value(0, B, 100, T, MID) == pytest.approx(50)
    assert expected_value(40, B, 20, T, MID) == pytest.approx(30)  # a decrease
    assert expected_value(0, B, 100, T, date(2023, 6, 1)) == 0
    assert expected_value(0, B, 100, T, date(2026, 1, 1)) == 100
    assert expected_share(B, B, B) == 1.0 and expected_share(B, B, date(2023, 1, 1)) == 0.0


@pytest.mark.parametrize("value,expected", [
    (50, "on_track"),     # on the line
    (60, "on_track"),     # ahead of it
    (41, "on_track"),     # 9 % of the distance behind: within the tolerance
    (39, "at_risk"),      # 11 % behind
    (25, "at_risk"),      # 25 % behind: the edge
    (24, "off_track"),    # 26 % behind
    (-5, "off_track"),    # the wrong way
    (100, "achieved"),
    (130, "achieved"),    # beyond the target
])
def test_increase(value: float, expected: str) -> None:
    assert status(0, 100, [(MID, value)]) == expected


@pytest.mark.parametrize("value,expected", [
    (30, "on_track"), (32, "on_track"), (33, "at_risk"), (35, "at_risk"), (36, "off_track"),
    (45, "off_track"), (20, "achieved"), (12, "achieved"),
])
def test_decrease_from_40_to_20(value: float, expected: str) -> None:
    assert status(40, 20, [(MID, value)]) == expected


def test_the_figures_behind_the_status() -> None:
    p = progress(baseline=40, baseline_date=B, target=20, target_date=T, direction="decrease",
                 measurements=[(MID, 35), (date(2024, 3, 1), 39)], on=date(2024, 8, 1))
    assert (p.latest, p.latest_date) == (35, MID)  # the latest, whatever the order given
    assert p.expected == pytest.approx(30) and p.expected_share == pytest.approx(0.5)
    assert p.achieved_share == pytest.approx(0.25)
    assert p.as_dict()["label"] == "At risk" and p.as_dict()["latest_date"] == "2024-07-02"
    assert "25% of the way done where 50% was expected" == p.reason


def test_not_started_and_no_data() -> None:
    assert status(0, 100, [], on=date(2023, 12, 31)) == "not_started"
    assert status(0, 100, [(B, 0)], on=date(2023, 12, 31)) == "not_started"
    assert status(0, 100, [], on=B) == "no_data"
    # a measurement after the day asked about does not count yet
    assert status(0, 100, [(MID, 50)], on=date(2024, 6, 1)) == "no_data"


def test_a_missed_deadline_is_off_track() -> None:
    assert status(0, 100, [(MID, 50)], on=date(2025, 1, 2)) == "off_track"
    assert status(0, 100, [(T, 95)], on=T) == "off_track"  # measured on the target date
    assert status(0, 100, [(T, 100)], on=date(2026, 1, 1)) == "achieved"
    assert status(40, 20, [(date(2025, 3, 1), 21)], on=date(2025, 3, 1)) == "off_track"


def test_zero_distance_targets_keep_a_level() -> None:
    assert status(50, 50, [(MID, 50)], direction="increase") == "achieved"
    assert status(50, 50, [(MID, 55)], direction="increase") == "achieved"
    assert status(50, 50, [(MID, 49)], direction="increase") == "off_track"
    assert status(50, 50, [(MID, 45)], direction="decrease") == "achieved"
    assert status(50, 50, [(MID, 51)], direction="decrease") == "off_track"
    assert status(50, 50, [], direction="decrease") == "no_data"
    p = progress(baseline=50, baseline_date=B, target=50, target_date=T, direction="increase",
                 measurements=[(MID, 49)], on=MID)
    assert p.achieved_share is None and p.reason == "the level to keep was not kept"


def test_a_measurement_on_the_baseline_date_at_the_baseline_is_on_track() -> None:
    assert status(10, 100, [(B, 10)], on=B) == "on_track"


def test_direction_is_checked() -> None:
    with pytest.raises(ValueError):
        status(0, 100, [], direction="sideways")
