"""What a statistics call returns: a protected table, ready for CLI, API and reports."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Key(BaseModel):
    code: str
    label: str


class Cell(BaseModel):
    count: int | None = Field(description="None when suppressed.")
    display: str = Field(description="What to print: the count, '<k' or 'x'.")
    share: float | None = Field(None, description="Share of the column's denominator (0–1).")
    suppressed: bool = False


class StatTable(BaseModel):
    """A table of detected victims (or records), protected by cell suppression."""

    table: str
    title: str
    source: str = Field(description="'case records' or 'Global Report aggregates'.")
    filters: dict[str, str | int | None]
    by: str | None = None
    row_dimension: str
    column_dimension: str
    rows: list[Key]
    columns: list[Key]
    cells: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell] = Field(
        description="Per column: records with any row key (the denominator of shares)."
    )
    total: Cell
    records: int | None = Field(
        description="Records matching the filters; None when fewer than the minimum cell size."
    )
    completeness: dict[str, float | None] = Field(
        description="Per field: share of records where it is known."
    )
    notes: list[str] = Field(default_factory=list)
    min_cell_size: int
    multi_response: bool = False

    def as_rows(self) -> list[dict[str, str]]:
        """Flat rows of display strings: the row label, one entry per column, then the row
        total (left out when the only column is already the total)."""
        only_total = [c.code for c in self.columns] == ["total"]
        out = []
        for key, cells, total in zip(self.rows, self.cells, self.row_totals, strict=True):
            row = {self.row_dimension: key.label}
            row.update({col.label: cell.display for col, cell in zip(self.columns, cells, strict=True)})
            if not only_total:
                row["Total"] = total.display
            out.append(row)
        last = {self.row_dimension: "Total" if not self.multi_response else "Records (denominator)"}
        last.update({c.label: t.display for c, t in zip(self.columns, self.column_totals, strict=True)})
        if not only_total:
            last["Total"] = self.total.display
        out.append(last)
        return out
