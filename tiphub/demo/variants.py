"""The small errors and variants that make one person look like several.

Typos (insertion, deletion, substitution, transposition), day/month swaps, birth years
off by one, estimated birth dates written as 1 January, document numbers copied with
spaces or a wrong digit.

>>> import random
>>> typo("Kowalska", random.Random(2)) != "Kowalska"
True
"""

from __future__ import annotations

import random
from datetime import date

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _i, _ch in enumerate(_row):
        near = _row[max(_i - 1, 0):_i] + _row[_i + 1:_i + 2]
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_ROWS):
                near += _ROWS[_other][max(_i - 1, 0):_i + 1]
        _NEIGHBOURS[_ch] = near

_ALPHABETS = (
    "абвгдежзийклмнопрстуфхцчшщыьэюяіїє",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
)

TYPOS = ("insert", "delete", "substitute", "transpose")


def _near(ch: str, rnd: random.Random) -> str:
    low = ch.lower()
    if low in _NEIGHBOURS:
        pick = rnd.choice(_NEIGHBOURS[low])
        return pick.upper() if ch.isupper() else pick
    for alphabet in _ALPHABETS:
        if low in alphabet:
            pick = rnd.choice(alphabet)
            return pick.upper() if ch.isupper() else pick
    return ch


def typo(word: str, rnd: random.Random, kind: str | None = None) -> str:
    """One keyboard or hearing error in ``word``; words under 4 letters are left alone."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 4:
        return word
    kind = kind or rnd.choice(TYPOS)
    pos = rnd.choice(letters[1:]) if rnd.random() < 0.9 else letters[0]
    if kind == "insert":
        pos = max(pos, 1)
        extra = word[pos] if rnd.random() < 0.5 else _near(word[pos], rnd).lower()
        out = word[:pos] + extra + word[pos:]
    elif kind == "substitute":
        out = word[:pos] + _near(word[pos], rnd) + word[pos + 1:]
    elif kind == "transpose" and pos > 0 and word[pos - 1].isalpha():
        out = word[:pos - 1] + word[pos] + word[pos - 1] + word[pos + 1:]
    else:
        out = word[:pos] + word[pos + 1:]
    if out == word:
        out = word[:letters[-1]] + word[letters[-1] + 1:]
    return out


def swap_day_month(day: date) -> date | None:
    """2001-03-07 -> 2001-07-03; ``None`` when the swap gives the same or no date."""
    if day.day > 12 or day.day == day.month:
        return None
    return date(day.year, day.day, day.month)


def shift_year(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for a 29 February that does not exist)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


DOCUMENT_FORMATS = {
    "GBR": "#########", "UKR": "AA######", "ALB": "AA#######", "VNM": "A#######",
    "CHN": "A########", "NGA": "A########", "IND": "A#######", "ROU": "########",
    "POL": "AA#######", "BGR": "#########", "ERI": "A#######", "SDN": "P########",
}


def document_number(country: str, rnd: random.Random) -> str:
    """A passport-like number in the shape the issuing country uses."""
    pattern = DOCUMENT_FORMATS.get(country, "AA#######")
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return "".join(rnd.choice(letters) if c == "A" else str(rnd.randrange(10)) if c == "#" else c
                   for c in pattern)


def document_variant(number: str, rnd: random.Random) -> str:
    """The same number copied by hand: with a space, lower case, or one digit wrong."""
    kind = rnd.randrange(4)
    if kind == 0:
        cut = len(number) // 2
        return number[:cut] + " " + number[cut:]
    if kind == 1 and number[:1].isalpha():
        return number.lower()
    i = rnd.choice([k for k, c in enumerate(number) if c.isdigit()])
    if kind == 3 and i + 1 < len(number) and number[i + 1] != number[i]:
        return number[:i] + number[i + 1] + number[i] + number[i + 2:]
    return number[:i] + str((int(number[i]) + rnd.randrange(1, 10)) % 10) + number[i + 1:]
