"""Noisy tables: consistency (non-negative integers, margins that add up), seeds, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from tiphub.demo import calibration as cal
from tiphub.demo import iter_ctdc_synthetic
from tiphub.errors import InvalidInput
from tiphub.release import epsilon_to_rho, frame_from_ctdc, release_tables
from tiphub.release.consistency import clip_and_renormalise, project, round_preserving, round_table
from tiphub.release.tables import WORKLOAD, allocate, gaussian_optimum_mae, workload


@pytest.fixture(scope="module")
def frame():
    return frame_from_ctdc(iter_ctdc_synthetic(5000, seed=3), years=cal.YEARS)


def test_tables_are_non_negative_integers_with_consistent_margins(frame) -> None:
    release = release_tables(frame, epsilon_to_rho(1.0, 1e-6), seed=1)
    assert set(release.tables) == set(WORKLOAD)
    totals = {t.total for t in release.tables.values()}
    assert len(totals) == 1  # every table has the same grand total
    for table in release.tables.values():
        assert table.counts.dtype.kind == "i" and (table.counts >= 0).all()
        assert table.counts.shape == tuple(len(d) for d in table.domains)
        first = table.attributes[0]
        assert (table.margin(first) == release.margins[first]).all()  # the shared margin, exactly
    sex = [t.margin("gender") for t in release.tables.values() if "gender" in t.attributes]
    assert all((m == sex[0]).all() for m in sex)
    assert not release.secure


def test_every_key_of_the_public_domain_is_shown(frame) -> None:
    table = release_tables(frame, 0.05, ["citizenship"], seed=2).tables["citizenship"]
    assert len(table.domains[0]) == 250 + 1  # all ISO countries and "not recorded"
    cells = table.present(k=10)
    assert len(cells) == 251
    assert all(isinstance(c["count"], int) and c["count"] >= 10 or c["count"] == "<10" for c in cells)
    assert any(c["flagged"] for c in cells)
    assert {"sd", "ci95", "flagged"} <= set(cells[0])


def test_same_seed_same_tables(frame) -> None:
    a = release_tables(frame, 0.02, ["sex-age", "flows"], seed=5)
    b = release_tables(frame, 0.02, ["sex-age", "flows"], seed=5)
    c = release_tables(frame, 0.02, ["sex-age", "flows"], seed=6)
    assert all((a.tables[k].counts == b.tables[k].counts).all() for k in a.tables)
    assert any((a.tables[k].counts != c.tables[k].counts).any() for k in a.tables)


def test_projection_beats_clipping_on_a_sparse_table() -> None:
    rng = np.random.default_rng(0)
    truth = np.zeros((60, 60))
    truth[rng.integers(0, 60, 40), rng.integers(0, 60, 40)] = rng.integers(5, 200, 40)
    noisy = truth + rng.normal(0, 5, truth.shape)
    projected = project(noisy, {(0,): truth.sum(1), (1,): truth.sum(0)})
    assert np.abs(projected.sum(1) - truth.sum(1)).max() < 1e-3
    assert (projected >= 0).all()
    clipped = clip_and_renormalise(noisy, truth.sum())
    assert np.abs(projected - truth).sum() < np.abs(clipped - truth).sum() / 2


def test_rounding_keeps_totals() -> None:
    x = np.array([[0.4, 1.3, 2.3], [5.5, 0.25, 0.25]])
    out = round_table(x, np.array([4, 6]))
    assert out.sum(axis=1).tolist() == [4, 6] and (np.abs(out - x) < 1).all()
    assert round_preserving(np.array([1 / 3] * 3), 1).sum() == 1


def test_allocation_minimises_error() -> None:
    specs = workload(["sex-age", "flows"])
    shares = allocate(specs, [40, 63001], 1.0)
    assert sum(shares) == pytest.approx(1.0) and shares[1] > shares[0]
    assert shares[1] / shares[0] == pytest.approx((63001 / 40) ** (2 / 3))
    # the optimum of a single table is sigma*sqrt(2/pi)
    assert gaussian_optimum_mae([10], 0.5) == pytest.approx(np.sqrt(2 / np.pi))


def test_bad_requests(frame) -> None:
    with pytest.raises(InvalidInput, match="outside the public workload"):
        release_tables(frame, 0.1, ["sex-age", "salaries"], seed=1)
    with pytest.raises(InvalidInput, match="positive share"):
        release_tables(frame, 0.0, seed=1)
    with pytest.raises(InvalidInput, match="post-processing"):
        release_tables(frame, 0.1, seed=1, method="magic")


def test_opendp_noise_is_used_without_a_seed(frame) -> None:
    release = release_tables(frame, 0.05, ["sex-age"])
    assert release.secure and release.tables["sex-age"].total > 0
