"""Text folding shared by the vocabulary lookups, and the CSV reader for ``vocab/data``.

>>> lookup_key("Côte d’Ivoire") == lookup_key("COTE D'IVOIRE") == "cotedivoire"
True
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from importlib import resources

# Letters that Unicode decomposition leaves alone but people type without their stroke.
_FOLD = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ı": "i", "&": " and "}
)
# Abbreviations written both ways in country names ("St. Lucia", "Saint Lucia").
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
_WORD = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Lower-case ASCII words of ``text``: accents, case and punctuation dropped."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return [_ABBREVIATIONS.get(word, word) for word in _WORD.findall(ascii_text)]


def lookup_key(text: str) -> str:
    """The index key of ``text``: its words joined without spaces."""
    return "".join(tokens(text))


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a CSV file shipped in ``tiphub/vocab/data``."""
    text = resources.files("tiphub.vocab").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))
