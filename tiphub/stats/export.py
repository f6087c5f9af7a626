"""Writing protected tables as CSV and JSON — safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

from tiphub.stats.model import StatTable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    if text and text.startswith(FORMULA_START):
        try:
            float(text)
            return text  # a plain negative number
        except ValueError:
            return "'" + text
    return text


def to_csv(table: StatTable) -> str:
    rows = table.as_rows()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    header = list(rows[0].keys()) if rows else [table.row_dimension, "Total"]
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(str(row.get(h, ""))) for h in header])
    return buf.getvalue()


def to_json(table: StatTable) -> str:
    return json.dumps(table.model_dump(mode="json"), ensure_ascii=False, indent=2)
