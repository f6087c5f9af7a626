"""Secret rounding: unbiased, consistent, and always a multiple of the base."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tiphub import Hub, Settings
from tiphub.stats.rounding import secret_rounder


@given(n=st.integers(min_value=0, max_value=10**7), base=st.sampled_from([1, 3, 5, 10]))
def test_rounds_to_a_neighbouring_multiple(n: int, base: int) -> None:
    r = secret_rounder(b"k" * 32, base)(n)
    assert r % base == 0 and abs(r - n) < base and r == secret_rounder(b"k" * 32, base)(n)


def test_unbiased_on_average_and_keyed() -> None:
    a, b = secret_rounder(b"a" * 32, 5), secret_rounder(b"b" * 32, 5)
    values = range(10, 20_010)
    assert abs(sum(a(n) - n for n in values) / len(values)) < 0.1
    assert [a(n) for n in values] != [b(n) for n in values]


def test_the_hub_keeps_its_secret_across_sessions(tmp_path, write) -> None:
    from factories import ctdc_csv, ctdc_row

    settings = Settings(home=tmp_path, rounding_base=5)
    with Hub(settings) as hub:
        hub.add_organisation("o", "O")
        hub.import_file(write("a.csv", ctdc_csv([ctdc_row() for _ in range(47)])), org="o")
        first = hub.stats("sex-age").total.count
    with Hub(settings) as hub:
        assert hub.stats("sex-age").total.count == first
    assert first in (45, 50)
