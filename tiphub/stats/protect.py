"""Turning raw counts into a table that may leave the hub: primary and secondary suppression,
shares of the published cells only, and notes that say what the figures are."""

from __future__ import annotations

from tiphub.stats.model import Cell, Key, StatTable
from tiphub.stats.suppression import suppress
from tiphub.stats.tables import Filters, RawTable

SECONDARY_MARK = "x"


def _cell(count: int, *, suppressed: bool, primary: bool, k: int,
          denominator: int | None = None, denominator_hidden: bool = False) -> Cell:
    if suppressed:
        return Cell(count=None, display=f"<{k}" if primary else SECONDARY_MARK, suppressed=True)
    share = None
    if denominator and not denominator_hidden:
        share = count / denominator
    return Cell(count=count, display=str(count), share=share)


def protect(raw: RawTable, *, k: int, filters: Filters, by: str | None = None,
            labels: dict[str, dict[str, str]] | None = None) -> StatTable:
    """Suppress small cells (and what would reveal them) and package the table."""
    labels = labels or {}
    matrix = raw.cells or [[]]
    if raw.rows and raw.columns:
        sup = suppress(raw.cells, k)
        mask, primary = sup.suppressed, sup.primary
        row_hidden, col_hidden = sup.row_totals_suppressed, sup.col_totals_suppressed
        total_hidden = sup.grand_total_suppressed
    else:
        mask = primary = [[False] * len(raw.columns) for _ in raw.rows]
        row_hidden, col_hidden = [False] * len(raw.rows), [False] * len(raw.columns)
        total_hidden = 0 < raw.total < k
    del matrix

    def small(n: int) -> bool:
        return 0 < n < k

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
        filters={"country": filters.country, "region": filters.region, "year": filters.year},
        by=by,
        row_dimension=raw.row_dim.label,
        column_dimension=raw.col_dim.label,
        rows=[Key(code=r, label=_label(raw.row_dim, r, labels)) for r in raw.rows],
        columns=[Key(code=c, label=_label(raw.col_dim, c, labels)) for c in raw.columns],
        cells=cells,
        row_totals=row_totals,
        column_totals=column_totals,
        total=total,
        records=raw.records if raw.records >= k else None,
        completeness=_completeness(raw, row_totals, column_totals, k, total.suppressed),
        notes=_notes(raw, k, total_published=not total.suppressed),
        min_cell_size=k,
        multi_response=raw.row_dim.multi,
    )


def _completeness(raw: RawTable, row_totals: list[Cell], column_totals: list[Cell],
                  k: int, total_suppressed: bool) -> dict[str, float | None]:
    """Completeness computed from published figures only, so it reveals nothing withheld.

    For a single-valued dimension the missing records are its unknown and not-recorded rows (or
    columns); for a flag group, the records left out of the denominator. When any of those is
    withheld, completeness is withheld too (None).
    """
    out: dict[str, float | None] = {}
    if raw.records < k:
        return dict.fromkeys(raw.completeness)
    for dim, keys, margins in ((raw.row_dim, raw.rows, row_totals),
                               (raw.col_dim, raw.columns, column_totals)):
        if dim.name not in raw.completeness:
            continue
        if dim.multi:
            missing = raw.excluded
            published = (missing == 0 or missing >= k) and not total_suppressed
        else:
            gaps = [m for key, m in zip(keys, margins, strict=True)
                    if key in ("unknown", "not_recorded")]
            published = all(not m.suppressed for m in gaps)
            missing = sum(m.count or 0 for m in gaps)
        out[dim.name] = (
            round((raw.records - missing) / raw.records, 4) if published and raw.records else None
        )
    return out


def _label(dim, code: str, labels: dict[str, dict[str, str]]) -> str:  # type: ignore[no-untyped-def]
    return labels.get(dim.name, {}).get(code) or dim.label_of(code)


def _notes(raw: RawTable, k: int, *, total_published: bool) -> list[str]:
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
            f"{raw.excluded} record(s)"
            if total_published and (raw.excluded == 0 or raw.excluded >= k)
            else "records"
        )
        notes.append(
            f"A victim may show several {raw.row_dim.label.lower()} values, so shares can sum past "
            f"100 %. Shares are of the records with at least one {raw.row_dim.label.lower()} "
            f"recorded (CTDC's rule); {left_out} with none recorded are left out."
        )
    return notes
