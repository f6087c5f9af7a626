"""Protected tables kept for as long as the data behind them does not change.

Why: a dashboard asks for the same handful of tables again and again, and computing one
(grouping, suppression by linear programming, rounding) takes from a few to a hundred
milliseconds. The key holds the database's data version, which every import and replacement
bumps in its own transaction, so a table is never served stale — in any worker process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from tiphub.stats.model import StatTable


class TableCache:
    """A small thread-safe LRU of protected tables; callers get their own copies."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, StatTable] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> StatTable | None:
        with self._lock:
            table = self._items.get(key)
            if table is None:
                return None
            self._items.move_to_end(key)
        return table.model_copy(deep=True)

    def put(self, key: Hashable, table: StatTable) -> StatTable:
        with self._lock:
            self._items[key] = table.model_copy(deep=True)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return table
