"""Disclosure control for count tables that leave the hub: primary and secondary cell suppression.

>>> t = suppress([[3, 40, 25], [12, 30, 0], [20, 15, 18]], k=10)
>>> for row in t.rows():  # totals last
...     print(row)
['<10', '40', 'x', '68']
['12', '30', '0', '42']
['x', '15', 'x', '53']
['35', '85', '43', '163']
>>> attacker_intervals(t)[0][0], is_safe(t)
((1.0, 9.0), True)

What is published
    A 2-D table of counts with its row totals, column totals and grand total (``with_totals``).
    Every published number (inner cell *or* total) whose value is in ``(0, k)`` is a small,
    sensitive cell: it is withheld and shown as ``"<k"`` (``SuppressedTable.primary``).
    Further cells withheld only to protect the small ones (secondary, complementary
    suppression) are shown as ``"x"`` (:data:`SECONDARY_MARK`).  Zeros are published as ``0``.

The attacker we defend against (the "informed LP attacker")
    knows every published number, that counts are non-negative integers, that the rows and
    columns add up to their totals, *and the rules of this module*: a ``"<k"`` cell is in
    ``[1, k-1]`` and an ``"x"`` cell is at least ``k`` (because anything smaller would have been
    a ``"<k"`` cell, and zeros are never hidden).  This matters: with a plain "cells are
    non-negative" attacker, the row ``[<10, x | 11]`` looks safe (the small cell is somewhere in
    ``[0, 11]``), but anyone who knows that ``x >= 10`` reads the small cell as exactly 1.
    :func:`attacker_intervals` computes what that attacker can derive, by linear programming
    (``scipy.optimize.linprog``, HiGHS); ``informed=False`` gives the plain attacker.

The guarantee (checked by :func:`is_safe`)
    * every small value (inner cell or total) is withheld;
    * no withheld value can be recomputed: the attacker's interval for it has positive width;
    * for a small value, the interval is at least ``min_range`` wide (default ``k // 2``,
      at most ``k - 2``): the attacker cannot narrow a ``"<10"`` cell to fewer than
      ``min_range + 1`` possible counts.  A ``"<k"`` mark itself already says "between 1 and
      k-1"; this is the part the rest of the table must not give away.
    When no suppression pattern can give this (rare, tiny tables: nine ones adding up to 9
    at ``k = 10``, or ``[1, 1]`` at ``k = 3``), :func:`suppress` raises
    :class:`UnprotectableTable` rather than return an unsafe table.
    ``k`` must be at least 3: with ``k = 2`` the mark ``"<2"`` would mean "exactly 1".
    For a 2-D table with totals the constraints form a network (a totally unimodular system),
    so the LP bounds are whole numbers and every whole number in between is a possible count:
    the guarantee holds against an attacker who solves the integer problem too.  For stacked
    (3-D) tables it is the LP guarantee used by statistical offices; an integer attacker may do
    slightly better there.

Zeros
    A true zero is not sensitive by default and is published as ``0``; it is never used as a
    complement either.  Since the rules are public, an ``"x"`` that hides a zero tells the
    attacker "0 or at least k", so it protects only through its "at least k" branch and, in a
    line whose other hidden cells add up to less than k, not at all -- while making the
    attacker's problem non-convex and the check unsound.  Complements are non-zero cells or
    totals.  When zeros *are* disclosive (a row ``[0, 0, 12]``
    says that every person in it was exploited in the same way), pass ``protect_zeros=True``:
    zeros then count as small cells (shown ``"<k"``, known to lie in ``[0, k-1]``).

Algorithm (2-D): primary suppression, then network flows
    Write the table with its margins as an ``(m+1) x (n+1)`` array whose every row and column
    adds up to zero (totals get a minus sign, the grand total a plus).  The changes an attacker
    cannot rule out are exactly the circulations in the bipartite graph "row -- column" whose
    edges are the hidden cells, limited by what each hidden cell may take (``[1, k-1]`` or
    ``[k, inf)``).  So the largest value the attacker allows for a hidden cell is a max-flow
    (``scipy.sparse.csgraph.maximum_flow``), which is why checking is cheap.  Each small cell, in
    a fixed order, is checked; if its range is too narrow, the cheapest augmenting path through
    published cells (Dijkstra, cost: one per cell plus a little per count, totals 3x and the
    grand total 9x dearer, so inner cells are preferred) is suppressed, and the check repeats.
    Going *down* is tried first: lowering a small cell needs only one hidden neighbour to have
    room below (a complement at least ``k + t``), going up needs two.  This generalises the
    textbook "a line with one hidden cell needs another" rule (which it always satisfies) and
    gives the range, not just non-recoverability.  Adding suppression never shrinks anybody's
    range, so cells protected earlier stay protected and the result is safe by construction;
    the tests check it against the LP attacker.  A 200 x 20 table runs in a few tenths of a
    second.  Known limit shared by all heuristics: the attacker is assumed not to reverse
    engineer *which* complement this deterministic procedure would have picked.

Algorithm (stacked tables): the same loop, with linear programs
    :func:`suppress_stacked` protects a table published per block (organisation) and summed
    over blocks, all with margins.  That is a 3-D table with all its 2-D margins, which is not
    a network.  First every 2-D sub-table (each block, the summed table, and the slices across
    blocks) is protected by the flow method above, repeated until nothing changes; then each
    small value's range is checked by LP against the whole set, and where combining the
    sub-tables narrows it, the LP "cheapest change of the table that moves this value by t
    while keeping published numbers fixed" (minimising cost-weighted moves of published cells)
    names the cells to hide.  Finally complements the attacker can compute anyway are shown,
    as hiding them protects nothing.  About a second for 10 blocks of 20 x 5.

Shapes
    * 1-D: a table with one row, ``suppress([counts])`` (or just ``suppress(counts)``); show the
      cells and the grand total (the column totals are the cells themselves and share their
      marks; the row total is the grand total).
    * 2-D: ``suppress(rows_of_counts)``; show cells, ``display_row_total``,
      ``display_col_total``, ``display_grand_total`` -- or :meth:`SuppressedTable.rows`.
    * By organisation (3-D): if only the flattened table is published (rows = organisation x
      row key, its row totals, column totals and grand total), ``suppress(flat)`` is enough.
      Subtotals per organisation and the table summed over organisations are *not* margins of
      the flattened table, and publishing them next to it would re-open suppressed cells; to
      publish them use :func:`suppress_stacked`, which protects the whole published set.
    * Multi-response (flag) tables, where a person can count under several flags: along the
      flag dimension the cells do *not* add up to the published total (the number of people),
      so ``suppress(cells)`` would protect against equations that are false and would leave
      the real totals unprotected.  Split the table where it is additive.  Rows = flags,
      columns = an ordinary variable (sex, year): each flag row *is* additive with its own
      total, so protect it as a 1-D table, ``[suppress(row, k) for row in cells]``, and
      protect the people-per-column line (whose total is the number of people) as one more
      1-D table, ``suppress(people_by_column, k)``.  ``suppress(cells, k, with_totals=False)``
      is right only if no totals at all are published next to the flags.  Not modelled: the
      inequalities "a flag count is at most the people count" (harmless: a published people
      count is at least k, weaker than the ``"<k"`` mark) and, if everyone has at least one
      flag, "the flags add up to at least the people count", which pins cells when flags are
      nearly exclusive -- then publish them as an ordinary, additive table instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse import csgraph

from tiphub.errors import InvalidInput

__all__ = [
    "SECONDARY_MARK",
    "StackedTable",
    "SuppressedTable",
    "UnprotectableTable",
    "attacker_intervals",
    "attacker_total_intervals",
    "is_safe",
    "suppress",
    "suppress_stacked",
]

SECONDARY_MARK = "x"
"""How a cell hidden only to protect others (secondary suppression) is displayed."""

_TOL = 1e-6
_MOVED = 1e-7
_EPS_COST = 1e-6
_SCATTER_FROM, _SCATTER_ROUNDS = 8, 6
_Interval = tuple[float, float]


class UnprotectableTable(InvalidInput):
    """No suppression pattern gives the required protection.

    It is raised, never a silently unsafe table, when even hiding every non-zero value leaves
    a small value pinned.  Typical case: nine 1s with total 9 at ``k = 10`` -- ten ``"<10"``
    marks, and since a ``"<10"`` cell is at least 1 (zeros are shown) and the total at most 9,
    every cell must be 1.  Also when
    ``min_range`` asks for more than the table allows.  Remedies: ``protect_zeros=True`` (then
    ``"<k"`` covers 0 as well; it has not failed in our property tests with the default
    ``min_range``), a smaller ``min_range``, or a coarser table.
    """


# --------------------------------------------------------------------------- public results


@dataclass(frozen=True)
class SuppressedTable:
    """A 2-D count table with its suppression pattern.

    ``counts`` are the true values and must not leave the hub: publish through
    :meth:`display` and friends, which show ``"<k"`` for small (primary) cells,
    :data:`SECONDARY_MARK` (``"x"``) for cells hidden to protect them, and the number otherwise.
    Totals are the sums of ``counts``; with ``with_totals=False`` they are not published.
    """

    counts: list[list[int]]
    suppressed: list[list[bool]]
    row_totals_suppressed: list[bool]
    col_totals_suppressed: list[bool]
    grand_total_suppressed: bool
    primary: list[list[bool]]
    k: int
    with_totals: bool = True
    protect_zeros: bool = False
    min_range: int = 1

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.counts), len(self.counts[0])

    @property
    def row_totals(self) -> list[int]:
        return [sum(row) for row in self.counts]

    @property
    def col_totals(self) -> list[int]:
        return [sum(col) for col in zip(*self.counts, strict=True)]

    @property
    def grand_total(self) -> int:
        return sum(self.row_totals)

    @property
    def primary_mark(self) -> str:
        return f"<{self.k}"

    def is_small(self, value: int) -> bool:
        """Whether a value is sensitive by itself (primary) under this table's rule."""
        return 0 < value < self.k or (self.protect_zeros and value == 0)

    def display(self, i: int, j: int) -> str:
        """The published text of inner cell ``(i, j)``: ``"<10"``, ``"x"`` or the count."""
        return self._mark(self.counts[i][j], self.suppressed[i][j])

    def display_row_total(self, i: int) -> str:
        self._require_totals()
        return self._mark(self.row_totals[i], self.row_totals_suppressed[i])

    def display_col_total(self, j: int) -> str:
        self._require_totals()
        return self._mark(self.col_totals[j], self.col_totals_suppressed[j])

    def display_grand_total(self) -> str:
        self._require_totals()
        return self._mark(self.grand_total, self.grand_total_suppressed)

    def rows(self) -> list[list[str]]:
        """The published table as text, totals as the last column and the last row."""
        m, n = self.shape
        out = [[self.display(i, j) for j in range(n)] for i in range(m)]
        if not self.with_totals:
            return out
        for i in range(m):
            out[i].append(self.display_row_total(i))
        out.append([self.display_col_total(j) for j in range(n)] + [self.display_grand_total()])
        return out

    @property
    def n_secondary(self) -> int:
        """How many inner cells were hidden only to protect others."""
        return sum(
            s and not p
            for srow, prow in zip(self.suppressed, self.primary, strict=True)
            for s, p in zip(srow, prow, strict=True)
        )

    def _mark(self, value: int, hidden: bool) -> str:
        if not hidden:
            return str(value)
        return self.primary_mark if self.is_small(value) else SECONDARY_MARK

    def _require_totals(self) -> None:
        if not self.with_totals:
            raise InvalidInput(
                "this table was suppressed without totals, so its totals must not be published",
                hint="call suppress(..., with_totals=True) to publish totals",
            )


@dataclass(frozen=True)
class StackedTable:
    """One table per block (organisation) plus their sum, protected as one published set."""

    blocks: list[SuppressedTable]
    total: SuppressedTable
    k: int


# --------------------------------------------------------------------------- public functions


def suppress(
    counts: Sequence[Sequence[int]] | Sequence[int],
    k: int = 10,
    *,
    with_totals: bool = True,
    protect_zeros: bool = False,
    min_range: int | None = None,
) -> SuppressedTable:
    """Hide small cells and enough others that no hidden cell can be worked out.

    >>> t = suppress([4, 30, 22], k=10)
    >>> [t.display(0, j) for j in range(3)], t.display_grand_total()
    (['<10', '30', 'x'], '56')

    ``counts``: rows of non-negative integers (a flat list is a one-row table).
    ``k``: minimum publishable count; values in ``(0, k)`` are shown as ``"<k"``.
    ``with_totals``: row, column and grand totals are published (and protected).
    ``protect_zeros``: treat zeros as small cells too (see the module notes on zeros).
    ``min_range``: how wide the attacker's interval for a small value must be
    (default ``k // 2``; capped at the width of ``[1, k-1]``).
    """
    inner = _as_table(counts)
    prob = _Problem.build(inner, k, protect_zeros, min_range, with_totals)
    supp = prob.small.copy()
    if with_totals:
        _protect_all(prob, _FlowProtector(prob, supp))
    return _to_table(prob, supp, inner)


def suppress_stacked(
    blocks: Sequence[Sequence[Sequence[int]]],
    k: int = 10,
    *,
    protect_zeros: bool = False,
    min_range: int | None = None,
) -> StackedTable:
    """Protect tables published per block *and* summed over blocks, all with their totals.

    >>> st = suppress_stacked([[[3, 20], [15, 30]], [[12, 18], [25, 40]]], k=10)
    >>> st.blocks[0].rows(), st.total.rows()[-1], is_safe(st)
    ([['<10', 'x', '23'], ['x', 'x', '45'], ['18', '50', '68']], ['55', '108', '163'], True)

    Every block must have the same shape (use zeros for missing cells).  The published set is
    each block with its row, column and grand totals and the summed table with its totals.
    In three dimensions a small cell needs a 2 x 2 x 2 cube of hidden cells around it (a
    2 x 2 rectangle in one table is reopened by the others), so expect more suppression than
    in each table alone.
    """
    tables = [_as_table(b) for b in blocks]
    if not tables or any(t.shape != tables[0].shape for t in tables):
        raise InvalidInput("suppress_stacked needs one or more blocks, all of the same shape")
    inner = np.stack(tables)
    prob = _Problem.build(inner, k, protect_zeros, min_range, True)
    supp = prob.small.copy()
    _protect_slices(prob, supp)
    _protect_all(prob, _LPProtector(prob, supp))
    _publish_pinned(prob, supp)
    return _to_stacked(prob, supp, inner)


def _publish_pinned(prob: _Problem, supp: np.ndarray) -> None:
    """Show complements the attacker can compute anyway: it tells them nothing new.

    Every feasible table already agrees on a pinned value, so adding it as published leaves
    every other range as it was.  (Only the slice pass can leave such cells.)
    """
    extra = np.flatnonzero(supp & ~prob.small)
    need = np.full(prob.values.size, _TOL)
    lo, hi = _lp_extremes(prob, supp, extra, informed=True, need=need)
    supp[extra[hi[extra] - lo[extra] < _TOL]] = False


def _protect_slices(prob: _Problem, supp: np.ndarray) -> None:
    """Fast first pass for a 3-D table: protect every 2-D sub-table by flows until stable.

    Each published 2-D table is then safe on its own; the LP pass that follows only has to
    repair what combining the sub-tables gives away, which is rare.
    """
    changed = True
    while changed:
        changed = False
        for axis, size in enumerate(prob.shape):
            for index in range(size):
                sub, flat = prob.slice_at(axis, index)
                sub_supp = supp[flat]
                before = int(sub_supp.sum())
                _protect_all(sub, _FlowProtector(sub, sub_supp))
                if int(sub_supp.sum()) != before:
                    supp[flat] = sub_supp
                    changed = True


def attacker_intervals(
    table: SuppressedTable | StackedTable, *, informed: bool = True
) -> list[list[_Interval | None]] | list[list[list[_Interval | None]]]:
    """For each hidden inner cell, the ``(min, max)`` an attacker can derive; None if shown.

    Linear programs over everything published (see the module notes).  ``informed=False``
    forgets the meaning of the marks and assumes only that counts are non-negative.  An
    unbounded maximum is ``inf``.  For a :class:`StackedTable`, one grid per block and a last
    one for the summed table.
    """
    ext = _intervals_ext(table, informed)
    if isinstance(table, StackedTable):
        return [_inner_grid(e) for e in ext]
    return _inner_grid(ext, table.with_totals)


def attacker_total_intervals(
    table: SuppressedTable, *, informed: bool = True
) -> tuple[list[_Interval | None], list[_Interval | None], _Interval | None]:
    """Like :func:`attacker_intervals` for the row totals, column totals and grand total."""
    if not table.with_totals:
        raise InvalidInput("this table has no published totals (with_totals=False)")
    ext = _intervals_ext(table, informed)
    return [r[-1] for r in ext[:-1]], ext[-1][:-1], ext[-1][-1]


def is_safe(table: SuppressedTable | StackedTable) -> bool:
    """Whether the published table meets the guarantee in the module notes.

    Every small value is hidden, no hidden value can be recomputed by the informed LP
    attacker, and every small hidden value keeps a range of at least ``min_range``.
    """
    prob, supp = _problem_of(table)
    if np.any(prob.small & ~supp):
        return False
    need = np.where(prob.small, prob.width - _TOL, _TOL)
    lo, hi = _lp_extremes(prob, supp, np.flatnonzero(supp), informed=True, need=need)
    idx = np.flatnonzero(supp)
    return bool(np.all(hi[idx] - lo[idx] >= need[idx]))


# --------------------------------------------------------------------------- the problem


@dataclass
class _Problem:
    """A table with its margins, flattened: values, additive lines (with signs), small cells."""

    shape: tuple[int, ...]
    values: np.ndarray
    lines: sparse.csr_array  # line x entity, entries are the signs (each line sums to 0)
    small: np.ndarray
    cost: np.ndarray
    lo: np.ndarray  # bounds of a hidden value, as the informed attacker knows them
    hi: np.ndarray
    k: int
    lb0: int
    width: int  # required range of a small value
    protect_zeros: bool
    min_range_arg: int

    @classmethod
    def build(
        cls,
        inner: np.ndarray,
        k: int,
        protect_zeros: bool,
        min_range: int | None,
        with_totals: bool,
    ) -> _Problem:
        lb0 = 0 if protect_zeros else 1
        _check_k(k)
        width = k // 2 if min_range is None else int(min_range)
        if width < 1:
            raise InvalidInput("min_range must be at least 1", hint="the default is k // 2")
        ext = _with_margins(inner) if with_totals else inner
        values = ext.ravel().astype(np.int64)
        small = (values < k) & (values >= lb0)
        return cls(
            shape=ext.shape,
            values=values,
            lines=_lines(ext.shape) if with_totals else _no_lines(values.size),
            small=small,
            cost=_costs(inner.shape, ext.shape, values) if with_totals else np.ones(values.size),
            lo=np.where(small, lb0, k).astype(float),
            hi=np.where(small, k - 1, np.inf),
            k=k,
            lb0=lb0,
            width=min(width, k - 1 - lb0),
            protect_zeros=protect_zeros,
            min_range_arg=width,
        )

    @property
    def usable(self) -> np.ndarray:
        """Values that may be hidden: small ones and non-zero ones (zeros are never used)."""
        return self.small | (self.values > 0)

    def room(self, e: int) -> tuple[float, float]:
        """How far a hidden value may go (down, up) within its own known bounds."""
        return self.values[e] - self.lo[e], self.hi[e] - self.values[e]

    def slice_at(self, axis: int, index: int) -> tuple[_Problem, np.ndarray]:
        """The 2-D sub-table with ``axis`` fixed at ``index`` (margins included), and its
        positions in this problem's flat arrays."""
        where = np.take(np.arange(self.values.size).reshape(self.shape), index, axis=axis)
        flat = where.ravel()
        sub = _Problem(
            shape=where.shape,
            values=self.values[flat],
            lines=_lines(where.shape),
            small=self.small[flat],
            cost=self.cost[flat],
            lo=self.lo[flat],
            hi=self.hi[flat],
            k=self.k,
            lb0=self.lb0,
            width=self.width,
            protect_zeros=self.protect_zeros,
            min_range_arg=self.min_range_arg,
        )
        return sub, flat


def _check_k(k: int) -> None:
    if not isinstance(k, int | np.integer) or isinstance(k, bool) or k < 3:
        raise InvalidInput(
            "k must be an integer of at least 3",
            hint="with k this small a '<k' mark would itself reveal the count; k=10 is usual",
        )


def _as_table(counts: Sequence[Sequence[int]] | Sequence[int]) -> np.ndarray:
    rows = list(counts)
    if rows and all(_is_int(v) for v in rows):
        rows = [rows]
    if not rows or not all(isinstance(r, Sequence | np.ndarray) for r in rows):
        raise InvalidInput("counts must be a non-empty list of rows of integers")
    width = len(rows[0])
    if width == 0 or any(len(r) != width for r in rows):
        raise InvalidInput("every row of counts must have the same, non-zero, number of cells")
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if not _is_int(v) or v < 0:
                raise InvalidInput(
                    f"counts[{i}][{j}] is not a non-negative integer",
                    hint="counts of people are whole numbers, 0 or more",
                )
    return np.array(rows, dtype=np.int64)


def _is_int(v: object) -> bool:
    return isinstance(v, int | np.integer) and not isinstance(v, bool)


def _with_margins(inner: np.ndarray) -> np.ndarray:
    ext = inner
    for axis in range(inner.ndim):
        ext = np.concatenate([ext, ext.sum(axis=axis, keepdims=True)], axis=axis)
    return ext


def _margin_count(shape: tuple[int, ...], only: tuple[int, ...] | None = None) -> np.ndarray:
    """How many margin (total) indices each entry has, over all axes or those in ``only``."""
    count = np.zeros(shape, dtype=np.int64)
    for axis, size in enumerate(shape):
        if only is not None and axis not in only:
            continue
        at_margin = np.arange(size) == size - 1
        count += at_margin.reshape([-1 if a == axis else 1 for a in range(len(shape))])
    return count


def _lines(shape: tuple[int, ...]) -> sparse.csr_array:
    signs = np.where(_margin_count(shape) % 2 == 1, -1.0, 1.0).ravel()
    idx = np.arange(int(np.prod(shape))).reshape(shape)
    members = [np.moveaxis(idx, a, -1).reshape(-1, shape[a]) for a in range(len(shape))]
    rows = [np.repeat(np.arange(len(m)), m.shape[1]) for m in members]
    offsets = np.cumsum([0] + [len(m) for m in members])
    row = np.concatenate([r + off for r, off in zip(rows, offsets, strict=False)])
    col = np.concatenate([m.ravel() for m in members])
    return sparse.csr_array((signs[col], (row, col)), shape=(offsets[-1], signs.size))


def _no_lines(n: int) -> sparse.csr_array:
    return sparse.csr_array((0, n))


def _costs(inner_shape: tuple[int, ...], shape: tuple[int, ...], values: np.ndarray) -> np.ndarray:
    """Cost of hiding a value: totals are dearer (they are what readers use most).

    Margins along an axis of length one are the cells themselves and cost nothing extra.
    """
    real_axes = tuple(a for a, size in enumerate(inner_shape) if size > 1)
    base = 3.0 ** _margin_count(shape, real_axes).ravel()
    return base * (1.0 + values / (values.max() + 1.0))


# --------------------------------------------------------------------------- protection loop


class _Protector(Protocol):
    def quick_room(self, e: int, up: bool) -> float: ...
    def room(self, e: int, up: bool) -> float: ...
    def augment(self, e: int, up: bool, target: float) -> float: ...


def _protect_all(prob: _Problem, protector: _Protector) -> None:
    for e in np.flatnonzero(prob.small):
        _protect_one(prob, protector, int(e))


def _protect_one(prob: _Problem, p: _Protector, e: int) -> None:
    """Widen the attacker's range for small value ``e`` to ``prob.width``: down first."""
    w = prob.width
    quick_up = p.quick_room(e, True)
    if quick_up + p.quick_room(e, False) >= w - _TOL:
        return
    down = p.room(e, False)
    if quick_up + down >= w - _TOL:
        return
    up = p.room(e, True)
    if up + down >= w - _TOL:
        return
    own_down, own_up = prob.room(e)
    target = min(own_down, max(down, w - up))
    if target > down + _TOL:
        down = p.augment(e, False, target)
    if w - down > up + _TOL:
        up = p.augment(e, True, min(own_up, w - down))
    if up + down < w - _TOL and down < own_down - _TOL:
        down = p.augment(e, False, min(own_down, w - up))
    if up + down < w - _TOL:
        where = tuple(int(i) for i in np.unravel_index(e, prob.shape))
        raise UnprotectableTable(
            f"the small value at index {where} (totals are the last row and column) cannot be "
            f"given a range of {w} whatever is suppressed: the published marks and totals pin it",
            hint="pass protect_zeros=True (then '<k' means 0 to k-1, which typically suffices), "
            "lower min_range, or publish this table at a coarser level",
        )


class _FlowProtector:
    """2-D tables with totals: ranges are max-flows, repairs are cheapest augmenting paths."""

    def __init__(self, prob: _Problem, supp: np.ndarray) -> None:
        self.prob, self.supp = prob, supp
        self.nr, self.nc = prob.shape
        # capacities are capped at k: no range needs more, and int32 flows cannot overflow
        down = np.minimum(prob.values - prob.lo, prob.k)
        up = np.minimum(np.nan_to_num(prob.hi - prob.values, posinf=prob.k), prob.k)
        positive = (_margin_count(prob.shape) % 2 == 0).ravel()
        # capacity of the arc row -> column (the y-value rises) and column -> row
        self.cap_rc = np.where(positive, up, down).astype(np.int64) * prob.usable
        self.cap_cr = np.where(positive, down, up).astype(np.int64) * prob.usable
        self.positive = positive
        ent = np.arange(prob.values.size)
        self.row_node, self.col_node = ent // self.nc, self.nr + ent % self.nc
        self.n_nodes = self.nr + self.nc

    def _ends(self, e: int, up: bool) -> tuple[int, int]:
        """Source and sink of the return path when value ``e`` moves up (or down)."""
        r, c = int(self.row_node[e]), int(self.col_node[e])
        return (c, r) if up == bool(self.positive[e]) else (r, c)

    def _own_cap(self, e: int, up: bool) -> int:
        return int(self.cap_rc[e] if up == bool(self.positive[e]) else self.cap_cr[e])

    def _graph(self, mask: np.ndarray, skip: int, weight: np.ndarray | None = None):
        mask = mask.copy()
        mask[skip] = False
        ent = np.flatnonzero(mask)
        rows = np.concatenate([self.row_node[ent], self.col_node[ent]])
        cols = np.concatenate([self.col_node[ent], self.row_node[ent]])
        if weight is None:
            data = np.concatenate([self.cap_rc[ent], self.cap_cr[ent]]).astype(np.int32)
        else:
            data = np.concatenate([weight[ent], weight[ent]])
        shape = (self.n_nodes, self.n_nodes)
        return sparse.csr_array((data, (rows, cols)), shape=shape), ent

    def _flow(self, e: int, up: bool):
        src, dst = self._ends(e, up)
        graph, _ = self._graph(self.supp, e)
        return csgraph.maximum_flow(graph, src, dst), graph

    def room(self, e: int, up: bool) -> float:
        result, _ = self._flow(e, up)
        return float(min(result.flow_value, self._own_cap(e, up)))

    def quick_room(self, e: int, up: bool) -> float:
        """Largest move of ``e`` along one hidden 2 x 2 rectangle: a lower bound, cheap."""
        i, j = divmod(e, self.nc)
        rc = (self.cap_rc * self.supp).reshape(self.nr, self.nc)
        cr = (self.cap_cr * self.supp).reshape(self.nr, self.nc)
        src, _ = self._ends(e, up)
        if src >= self.nr:  # column j -> row i' -> column j' -> row i
            first, diag, last = cr[:, j].copy(), rc, cr[i, :].copy()
        else:  # row i -> column j' -> row i' -> column j
            first, diag, last = rc[:, j].copy(), cr, rc[i, :].copy()
        first[i], last[j] = 0, 0
        best = np.minimum(np.minimum(first[:, None], diag), last[None, :]).max()
        return float(min(best, self._own_cap(e, up)))

    def augment(self, e: int, up: bool, target: float) -> float:
        while True:
            result, graph = self._flow(e, up)
            got = min(result.flow_value, self._own_cap(e, up))
            if got >= target - _TOL:
                return float(target)
            residual = (graph - result.flow).toarray()
            path = self._cheapest_path(e, up, residual, target - got)
            if path is None:
                return float(got)
            self.supp[path] = True

    def _cheapest_path(self, e: int, up: bool, residual: np.ndarray, need: float):
        for threshold in (need, 1):
            path = self._path(e, up, residual, threshold)
            if path is not None:
                return path
        return None

    def _path(self, e: int, up: bool, residual: np.ndarray, threshold: float):
        """Cheapest path to return ``threshold`` units: hidden arcs are free, others cost."""
        cand = self.prob.usable & ~self.supp
        cand_graph, _ = self._graph(cand, e)
        ok_residual = residual >= threshold
        ok_cand = cand_graph.toarray() >= threshold
        cost_graph, _ = self._graph(cand, e, weight=self.prob.cost)
        weights = np.where(ok_cand, cost_graph.toarray(), 0.0)
        weights = np.where(ok_residual & ~ok_cand, _EPS_COST, weights)
        src, dst = self._ends(e, up)
        _, pred = csgraph.dijkstra(
            sparse.csr_array(weights), directed=True, indices=src, return_predecessors=True
        )
        if pred[dst] < 0:
            return None
        return self._path_entities(pred, src, dst, cand)

    def _path_entities(self, pred: np.ndarray, src: int, dst: int, cand: np.ndarray):
        found, node = [], dst
        while node != src:
            prev = int(pred[node])
            r, c = (prev, node) if prev < self.nr else (node, prev)
            ent = r * self.nc + (c - self.nr)
            if cand[ent]:
                found.append(ent)
            node = prev
        return found


class _LPProtector:
    """Any table with margins: ranges and repairs by linear programming (HiGHS).

    Feasible points found along the way stay feasible as suppression grows, so their spread
    (``seen``) is a free lower bound on every range.
    """

    def __init__(self, prob: _Problem, supp: np.ndarray) -> None:
        self.prob, self.supp = prob, supp
        self.seen = (prob.values.astype(float), prob.values.astype(float))
        need = np.where(prob.small, prob.width, np.inf)
        _lp_extremes(
            prob, supp, np.flatnonzero(prob.small), informed=True, need=need, seen=self.seen, scatter=True
        )

    def quick_room(self, e: int, up: bool) -> float:
        lo, hi = self.seen
        return float(hi[e] - self.prob.values[e] if up else self.prob.values[e] - lo[e])

    def room(self, e: int, up: bool) -> float:
        need = np.full(self.prob.values.size, np.inf)
        _lp_extremes(
            self.prob, self.supp, np.array([e]), informed=True, need=need, sides=(not up, up), seen=self.seen
        )
        return self.quick_room(e, up)

    def augment(self, e: int, up: bool, target: float) -> float:
        got = self.quick_room(e, up)  # the caller has just measured it exactly
        moved = _cheapest_change(self.prob, self.supp, e, target if up else -target)
        if moved is None:
            target = _largest_change(self.prob, e, up)
            if target <= got + _TOL:
                return got
            moved = _cheapest_change(self.prob, self.supp, e, target if up else -target)
        if moved is not None:
            self.supp[moved] = True
        return self.room(e, up)


def _change_lp(prob: _Problem, e: int):
    """Pieces of the LP "change the table, published zeros fixed": variables (up, down)."""
    movable = np.flatnonzero(prob.usable)
    a = prob.lines[:, movable]
    a = a[np.flatnonzero(np.diff(a.indptr))]
    a_eq = sparse.hstack([a, -a]).tocsr()
    v = prob.values[movable]
    up_b = np.nan_to_num(prob.hi[movable] - v, posinf=np.inf)
    down_b = v - prob.lo[movable]
    pos = int(np.searchsorted(movable, e))
    return movable, a_eq, up_b, down_b, pos


def _cheapest_change(prob: _Problem, supp: np.ndarray, e: int, delta: float):
    """Published values to hide so that value ``e`` can move by ``delta``; None if impossible."""
    movable, a_eq, up_b, down_b, pos = _change_lp(prob, e)
    n = movable.size
    bounds = np.column_stack([np.zeros(2 * n), np.concatenate([up_b, down_b])])
    bounds[pos] = (max(delta, 0), max(delta, 0))
    bounds[n + pos] = (max(-delta, 0), max(-delta, 0))
    price = np.where(supp[movable], 0.0, prob.cost[movable])
    res = linprog(
        np.concatenate([price, price]),
        A_eq=a_eq,
        b_eq=np.zeros(a_eq.shape[0]),
        bounds=bounds,
        method="highs",
    )
    if res.status != 0:
        return None
    shift = res.x[:n] + res.x[n:]
    return movable[(shift > _MOVED) & ~supp[movable]]


def _largest_change(prob: _Problem, e: int, up: bool) -> float:
    """How far value ``e`` could move if every usable value were hidden."""
    movable, a_eq, up_b, down_b, pos = _change_lp(prob, e)
    n = movable.size
    c = np.zeros(2 * n)
    c[pos if up else n + pos] = -1.0
    bounds = np.column_stack([np.zeros(2 * n), np.concatenate([up_b, down_b])])
    res = linprog(c, A_eq=a_eq, b_eq=np.zeros(a_eq.shape[0]), bounds=bounds, method="highs")
    return float(-res.fun) if res.status == 0 else 0.0


# --------------------------------------------------------------------------- the attacker


def _lp_extremes(
    prob: _Problem,
    supp: np.ndarray,
    targets: np.ndarray,
    *,
    informed: bool,
    need: np.ndarray | None = None,
    sides: tuple[bool, bool] = (True, True),
    seen: tuple[np.ndarray, np.ndarray] | None = None,
    scatter: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Attacker's (min, max) for each target, one connected component at a time.

    With ``need``, a target whose known range already reaches ``need`` is not solved further
    (the bounds are then inner bounds: values the attacker cannot rule out).  ``seen`` holds
    the spread of feasible points found so far; it is used and updated in place.
    """
    lo_all, hi_all = _attacker_bounds(prob, informed)
    seen_lo, seen_hi = seen or (prob.values.astype(float), prob.values.astype(float))
    hidden = np.flatnonzero(supp)
    if hidden.size == 0:
        return seen_lo, seen_hi
    a, b = _attacker_system(prob, supp, hidden)
    _, label = csgraph.connected_components(abs(a.T @ a) > 0, directed=False)
    wanted = set(int(t) for t in targets)
    scatter = scatter or (need is not None and len(wanted) > 1)
    for comp in np.unique(label[np.searchsorted(hidden, targets)]):
        cols = np.flatnonzero(label == comp)
        ents = hidden[cols]
        rows = np.flatnonzero(abs(a[:, cols]).sum(axis=1) > 0)
        sub = _Sub(
            a[rows][:, cols], b[rows], lo_all[ents], hi_all[ents], seen_lo[ents].copy(), seen_hi[ents].copy()
        )
        if scatter and cols.size >= _SCATTER_FROM:
            sub.scatter(_SCATTER_ROUNDS)
        for pos, ent in enumerate(ents):
            if int(ent) in wanted:
                goal = np.inf if need is None else need[ent]
                sub.extremes(pos, goal, sides)
        seen_lo[ents], seen_hi[ents] = sub.seen_lo, sub.seen_hi
    return seen_lo, seen_hi


def _attacker_bounds(prob: _Problem, informed: bool) -> tuple[np.ndarray, np.ndarray]:
    if informed:
        return prob.lo, prob.hi
    return np.zeros(prob.values.size), np.full(prob.values.size, np.inf)


def _attacker_system(prob: _Problem, supp: np.ndarray, hidden: np.ndarray):
    """Equations over hidden values: for each line, hidden part = minus the published part."""
    lines = prob.lines
    a = lines[:, hidden].tocsr()
    b = -(lines @ np.where(supp, 0, prob.values).astype(float))
    keep = np.flatnonzero(np.diff(a.indptr))
    return a[keep].tocsc(), b[keep]


@dataclass
class _Sub:
    """One connected component of the attacker's LP, with witness points it has seen."""

    a: sparse.csc_array
    b: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    seen_lo: np.ndarray
    seen_hi: np.ndarray

    def extremes(self, pos: int, goal: float, sides: tuple[bool, bool]) -> tuple[float, float]:
        """(min, max) of variable ``pos``; stops once the range reaches ``goal``."""
        if sides[0] and not self._wide(pos, goal) and self.seen_lo[pos] > self.lo[pos] + _TOL:
            self.seen_lo[pos] = min(self.seen_lo[pos], self._solve(pos, 1.0))
        if sides[1] and not self._wide(pos, goal) and self.seen_hi[pos] < self.hi[pos] - _TOL:
            self.seen_hi[pos] = max(self.seen_hi[pos], -self._solve(pos, -1.0))
        return float(self.seen_lo[pos]), float(self.seen_hi[pos])

    def _wide(self, pos: int, goal: float) -> bool:
        return bool(self.seen_hi[pos] - self.seen_lo[pos] >= goal)

    def scatter(self, rounds: int) -> None:
        """Collect witness points from random objectives: most ranges are then already known."""
        rng = np.random.default_rng(0)
        for _ in range(rounds):
            self._run(rng.choice([-1.0, 1.0], size=self.lo.size))

    def _solve(self, pos: int, sign: float) -> float:
        c = np.zeros(self.lo.size)
        c[pos] = sign
        if self.a.shape[0] == 0:
            return sign * (self.lo[pos] if sign > 0 else self.hi[pos])
        return self._run(c)

    def _run(self, c: np.ndarray) -> float:
        res = linprog(c, A_eq=self.a, b_eq=self.b, bounds=np.column_stack([self.lo, self.hi]), method="highs")
        if res.status == 3:
            return -np.inf
        if res.status != 0:
            raise RuntimeError(f"attacker LP failed: {res.message}")
        self.seen_lo = np.minimum(self.seen_lo, res.x)
        self.seen_hi = np.maximum(self.seen_hi, res.x)
        return float(res.fun)


# --------------------------------------------------------------------------- conversions


def _to_table(prob: _Problem, supp: np.ndarray, inner: np.ndarray) -> SuppressedTable:
    m, n = inner.shape
    ext = supp.reshape(prob.shape)
    small = prob.small.reshape(prob.shape)
    with_totals = prob.shape != inner.shape
    return SuppressedTable(
        counts=inner.tolist(),
        suppressed=ext[:m, :n].tolist(),
        row_totals_suppressed=ext[:m, n].tolist() if with_totals else [True] * m,
        col_totals_suppressed=ext[m, :n].tolist() if with_totals else [True] * n,
        grand_total_suppressed=bool(ext[m, n]) if with_totals else True,
        primary=small[:m, :n].tolist(),
        k=prob.k,
        with_totals=with_totals,
        protect_zeros=prob.protect_zeros,
        min_range=prob.min_range_arg,
    )


def _to_stacked(prob: _Problem, supp: np.ndarray, inner: np.ndarray) -> StackedTable:
    n_blocks = inner.shape[0]
    ext_supp = supp.reshape(prob.shape)
    tables = []
    for b in range(n_blocks + 1):
        block = inner[b] if b < n_blocks else inner.sum(axis=0)
        sub = _Problem.build(block, prob.k, prob.protect_zeros, prob.min_range_arg, True)
        tables.append(_to_table(sub, ext_supp[b].ravel(), block))
    return StackedTable(blocks=tables[:-1], total=tables[-1], k=prob.k)


def _problem_of(table: SuppressedTable | StackedTable) -> tuple[_Problem, np.ndarray]:
    if isinstance(table, StackedTable):
        first = table.blocks[0]
        inner = np.array([b.counts for b in table.blocks], dtype=np.int64)
        prob = _Problem.build(inner, table.k, first.protect_zeros, first.min_range, True)
        masks = [_ext_mask(t) for t in [*table.blocks, table.total]]
        return prob, np.stack(masks).ravel()
    inner = np.array(table.counts, dtype=np.int64)
    prob = _Problem.build(inner, table.k, table.protect_zeros, table.min_range, table.with_totals)
    return prob, _ext_mask(table).ravel()


def _ext_mask(t: SuppressedTable) -> np.ndarray:
    inner = np.array(t.suppressed, dtype=bool)
    if not t.with_totals:
        return inner
    rows = np.column_stack([inner, np.array(t.row_totals_suppressed, dtype=bool)])
    last = np.array([*t.col_totals_suppressed, t.grand_total_suppressed], dtype=bool)
    return np.vstack([rows, last])


def _intervals_ext(table: SuppressedTable | StackedTable, informed: bool) -> list:
    """Attacker intervals over the whole published grid (totals last), None where shown."""
    prob, supp = _problem_of(table)
    hidden = np.flatnonzero(supp)
    lo, hi = _lp_extremes(prob, supp, hidden, informed=informed)
    out = np.empty(prob.values.size, dtype=object)
    for e in hidden:
        out[e] = (_tidy(lo[e]), _tidy(hi[e]))
    return out.reshape(prob.shape).tolist()


def _tidy(bound: float) -> float:
    """Snap solver noise (8.9999999, -0.0) to the whole number it stands for."""
    if not np.isfinite(bound):
        return float(bound)
    near = round(bound)
    return float(near) + 0.0 if abs(bound - near) < 1e-7 else float(bound)


def _inner_grid(ext: list, with_totals: bool = True) -> list[list[_Interval | None]]:
    return [row[:-1] for row in ext[:-1]] if with_totals else ext
