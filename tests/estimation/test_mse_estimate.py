"""The entry point: figures, intervals, result object, strata, simulated populations, bad options."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tiphub.errors import InvalidInput
from tiphub.estimation import estimate, estimate_strata
from tiphub.estimation.intervals import profile_interval
from tiphub.estimation.simulate import simulate_population

DATA = Path(__file__).parent / "data"


def test_uk_2013_against_the_home_office_figures() -> None:
    # Home Office (Silverman 2014, gov.uk "Modern Slavery: an application of multiple systems
    # estimation"): "between 10 thousand and 13 thousand" potential victims in 2013.
    result = estimate(DATA / "uk_2013.csv", bootstrap=200)
    assert 11_000 < result.total < 11_800 and result.observed == 2744
    profile = next(i for i in result.intervals if i.method == "profile likelihood")
    assert 9_700 < profile.lower < 10_300 and 12_700 < profile.upper < 13_600
    boot = result.interval
    assert boot.lower < result.total < boot.upper and "reselected" in boot.method


def test_result_is_json_and_states_assumptions() -> None:
    result = estimate(DATA / "us_western_site.csv", bootstrap=100)
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) >= {"lists", "observed", "unseen", "total", "intervals", "model", "selection",
                         "alternatives", "diagnostics", "assumptions"}
    assert any("estimate, not a count" in a for a in data["assumptions"])
    assert any("Closed population" in a for a in data["assumptions"])
    assert data["selection"]["aic"] and data["selection"]["why"]
    assert any("within 2 AIC units" in d for d in data["diagnostics"])  # the spread of good models
    assert any(a["delta"] == 0 for a in data["alternatives"])


def test_bootstrap_is_reproducible_and_seeded() -> None:
    a = estimate(DATA / "artificial_3.csv", bootstrap=100, seed=7, profile=False)
    b = estimate(DATA / "artificial_3.csv", bootstrap=100, seed=7, profile=False)
    c = estimate(DATA / "artificial_3.csv", bootstrap=100, seed=8, profile=False)
    assert a.interval == b.interval and a.interval != c.interval


def test_artificial_3_fixed_models_that_fail_are_refused_in_plain_words() -> None:
    with pytest.raises(InvalidInput) as err:
        estimate(DATA / "artificial_3.csv", method="fixed", interactions=["A:B"], bootstrap=0)
    assert "does not exist" in err.value.message and "drop the interaction A:B" in err.value.message
    with pytest.raises(InvalidInput) as err:
        estimate(DATA / "artificial_3.csv", method="fixed", interactions=["A:B", "A:C", "B:C"], bootstrap=0)
    assert "not identifiable" in err.value.message
    ok = estimate(DATA / "artificial_3.csv", method="fixed", interactions=["A:C", "B:C"], bootstrap=0)
    assert ok.total == pytest.approx(296.0, rel=1e-6)
    assert any("share nobody" in d for d in ok.diagnostics)


def test_fixed_model_bootstrap_and_main_effects() -> None:
    result = estimate(DATA / "uk_2013.csv", method="main", bootstrap=200, reselect=False)
    assert result.model == [] and "fixed model" in result.interval.method
    assert result.interval.lower < result.total < result.interval.upper


def test_profile_interval_two_lists() -> None:
    # Lincoln–Petersen with n1 = 60, n2 = 50, m = 20: N̂ = 150; the profile interval brackets it
    prof = profile_interval(np.array([40, 30, 20]), 2, ())
    assert prof.lower < 150 < prof.upper and prof.mle == pytest.approx(150, rel=0.02)


@pytest.mark.parametrize("options,fragment", [
    ({"method": "magic"}, "unknown estimation method"),
    ({"criterion": "cp"}, "unknown model-selection criterion"),
    ({"level": 1.5}, "between 0 and 1"),
    ({"method": "exhaustive"}, "only offered for up to 5 lists"),
    ({"method": "fixed", "interactions": ["LA:XX"]}, "not two of the table's lists"),
])
def test_bad_options(options: dict, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        estimate(DATA / "uk_2013.csv", bootstrap=0, **options)


def test_strata_small_ones_are_skipped_or_merged() -> None:
    rng = np.random.default_rng(3)
    rows = []
    for label, size in (("adult", 3000), ("child", 2000), ("unknown", 40)):
        table = simulate_population(rng, size, [0.2, 0.15, 0.1, 0.25], heterogeneity=0.0)
        rows += [{**r, "age": label} for r in table.rows()]
    skipped = estimate_strata(rows, "age", bootstrap=50, min_persons=50)
    assert set(skipped.strata) == {"adult", "child"} and "unknown" in skipped.skipped
    assert skipped.total is None and any("not estimated" in d for d in skipped.diagnostics)
    merged = estimate_strata(rows, "age", bootstrap=50, min_persons=20, small="merge")
    assert merged.total and merged.interval and merged.interval.lower < merged.total < merged.interval.upper
    json.dumps(merged.to_dict())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simulated_population_with_dependence(seed: int) -> None:
    """Known size, heterogeneous capture, a referral dependence between lists A and B."""
    rng = np.random.default_rng(seed)
    size = 3000
    table = simulate_population(rng, size, [0.15, 0.1, 0.2, 0.12, 0.08], heterogeneity=0.1,
                                dependence={(0, 1): 1.0})
    result = estimate(table, bootstrap=150, seed=seed)
    assert abs(result.total - size) / size < 0.15
    assert "A:B" in result.model  # the dependence is found
    assert result.interval.lower < size * 1.05 and result.interval.upper > size * 0.95


@pytest.mark.slow
@pytest.mark.parametrize("name", ["uk_2013", "netherlands_2010_2015", "new_orleans", "us_western_site"])
def test_full_bootstrap_on_published_tables(name: str) -> None:
    result = estimate(DATA / f"{name}.csv", bootstrap=1000)
    assert result.interval.lower <= result.total <= result.interval.upper
