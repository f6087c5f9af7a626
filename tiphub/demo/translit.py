"""Cyrillic to Latin in the several ways real documents and case workers write it.

One Ukrainian, Russian or Bulgarian name gives several Latin spellings, one per system:

- ``official``: the national passport standard (Ukraine 2010, Russia ICAO 2013,
  Bulgaria 2009): Юлія -> Yuliia, Юлия -> Iuliia, Христо -> Hristo
- ``popular``: the informal English spelling people give themselves: Yulia, Olexandr
- ``german``: Julija, Schewtschenko
- ``french``: Ioulia, Chevtchenko
- ``scholarly``: ISO 9 style with diacritics: Julija, Ševčenko

>>> transliterate("Шевченко", "uk", "official"), transliterate("Шевченко", "uk", "german")
('Shevchenko', 'Schewtschenko')
"""

from __future__ import annotations

SYSTEMS = ("official", "popular", "german", "french", "scholarly")

_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ь": "", "ю": "yu", "я": "ya", "ё": "e", "ъ": "", "ы": "y",
    "э": "e", "є": "ie", "і": "i", "ї": "i", "ґ": "g", "'": "", "’": "",
}

# language -> system -> (letters, letters at the start of a word)
_TABLES: dict[str, dict[str, tuple[dict[str, str], dict[str, str]]]] = {
    "uk": {
        "official": ({"г": "h", "и": "y", "й": "i", "ю": "iu", "я": "ia", "є": "ie", "ї": "i"},
                     {"й": "y", "ю": "yu", "я": "ya", "є": "ye", "ї": "yi"}),
        "popular": ({"г": "h", "и": "y", "й": "y", "ю": "yu", "я": "ya", "є": "ye", "ї": "yi",
                     "ія": "ia", "кс": "x"}, {}),
        "german": ({"г": "h", "и": "y", "в": "w", "ж": "sch", "з": "s", "х": "ch", "ц": "z",
                    "ч": "tsch", "ш": "sch", "щ": "schtsch", "й": "j", "ю": "ju", "я": "ja",
                    "є": "je", "ї": "ji"}, {}),
        "french": ({"г": "h", "и": "y", "ж": "j", "ш": "ch", "ч": "tch", "щ": "chtch", "у": "ou",
                    "ю": "iou", "я": "ia", "й": "i", "є": "ie", "ї": "i"}, {}),
        "scholarly": ({"г": "h", "и": "y", "ж": "ž", "ш": "š", "ч": "č", "щ": "šč", "ц": "c",
                       "х": "ch", "й": "j", "ю": "ju", "я": "ja", "є": "je", "ї": "ji",
                       "ь": "'"}, {}),
    },
    "ru": {
        "official": ({"й": "i", "ю": "iu", "я": "ia", "ъ": "ie", "ё": "e"}, {}),
        "popular": ({"й": "y", "ё": "yo", "ья": "ya", "ий": "y"}, {"е": "ye"}),
        "german": ({"в": "w", "ж": "sch", "з": "s", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
                    "щ": "schtsch", "й": "j", "ю": "ju", "я": "ja", "ё": "jo", "ы": "y"},
                   {"е": "je"}),
        "french": ({"ж": "j", "ш": "ch", "ч": "tch", "щ": "chtch", "у": "ou", "ю": "iou",
                    "я": "ia", "й": "i", "ё": "io"}, {}),
        "scholarly": ({"ж": "ž", "ш": "š", "ч": "č", "щ": "ŝ", "ц": "c", "х": "h", "й": "j",
                       "ю": "ju", "я": "ja", "ё": "ë", "ь": "'"}, {}),
    },
    "bg": {
        "official": ({"х": "h", "щ": "sht", "ъ": "a", "ь": "y"}, {}),
        "popular": ({"х": "kh", "щ": "sht", "ъ": "u", "ь": "y"}, {}),
        "german": ({"в": "w", "ж": "sch", "з": "s", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
                    "щ": "scht", "й": "j", "ю": "ju", "я": "ja", "ъ": "a"}, {}),
        "french": ({"ж": "j", "ш": "ch", "ч": "tch", "щ": "cht", "у": "ou", "ю": "iou", "я": "ia",
                    "х": "kh", "ъ": "a"}, {}),
        "scholarly": ({"ж": "ž", "ш": "š", "ч": "č", "щ": "št", "ц": "c", "х": "h", "й": "j",
                       "ю": "ju", "я": "ja", "ъ": "ǎ"}, {}),
    },
}

# Bulgarian official: a final "ия" is written "ia" (Мария -> Maria)
_FINAL = {("bg", "official"): {"ия": "ia"}}


def transliterate(text: str, language: str, system: str = "official") -> str:
    """Write a Cyrillic ``text`` in Latin letters, the way ``system`` does for ``language``."""
    letters, initial = _TABLES[language][system]
    table = {**_COMMON, **letters}
    final = _FINAL.get((language, system), {})
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        low = ch.lower()
        start = i == 0 or not text[i - 1].isalpha()
        pair = text[i:i + 2].lower()
        end = i + 2 >= len(text) or not text[i + 2].isalpha()
        if len(pair) == 2 and end and pair in final:
            latin, i = final[pair], i + 2
        elif len(pair) == 2 and pair in table:
            latin, i = table[pair], i + 2
        elif start and low in initial:
            latin, i = initial[low], i + 1
        else:
            latin, i = table.get(low, ch), i + 1
        out.append(latin.capitalize() if ch.isupper() else latin)
    return "".join(out)
