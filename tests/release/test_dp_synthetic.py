"""Synthetic microdata: the CTDC format, valid codes, determinism, refusals; the report's metrics."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from tiphub.demo import calibration as cal
from tiphub.demo import ctdc_columns, iter_ctdc_synthetic
from tiphub.errors import InvalidInput
from tiphub.release import (
    epsilon_to_rho,
    frame_from_ctdc,
    read_ctdc_csv,
    release_report,
    synthesize,
    write_ctdc_csv,
)
from tiphub.release.data import Attribute, Frame
from tiphub.release.report import exact_matches, marginal_tvd, rare_reappearing, tvd, tvd_range


@pytest.fixture(scope="module")
def frame():
    return frame_from_ctdc(iter_ctdc_synthetic(4000, seed=11), years=cal.YEARS)


def test_synthetic_file_has_the_27_ctdc_columns_and_valid_codes(frame, tmp_path) -> None:
    release = synthesize(frame, epsilon_to_rho(1.0, 1e-6), seed=3)
    assert release.frame.names == ctdc_columns()
    assert len(release.edges) == 26 and not release.secure
    path = write_ctdc_csv(release.frame, tmp_path / "synthetic.csv")
    with path.open(encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert tuple(header) == ctdc_columns()
    back = read_ctdc_csv(path, years=cal.YEARS)  # every value is inside its vocabulary
    assert (back.data == release.frame.data).all()
    assert abs(back.n - frame.n) < 0.1 * frame.n  # the noisy count


def test_same_seed_same_records(frame) -> None:
    cols = ["gender", "ageBroad", "citizenship", "isForcedLabour"]
    small = frame.select(cols)
    a = synthesize(small, 0.05, seed=9, rows=500)
    b = synthesize(small, 0.05, seed=9, rows=500)
    c = synthesize(small, 0.05, seed=10, rows=500)
    assert (a.frame.data == b.frame.data).all() and a.edges == b.edges
    assert (a.frame.data != c.frame.data).any()
    assert a.frame.n == 500


def test_synthetic_data_is_close_to_the_real_data(frame) -> None:
    cols = ["gender", "ageBroad", "traffickMonths", "isForcedLabour", "isSexualExploit"]
    real = frame.select(cols)
    synth = synthesize(real, epsilon_to_rho(1.0, 1e-6), seed=1).frame
    assert marginal_tvd(real, synth, 2).mean < 0.1


def test_refuses_what_it_cannot_do(frame) -> None:
    with pytest.raises(InvalidInput, match="too few"):
        synthesize(Frame(frame.attributes, frame.data[:100]), 1.0, seed=1)
    with pytest.raises(InvalidInput, match="positive share"):
        synthesize(frame, 0.0, seed=1)
    with pytest.raises(InvalidInput, match="two columns"):
        synthesize(frame.select(["gender"]), 1.0, seed=1)


def test_values_outside_the_vocabulary_are_refused_without_echoing_them() -> None:
    row = ["2020", "Woman", "18--20", "ZZZ", "POL", "", *[""] * 21]
    with pytest.raises(InvalidInput) as err:
        frame_from_ctdc([row], years=range(2019, 2022))
    assert "citizenship" in err.value.message and "ZZZ" not in str(err.value)
    with pytest.raises(InvalidInput, match="columns"):
        frame_from_ctdc([row[:5]])


# -- the report, on toy inputs ---------------------------------------------------------------

A, B = Attribute("a", ("x", "y")), Attribute("b", ("u", "v", "w"))


def toy(rows: list[tuple[int, int]]) -> Frame:
    return Frame((A, B), np.array(rows, dtype=np.int32))


def test_tvd_on_known_inputs() -> None:
    assert tvd(np.array([1, 0]), np.array([0, 1])) == 1.0
    assert tvd(np.array([2, 2]), np.array([1, 1])) == 0.0
    assert tvd(np.array([3, 1]), np.array([1, 1])) == pytest.approx(0.25)
    real, synth = toy([(0, 0), (0, 1), (1, 2), (1, 2)]), toy([(0, 0), (0, 0), (1, 2), (1, 1)])
    one = marginal_tvd(real, synth, 1)
    assert one.count == 2 and one.worst == pytest.approx(0.25) and one.worst_columns == ("b",)
    assert marginal_tvd(real, synth, 2).mean == pytest.approx(0.5)
    assert tvd_range(0.031) == "under 0.05"


def test_rare_combinations_and_unique_matches() -> None:
    real = toy([(0, 0)] * 12 + [(0, 1)] * 3 + [(1, 2)])  # (0,0) common, (0,1) rare, (1,2) unique
    synth = toy([(0, 0), (1, 2), (1, 2), (1, 0)])
    assert rare_reappearing(real, synth) == (2, 0.5)
    assert exact_matches(real, synth) == (2, 0.5)


def test_release_report(frame) -> None:
    real = frame.select(["gender", "ageBroad", "isForcedLabour"])
    synth = synthesize(real, 0.05, seed=2).frame
    report = release_report(real, 1.0, 1e-6, synthetic=synth)
    assert [t.ways for t in report.tvd] == [1, 2, 3]
    assert 0 <= report.rare_reappearing <= 1 and report.unique_matches >= 0
    public = report.public()
    assert public["membership_advantage_at_most"] == pytest.approx(0.462, abs=1e-3)
    assert str(public["tvd_2way_mean"]).startswith("under")


def test_opendp_noise_without_a_seed(frame) -> None:
    release = synthesize(frame.select(["gender", "ageBroad", "isForcedLabour"]), 0.05)
    assert release.secure and release.frame.n > 0
