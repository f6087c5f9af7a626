"""Turning raw counts into a table that may leave the hub: primary and secondary suppression,
shares of the published cells only, and notes that say what the figures are."""

from __future__ import annotations

from tiphub.stats.model import Cell, Key, StatTable
from tiphub.stats.rounding import Rounder
from tiphub.stats.suppression import SECONDARY_MARK, SuppressedTable, UnprotectableTable, suppress
from tiphub.stats.tables import Filters, RawTable


def _exact(n: int) -> int:
    return n


def protect(raw: RawTable, *, k: int, filters: Filters, by: str | None = None,
            labels: dict[str, dict[str, str]] | None = None,
            rounder: Rounder = _exact) -> StatTable:
    """Suppress small cells (and what would reveal them), round what is published with
    ``rounder``, and package the table. Shares are of published (rounded) figures only."""
    labels = labels or {}

    def _cell(count: int, *, suppressed: bool, primary: bool, k: int,
              denominator: int | None = None, denominator_hidden: bool = False) -> Cell:
        if suppressed:
            return Cell(count=None, display=f"<{k}" if primary else SECONDARY_MARK, suppressed=True)
        shown = rounder(count)
        share = None
        if denominator and not denominator_hidden:
            share = shown / rounder(denominator)
        return Cell(count=shown, display=str(shown), share=share)

    mask, primary, row_hidden, col_hidden, total_hidden = _pattern(raw, k)

    def small(n: int) -> bool:
        return 0 < n < k

    # multi-response tables: column totals are denominators, not the sums suppress() saw
    col_hidden = [h or small(n) for h, n in zip(col_hidden, raw.column_totals, strict=True)]
    total_hidden = total_hidden or small(raw.total)

    cells = [
        [
            _cell(n, suppressed=mask[i][j], primary=primary[i][j], k=k,
                  denominator=raw.column_totals[j], denominator_hidden=col_hidden[j])
            for j, n in enumerate(row)
        ]
        for i, row in enumerate(raw.cells)
    ]
    row_totals = [
        _cell(n, suppressed=row_hidden[i], primary=small(n), k=k, denominator=raw.total,
              denominator_hidden=total_hidden)
        for i, n in enumerate(raw.row_totals)
    ]
    column_totals = [
        _cell(n, suppressed=col_hidden[j], primary=small(n), k=k)
        for j, n in enumerate(raw.column_totals)
    ]
    total = _cell(raw.total, suppressed=total_hidden, primary=small(raw.total), k=k)
    return StatTable(
        table=raw.spec.name,
        title=raw.spec.title,
        source="case records",
        filters={"country": filters.country, "region": filters.region, "year": filters.year,
                 "organisation": filters.organisation},
        by=by,
        row_dimension=raw.row_dim.label,
        column_dimension=raw.col_dim.label,
        rows=[Key(code=r, label=_label(raw.row_dim, r, labels)) for r in raw.rows],
        columns=[Key(code=c, label=_label(raw.col_dim, c, labels)) for c in raw.columns],
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        total=total,
        records=rounder(raw.records) if raw.records >= k and not total.suppressed else None,
        completeness=_completeness(raw, row_totals, column_totals, k, total.suppressed, rounder),
        notes=_notes(raw, k, total_published=not total.suppressed, rounder=rounder),
        min_cell_size=k,
        multi_response=raw.row_dim.multi,
    )


def _safe_suppress(counts: list[list[int]], k: int) -> SuppressedTable | None:
    """Suppression, retried with zeros protected; None when nothing but withholding all works."""
    for protect_zeros in (False, True):
        try:
            return suppress(counts, k, protect_zeros=protect_zeros)
        except UnprotectableTable:
            continue
    return None


Pattern = tuple[list[list[bool]], list[list[bool]], list[bool], list[bool], bool]


def _pattern(raw: RawTable, k: int) -> Pattern:
    """Which cells and totals to withhold (and which of them are small), for ordinary tables
    and for multi-response ones, whose flag rows each add up to their own total while the
    column totals count people, not cells."""
    n_rows, n_cols = len(raw.rows), len(raw.columns)
    if not n_rows or not n_cols:
        return [], [], [False] * n_rows, [False] * n_cols, 0 < raw.total < k
    if raw.row_dim.multi:
        per_row = [_safe_suppress([row], k) for row in raw.cells]
        people = _safe_suppress([raw.column_totals], k)
        mask = [r.suppressed[0] if r else [True] * n_cols for r in per_row]
        primary = [r.primary[0] if r else [0 < n < k for n in row]
                   for r, row in zip(per_row, raw.cells, strict=True)]
        row_hidden = [r.grand_total_suppressed if r else True for r in per_row]
        col_hidden = list(people.suppressed[0]) if people else [True] * n_cols
        total_hidden = people.grand_total_suppressed if people else True
        for j in _narrowing_columns(raw, mask, primary, row_hidden, col_hidden, k):
            col_hidden[j] = True
        if sum(col_hidden) == 1:  # one withheld denominator would follow from the total
            total_hidden = True
        return mask, primary, row_hidden, col_hidden, total_hidden
    sup = _safe_suppress(raw.cells, k)
    if sup is None:  # a tiny table no pattern protects: withhold every cell
        every = [[True] * n_cols for _ in range(n_rows)]
        small = [[0 < n < k for n in row] for row in raw.cells]
        return every, small, [True] * n_rows, [True] * n_cols, True
    return (sup.suppressed, sup.primary, list(sup.row_totals_suppressed),
            list(sup.col_totals_suppressed), sup.grand_total_suppressed)


def _narrowing_columns(raw: RawTable, mask: list[list[bool]], primary: list[list[bool]],
                       row_hidden: list[bool], col_hidden: list[bool], k: int) -> list[int]:
    """Columns of a flag table whose people count would narrow a withheld cell.

    A column counts people, and each person has at least one flag, so the people count is at
    most the sum of the column's cells: every withheld cell is at least the people count minus
    the most the other cells can be. When that lower bound beats what the mark already says
    (1 for ``<k``, k for ``x``), the people count must be withheld too.
    """
    rows = range(len(raw.rows))

    def most(i: int, j: int) -> float:
        if not mask[i][j]:
            return raw.cells[i][j]
        if primary[i][j]:
            return k - 1
        if row_hidden[i]:
            return float("inf")
        others = sum(raw.cells[i][c] if not mask[i][c] else (1 if primary[i][c] else k)
                     for c in range(len(raw.columns)) if c != j)
        return raw.row_totals[i] - others

    out = []
    for j, people in enumerate(raw.column_totals):
        if col_hidden[j]:
            continue
        bounds = [most(i, j) for i in rows]
        for g in rows:
            if mask[g][j]:
                known_least = 1 if primary[g][j] else k
                if people - (sum(bounds) - bounds[g]) > known_least:
                    out.append(j)
                    break
    return out


def _completeness(raw: RawTable, row_totals: list[Cell], column_totals: list[Cell],
                  k: int, total_suppressed: bool, rounder: Rounder) -> dict[str, float | None]:
    """Share of records where each field is known — published only when it gives nothing away.

    The missing records of a field are its unknown and not-recorded rows (or columns), or for a
    flag group the records left out of the denominator. The share is computed from rounded
    figures, and withheld (None) when the missing count is small, when any of the margins it
    could be checked against is withheld, or when the records themselves are too few.
    """
    out: dict[str, float | None] = {}
    for dim, keys, margins in ((raw.row_dim, raw.rows, row_totals),
                               (raw.col_dim, raw.columns, column_totals)):
        if dim.name not in raw.known:
            continue
        missing = raw.records - raw.known[dim.name]
        if dim.multi:
            hidden = total_suppressed
        elif dim is raw.col_dim and raw.row_dim.multi:
            hidden = False  # column margins of a flag table count only flagged records
        else:
            hidden = any(m.suppressed for key, m in zip(keys, margins, strict=True)
                         if key in ("unknown", "not_recorded"))
        publish = raw.records >= k and not hidden and (missing == 0 or missing >= k)
        out[dim.name] = (round(1 - rounder(missing) / rounder(raw.records), 2)
                         if publish else None)
    return out


def _label(dim, code: str, labels: dict[str, dict[str, str]]) -> str:  # type: ignore[no-untyped-def]
    return labels.get(dim.name, {}).get(code) or dim.label_of(code)


def _notes(raw: RawTable, k: int, *, total_published: bool, rounder: Rounder) -> list[str]:
    notes = [
        "Counts are of detected victims recorded by the contributing organisations, "
        "not of prevalence; a person known to several organisations may be counted more than once "
        "until records are linked.",
        f"Cells under {k} are shown as <{k}; cells marked {SECONDARY_MARK} are withheld so that "
        "small cells cannot be worked out from the totals.",
    ]
    if raw.row_dim.multi:
        # the number left out is published only when it cannot reveal a withheld total
        left_out = (
            f"{rounder(raw.excluded)} record(s)"
            if total_published and (raw.excluded == 0 or raw.excluded >= k)
            else "records"
        )
        notes.append(
            f"A victim may show several {raw.row_dim.label.lower()} values, so shares can sum past "
            f"100 %. Shares are of the records with at least one {raw.row_dim.label.lower()} "
            f"recorded (CTDC's rule); {left_out} with none recorded are left out."
        )
    return notes
