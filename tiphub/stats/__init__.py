"""Statistics: patterns, flows, forms and trends, always protected before they leave the hub.

>>> # hub.stats("forms", country="GBR") is the way in; these are the building blocks.
"""

from tiphub.stats.export import safe_cell, to_csv, to_json
from tiphub.stats.model import Cell, Key, StatTable
from tiphub.stats.protect import protect
from tiphub.stats.tables import BREAKDOWNS, TABLES, Filters, RawTable, compute

__all__ = ["BREAKDOWNS", "TABLES", "Cell", "Filters", "Key", "RawTable", "StatTable", "compute",
           "protect", "safe_cell", "to_csv", "to_json"]
