"""Compile a profile bound to a header into one specialised Python function.

Why generate code: an import validates every cell of millions of rows. A loop calling one
closure per cell spends most of its time in call overhead; one generated function with the
lookups written inline, and flag groups decoded through a memo of the patterns already seen
(a file has only a few hundred distinct flag patterns), runs several times faster. The slow
paths (normalised codes, problems, artefacts) stay ordinary Python functions.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from tiphub.ingest.profiles.setters import country_table
from tiphub.ingest.profiles.spec import BAD, FIELD_INDEX, FIRST_YEAR, GROUP_SLOTS, Col, Problem, artefact
from tiphub.vocab.codes import ANALYTIC

Fill = Callable[[list[str], list[Any], list[Problem]], None]


def compile_fill(bound: list[tuple[int, str, Col]], *, group_rule: str,
                 slow: Callable[[Col, str], Any], current_year: int) -> Fill:
    """``bound``: (column index, header name, spec) of every column the profile maps.

    ``slow(col, name)`` returns the per-cell fallback of one column (a setter closure taking
    ``(value, rec, problems)``) used off the fast path.
    """
    lines = ["def fill(row, rec, problems):"]
    env: dict[str, Any] = {"BAD": BAD}
    groups: dict[str, list[tuple[int, str, Col]]] = {}
    for n, (idx, name, col) in enumerate(bound):
        if col.kind == "flag":
            groups.setdefault(col.target or "", []).append((idx, name, col))
            continue
        fallback = f"S{n}"
        env[fallback] = slow(col, name)
        if col.kind in ("code", "year"):
            # a lookup of every valid text; anything else goes to the slow path
            table = f"T{n}"
            if col.kind == "code":
                env[table] = dict(col.codes or {})
            else:
                env[table] = {str(y): y for y in range(FIRST_YEAR, current_year + 1)}
                env[table].update({"": None, "-99": None})
            lines += [
                f"    v = row[{idx}]",
                f"    x = {table}.get(v, BAD)",
                "    if x is BAD:",
                f"        {fallback}(v, rec, problems)",
                "    else:",
                f"        rec[{FIELD_INDEX[col.target or 'year']}] = x",
            ]
        elif col.kind == "country":
            table = f"C{n}"
            env[table] = country_table()
            slot = FIELD_INDEX[col.target or ""]
            region = FIELD_INDEX[
                "citizenship_region" if col.target == "citizenship" else "exploitation_region"
            ]
            lines += [
                f"    v = row[{idx}]",
                "    if v:",
                f"        x = {table}.get(v)",
                "        if x is None:",
                f"            {fallback}(v, rec, problems)",
                "        else:",
                f"            rec[{slot}], rec[{region}] = x",
            ]
        else:
            lines.append(f"    {fallback}(row[{idx}], rec, problems)")
    for n, (group, members) in enumerate(groups.items()):
        getter, memo, decode = f"G{n}", f"M{n}", f"D{n}"
        indices = [idx for idx, _, _ in members]
        env[getter] = itemgetter(*indices) if len(indices) > 1 else (lambda r, i=indices[0]: (r[i],))
        env[memo] = {}
        env[decode] = _flag_decoder(group, members, env[memo], group_rule)
        yes_i, known_i = GROUP_SLOTS[group]
        lines += [
            f"    k = {getter}(row)",
            f"    x = {memo}.get(k)",
            "    if x is None:",
            f"        x = {decode}(k, problems)",
            f"    rec[{yes_i}], rec[{known_i}] = x",
        ]
    if len(lines) == 1:
        lines.append("    return None")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<tiphub-profile>", "exec"), env, namespace)  # noqa: S102
    return namespace["fill"]


FLAG_VALUES = {"1": 1, "0": 0, "": None, "-99": None, "1.0": 1, "0.0": 0, "true": 1,
               "false": 0, "True": 1, "False": 0, "yes": 1, "no": 0, "-99.0": None}


def _flag_decoder(group: str, members: list[tuple[int, str, Col]], memo: dict[Any, Any],
                  rule: str) -> Callable[[tuple[str, ...], list[Problem]], tuple[Any, Any]]:
    """Decode one group's flag cells into (yes mask, known mask), remembering valid patterns.

    ``rule='ctdc'``: in a group with any 1, a blank flag means no; with no 1 at all the group
    is not recorded. ``rule='explicit'``: 1 yes, 0 no, blank or -99 not recorded, per flag.
    """
    fg = ANALYTIC.flag_group(group)
    bits = [fg.bit(col.code or "") for _, _, col in members]
    names = [name for _, name, _ in members]
    present = 0
    for b in bits:
        present |= b

    def decode(key: tuple[str, ...], problems: list[Problem]) -> tuple[Any, Any]:
        yes = known = 0
        bad = False
        for value, bit, name in zip(key, bits, names, strict=True):
            flag = FLAG_VALUES.get(value, BAD)
            if flag is BAD:
                flag = FLAG_VALUES.get(value.strip().lower(), BAD)
            if flag is BAD:
                problems.append((name, artefact(value) or "flag-value"))
                bad = True
                continue
            if flag is None:
                continue
            known |= bit
            if flag:
                yes |= bit
        if rule == "ctdc":
            result = (yes, known | present) if yes else (None if not known else 0, known or None)
        else:
            result = (yes if known else None, known or None)
        if not bad:
            memo[key] = result
        return result

    return decode
