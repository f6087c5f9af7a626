"""Reading and validating overlap tables: every bad input gives InvalidInput naming where and what is
accepted, and never echoes the offending value."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tiphub.errors import InvalidInput
from tiphub.estimation import merge_lists, read_overlap, read_strata

DATA = Path(__file__).parent / "data"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overlap.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name,lists,observed", [
    ("uk_2013", 6, 2744), ("netherlands_2010_2015", 6, 8234), ("new_orleans", 8, 185),
    ("us_western_site", 5, 345), ("artificial_3", 3, 96)])
def test_reads_the_published_tables(name: str, lists: int, observed: int) -> None:
    table = read_overlap(DATA / f"{name}.csv")  # observed totals as in SOURCE.md
    assert (table.k, table.observed) == (lists, observed)


@pytest.mark.parametrize("text,fragment", [
    ("A,B,count\n2,0,5\n0,1,3\n", "row 2, column 'A': not a list membership"),
    ("A,B,count\n1,0,-5\n0,1,3\n", "row 2, column 'count': a negative count"),
    ("A,B,count\n1,0,2.5\n0,1,3\n", "row 2, column 'count': a fractional count"),
    ("A,B,count\n1,0,lots\n", "row 2, column 'count': not a number"),
    ("A,B,count\n0,0,9\n1,0,3\n", "row 2: a row for the all-zero history"),
    ("A,B,count\n1,0,2\n0,1,3\n1,0,4\n", "row 4: repeats the history of row 2"),
    ("A,count\n1,5\n", "fewer than two lists"),
    ("A,B,n\n1,0,5\n", "no 'count' column"),
    ("", "the table is empty"),
    ("A,B,count\n1,0,0\n", "all counts are zero"),
])
def test_bad_input(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as err:
        read_overlap(write(tmp_path, text))
    assert fragment in err.value.message
    assert err.value.message.startswith("overlap.csv")
    assert err.value.hint
    for secret in ("lots", "-5", "2.5"):
        assert secret not in str(err.value)


def test_lists_that_never_overlap_give_a_warning() -> None:
    table = read_overlap(DATA / "artificial_3.csv")
    assert any("list C shares no person" in w for w in table.warnings)
    separate = read_overlap({"10": 5, "01": 7})
    assert any("no two lists overlap at all" in w for w in separate.warnings)


def test_other_sources_patterns_and_rows() -> None:
    by_pattern = read_overlap({"110": 6, (1, 0, 0): 40, "010": 30, "001": 20}, lists=["A", "B", "C"])
    by_rows = read_overlap([{"A": 1, "B": 1, "C": 0, "count": 6}, {"A": 1, "B": 0, "C": 0, "count": 40},
                            {"A": 0, "B": 1, "C": 0, "count": 30}, {"A": 0, "B": 0, "C": 1, "count": 20}])
    csv = read_overlap(DATA / "artificial_3.csv")
    assert np.array_equal(by_pattern.counts, csv.counts)
    assert np.array_equal(by_rows.counts, csv.counts)


def test_merge_named_lists_and_small_lists() -> None:
    uk = read_overlap(DATA / "uk_2013.csv")
    merged = merge_lists(uk, merge={"PFNCA": ["PF", "NCA"]})
    assert merged.lists == ("LA", "NG", "GO", "GP", "PFNCA")
    assert merged.observed == uk.observed
    assert merged.list_totals()["PFNCA"] == uk.observed - sum(
        c for h, c in enumerate(uk.counts, start=1) if not (h >> 2) & 1 and not (h >> 5) & 1)
    small = read_overlap(DATA / "new_orleans.csv", merge_below=10)
    assert small.lists[-1] == "other" and small.observed == 185
    assert any("merged into 'other'" in w for w in small.warnings)
    with pytest.raises(InvalidInput, match="cannot merge"):
        merge_lists(uk, merge={"X": ["PF", "nope"]})


def test_strata_are_read_per_value(tmp_path: Path) -> None:
    path = write(tmp_path, "A,B,count,sex\n1,0,5,f\n0,1,3,f\n1,1,2,f\n1,0,4,m\n1,1,1,m\n")
    strata = read_strata(path, "sex")
    assert sorted(strata) == ["f", "m"]
    assert strata["f"].observed == 10 and strata["m"].observed == 5
    with pytest.raises(InvalidInput, match="no stratum column"):
        read_strata(path, "age")
