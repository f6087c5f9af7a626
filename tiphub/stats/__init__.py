"""Statistics: patterns, flows, forms and trends, always protected before they leave the hub.

>>> # hub.stats("forms", country="GBR") is the way in; these are the building blocks.
"""

from tiphub.stats.export import safe_cell, to_csv, to_json
from tiphub.stats.model import Cell, Key, StatTable
from tiphub.stats.protect import protect
from tiphub.stats.suppression import (
    SECONDARY_MARK,
    StackedTable,
    SuppressedTable,
    UnprotectableTable,
    attacker_intervals,
    attacker_total_intervals,
    is_safe,
    suppress,
    suppress_stacked,
)
from tiphub.stats.tables import BREAKDOWNS, TABLES, Filters, RawTable, compute

__all__ = ["BREAKDOWNS", "SECONDARY_MARK", "TABLES", "Cell", "Filters", "Key", "RawTable",
           "StackedTable", "StatTable", "SuppressedTable", "UnprotectableTable", "attacker_intervals",
           "attacker_total_intervals", "compute", "is_safe", "protect", "safe_cell", "suppress",
           "suppress_stacked", "to_csv", "to_json"]
