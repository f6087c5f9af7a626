"""Validation rules: a short name, and a message that never includes the offending value."""

from __future__ import annotations

RULES: dict[str, str] = {
    "ragged-row": "the row has a different number of cells than the header",
    "unknown-code": "the value is not one of the accepted codes",
    "not-a-year": "the value is not a year",
    "year-out-of-range": "the year is before 1990",
    "future-year": "the year is in the future",
    "not-a-number": "the value is not a whole number",
    "negative-number": "the value is negative",
    "number-out-of-range": "the number is larger than any accepted value",
    "not-a-date": "the value is not a date (YYYY-MM-DD)",
    "excel-date": "Excel turned this cell into a date; the column holds codes or counts",
    "formula": "the cell holds a spreadsheet formula, not a value",
    "age-majority-contradiction": "the age band contradicts the majority status",
    "birth-after-identification": "the birth date is after the identification date",
    "implausible-age": "the age at identification is below 0 or above 120",
    "missing-id": "the record has no id",
    "duplicate-id": "the id appears more than once in the file",
    "missing-value": "the column is required and the cell is empty",
    "flag-value": "a flag must be 1 (yes), 0 (no), -99 or empty (not recorded)",
    "not-an-encoding": "the cell is not a base64 Bloom-filter encoding",
}

FIXES: dict[str, str] = {
    "ragged-row": "check for a delimiter inside an unquoted cell, or a missing cell",
    "excel-date": "format the column as Text in Excel and re-type the value",
    "formula": "copy the column and 'paste values' before exporting",
    "future-year": "correct the year of registration",
}
