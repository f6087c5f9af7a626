"""What a link run tells: records against distinct persons, and the list-overlap table.

The overlap table (how many persons each combination of organisations holds, and only
them) is what multiple systems estimation needs. Counts leave the hub protected unless the
caller asks for the exact table (the command line, and hub administrators, for estimation):

- a count below the minimum cell size is shown as ``<k`` (primary suppression), and enough
  others are withheld (``x``) that the column's published total does not give it away — the
  same suppression as every statistics table (:mod:`tiphub.stats.suppression`);
- every count shown — cells, per-organisation figures and totals — is secretly rounded to the
  hub's rounding base (:mod:`tiphub.stats.rounding`), because the tables are margins of one
  another: an organisation's persons are the sum of the overlap cells it appears in, and
  subtracting the shown cells from it would otherwise give a hidden one exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from tiphub.stats.suppression import suppress


def summarise(person_orgs: Iterable[tuple[int, int]], codes: dict[int, str],
              records: dict[int, int], *, min_cell: int, exact: bool,
              rounder: Callable[[int], int] = lambda n: n) -> dict[str, Any]:
    """Per-organisation records and persons, and the overlap table of one run.

    ``person_orgs``: (person, organisation_id) pairs, each once; ``records``: linked records
    per organisation id.
    """
    held: dict[int, set[int]] = {}
    for person, org in person_orgs:
        held.setdefault(person, set()).add(org)
    order = sorted(codes, key=lambda o: codes[o])
    persons_of = Counter(o for orgs in held.values() for o in orgs)
    shared_of = Counter(o for orgs in held.values() if len(orgs) > 1 for o in orgs)
    patterns = Counter(tuple(int(o in orgs) for o in order) for orgs in held.values())
    total_records = sum(records.get(o, 0) for o in order)
    organisations = [{"organisation": codes[o], "records": records.get(o, 0),
                      "persons": persons_of[o], "also_held_elsewhere": shared_of[o]} for o in order]
    ordered = sorted(patterns.items(), key=lambda kv: (sum(kv[0]), [-x for x in kv[0]]))
    overlap = [{"pattern": list(p), "organisations": [codes[o] for o, x in zip(order, p, strict=True) if x],
                "persons": n} for p, n in ordered]
    summary = {
        "lists": [codes[o] for o in order], "records": total_records, "persons": len(held),
        "overcount": (total_records / len(held) - 1) if held else 0.0,
        "organisations": organisations, "overlap": overlap, "exact": exact,
        "min_cell_size": min_cell,
    }
    if not exact:
        _protect(organisations, ("records", "persons", "also_held_elsewhere"), min_cell, rounder)
        _protect(overlap, ("persons",), min_cell, rounder)
        summary["records"], summary["persons"] = rounder(total_records), rounder(len(held))
        summary["overcount"] = (summary["records"] / summary["persons"] - 1) if summary["persons"] else 0.0
    return summary


def _protect(rows: list[dict[str, Any]], keys: tuple[str, ...], min_cell: int,
             rounder: Callable[[int], int]) -> None:
    """Per column ``key``: the hub's cell suppression (:func:`tiphub.stats.suppression.suppress`,
    the column's total being published), then secret rounding of what is shown."""
    if not rows:
        return
    for key in keys:
        table = suppress([r[key] for r in rows], k=min_cell)
        for j, r in enumerate(rows):
            hidden = table.suppressed[0][j]
            r[key] = None if hidden else rounder(r[key])
            r[f"{key}_shown"] = table.display(0, j) if hidden else str(r[key])


def overlap_csv_rows(summary: dict[str, Any]) -> list[list[str]]:
    """The exact overlap table in the estimation format: one 0/1 column per list, then count."""
    if not summary["exact"]:
        raise ValueError("the overlap table for estimation needs the exact counts")
    rows = [[*summary["lists"], "count"]]
    rows += [[*map(str, r["pattern"]), str(r["persons"])] for r in summary["overlap"]]
    return rows
