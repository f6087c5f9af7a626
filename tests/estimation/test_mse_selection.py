"""Model selection on the published tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from tiphub.errors import InvalidInput
from tiphub.estimation import read_overlap
from tiphub.estimation.models import model_name
from tiphub.estimation.selection import exhaustive, stepwise

DATA = Path(__file__).parent / "data"


def test_uk_stepwise_model_and_estimate() -> None:
    uk = read_overlap(DATA / "uk_2013.csv")
    for criterion in ("pvalue", "aic"):  # both rules reach the same 7-interaction model here
        sel = stepwise(uk.counts, uk.k, criterion=criterion)
        expected = "LA:NG + LA:PF + NG:GO + NG:GP + PF:GP + PF:NCA + GO:GP"
        assert model_name(uk.lists, sel.chosen.model) == expected
        # published (Home Office, Silverman 2014): "between 10 thousand and 13 thousand", central ~11,300
        assert 11_000 < sel.chosen.total < 11_800
    assert [s.added for s in sel.steps][0] == (2, 5)  # PF:NCA, the strongest overlap, enters first


def test_stepwise_never_picks_a_model_that_fails_the_checks() -> None:
    art = read_overlap(DATA / "artificial_3.csv")
    sel = stepwise(art.counts, art.k, threshold=1.0)
    assert (0, 1) not in sel.chosen.model  # A:B has no MLE on this table


def test_exhaustive_on_western_site() -> None:
    west = read_overlap(DATA / "us_western_site.csv")
    sel = exhaustive(west.counts, west.k)
    assert len(sel.good) + len(sel.failed) == 2 ** 10
    assert sel.good[0] is sel.chosen
    assert all(f.aic >= sel.chosen.aic for f in sel.good)
    art = read_overlap(DATA / "artificial_3.csv")
    sel = exhaustive(art.counts, art.k)
    assert len(sel.failed) == 4  # AB, AB+AC, AB+BC (no MLE) and AB+AC+BC (not identifiable)
    assert sel.chosen.model == ((0, 2), (1, 2))


def test_exhaustive_refuses_six_lists() -> None:
    uk = read_overlap(DATA / "uk_2013.csv")
    with pytest.raises(InvalidInput, match="too large"):
        exhaustive(uk.counts, uk.k)


@pytest.mark.parametrize("name,low,high", [
    ("new_orleans", 700, 2000),        # Bales, Murphy & Silverman: about 1,000 (our stepwise: D:E, ~1,180)
    ("us_western_site", 1500, 3500),   # Farrell et al. 2019 report a few thousand; our stepwise ~2,480
])
def test_other_published_tables_give_plausible_totals(name: str, low: int, high: int) -> None:
    table = read_overlap(DATA / f"{name}.csv")
    assert low < stepwise(table.counts, table.k).chosen.total < high
