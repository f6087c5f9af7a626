"""The analytic vocabulary (``data/analytic.json``) and HTCDS picklists (``data/htcds.json``).

>>> ANALYTIC.flag_group("forms").bit("sexual_exploitation")
2
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any


def load_json(name: str) -> Any:
    """Read one of the vocabulary data files shipped in ``tiphub/vocab/data``."""
    return json.loads(resources.files("tiphub.vocab").joinpath("data").joinpath(name).read_text("utf-8"))


@dataclass(frozen=True)
class FlagGroup:
    """A multi-valued field stored as two bit masks: which codes are yes, which are known.

    A code is *yes* when its bit is set in ``yes``; *no* when set in ``known`` but not in
    ``yes``; *not recorded* when its bit is clear in ``known``.
    """

    name: str
    label: str
    codes: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)

    def bit(self, code: str) -> int:
        return 1 << self.codes.index(code)

    def mask(self, codes: list[str] | set[str] | tuple[str, ...]) -> int:
        out = 0
        for code in codes:
            out |= self.bit(code)
        return out

    def decode(self, mask: int) -> list[str]:
        return [code for i, code in enumerate(self.codes) if mask >> i & 1]

    @property
    def all_bits(self) -> int:
        return (1 << len(self.codes)) - 1


@dataclass(frozen=True)
class Analytic:
    """Codes of every single-valued analytic field, and the flag groups."""

    schema_version: str
    fields: dict[str, tuple[str, ...]]
    labels: dict[str, dict[str, str]]
    groups: dict[str, FlagGroup]
    minor_bands: frozenset[str]
    adult_bands: frozenset[str]
    age_bounds: dict[str, tuple[int, int]]

    def codes(self, field_name: str) -> tuple[str, ...]:
        return self.fields[field_name]

    def label(self, field_name: str, code: str) -> str:
        return self.labels.get(field_name, {}).get(code, code)

    def flag_group(self, name: str) -> FlagGroup:
        return self.groups[name]

    def band_for_age(self, age: int) -> str:
        for band, (low, high) in self.age_bounds.items():
            if low <= age <= high:
                return band
        raise ValueError("age out of range")


@cache
def _analytic() -> Analytic:
    raw = load_json("analytic.json")
    single = {k: v for k, v in raw.items() if isinstance(v, dict) and "codes" in v}
    groups = {
        name: FlagGroup(name, g["label"], tuple(g["codes"]), g.get("labels", {}))
        for name, g in raw["flag_groups"].items()
    }
    ages = raw["age_band"]
    return Analytic(
        schema_version=raw["schema_version"],
        fields={k: tuple(v["codes"]) for k, v in single.items()},
        labels={k: v.get("labels", {}) for k, v in single.items()},
        groups=groups,
        minor_bands=frozenset(ages["minor"]),
        adult_bands=frozenset(ages["adult"]),
        age_bounds={k: (v[0], v[1]) for k, v in ages["bounds"].items()},
    )


ANALYTIC = _analytic()


@cache
def htcds() -> dict[str, Any]:
    """HTCDS 2.0 picklists and their mapping onto the analytic vocabulary."""
    return load_json("htcds.json")
