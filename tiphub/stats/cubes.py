"""Summary cubes: grouped counts kept beside the case records, one set per submission.

Why: SQLite has no hash aggregation, so every GROUP BY over a million records sorts a million
rows (about 0.6 s each); six tables would take several seconds. An import already holds every
record in memory once, so it counts them into a few small cubes on the way (C-speed
``Counter.update`` over ``itemgetter`` keys), and the statistics read the cubes: hundreds or
thousands of rows instead of millions. The cubes are derived data — deleted with their
submission, and statistics fall back to the records when a filter is not in a cube (country,
region).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

BASE = ("organisation_id", "data_source", "year", "year_band")
PEOPLE = ("gender", "age_band", "majority_status")
CUBES: dict[str, tuple[str, ...]] = {
    # three cubes, not one per table: each is one C-speed counting pass over every record
    "people": BASE + PEOPLE + ("forms_yes",),
    "control": BASE + ("means_yes", "recruiters_yes"),
    "flows": BASE + ("citizenship", "citizenship_region", "country_of_exploitation",
                     "exploitation_region"),
}
FILTERABLE = {"organisation_id", "year"}


def cube_for(columns: Iterable[str], filters: Iterable[str]) -> str | None:
    """The smallest cube holding ``columns`` that can apply ``filters`` (column names)."""
    need, filt = set(columns), set(filters)
    if not filt <= FILTERABLE:
        return None
    fitting = [name for name, cols in CUBES.items() if need <= set(cols)]
    return min(fitting, key=lambda n: len(CUBES[n])) if fitting else None


class CubeCounter:
    """Counts record tuples (laid out as ``layout``) into every cube."""

    def __init__(self, layout: Sequence[str]) -> None:
        index = {name: i for i, name in enumerate(layout)}
        self.getters = {name: itemgetter(*(index[c] for c in cols)) for name, cols in CUBES.items()}
        self.counts: dict[str, Counter[tuple[Any, ...]]] = {name: Counter() for name in CUBES}

    def add(self, batch: list[tuple[Any, ...]]) -> None:
        for name, getter in self.getters.items():
            self.counts[name].update(map(getter, batch))

    def rows(self, submission_id: int) -> dict[str, list[tuple[Any, ...]]]:
        """Rows to store per cube: ``(submission_id, cube, *key, n)``."""
        return {
            name: [(submission_id, name, *key, n) for key, n in counter.items()]
            for name, counter in self.counts.items()
        }
