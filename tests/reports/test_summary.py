"""Headline figures come from published cells only."""

from __future__ import annotations

from tiphub.reports.summary import top_forms
from tiphub.stats import Cell, Key, StatTable


def test_top_forms_with_equal_counts_keep_their_order() -> None:
    def cell(n: int) -> Cell:
        return Cell(count=n, display=str(n), share=n / 40)

    forms = StatTable(
        table="forms", title="t", source="case records", filters={}, row_dimension="Form",
        column_dimension="Total", rows=[Key(code=c, label=c.title()) for c in ("a", "b", "c")],
        columns=[Key(code="total", label="Total")], cells=[[cell(20)], [cell(20)], [cell(5)]],
        row_totals=[cell(20), cell(20), cell(5)], column_totals=[cell(40)], total=cell(40),
        records=40, completeness={}, min_cell_size=10, multi_response=True)
    assert [(f.label, f.value) for f in top_forms(forms, top=2)] == [("A", "50 %"), ("B", "50 %")]
