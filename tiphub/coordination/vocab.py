"""The coordination vocabulary (``tiphub/vocab/data/coordination.json``): kinds of directory
entry, Global Plan of Action pillars, intervention types, funding sources, sexes, age groups.

>>> intervention("Legal aid")
'legal_aid'
>>> pillar_of("shelter")
'protection'
"""

from __future__ import annotations

from functools import cache
from typing import Any

from tiphub.vocab._text import lookup_key
from tiphub.vocab.codes import load_json


@cache
def vocabulary() -> dict[str, Any]:
    return load_json("coordination.json")


def codes(name: str) -> list[str]:
    """The codes of one list: directory_kinds, pillars, intervention_types, funding_sources,
    sexes or age_groups."""
    return list(vocabulary()[name])


def _label(entry: Any) -> str:
    return entry["label"] if isinstance(entry, dict) else entry


@cache
def _index(name: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, entry in vocabulary()[name].items():
        index[lookup_key(code)] = code
        index[lookup_key(_label(entry))] = code
    return index


def lookup(name: str, text: str) -> str | None:
    """The code of ``text`` (a code or a label, any case or punctuation) in list ``name``."""
    return _index(name).get(lookup_key(text))


def intervention(text: str) -> str | None:
    return lookup("intervention_types", text)


def pillar_of(intervention_code: str) -> str | None:
    """The pillar an intervention type usually belongs to (None for ``other``)."""
    return vocabulary()["intervention_types"][intervention_code]["pillar"]


def label(name: str, code: str) -> str:
    return _label(vocabulary()[name][code])
