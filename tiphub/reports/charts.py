"""Inline SVG bar and line charts of protected figures.

A withheld cell is drawn as a small hatched box of fixed size with its mark (``<10``, ``x``)
next to it — never as a bar or point whose size could hint at the value.

>>> from tiphub.reports.svg import Datum
>>> svg = bar_chart("c1", "Means", [Group(None, (Datum("Threats", 0.4, "40 %"),))])
>>> 'role="img"' in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from tiphub.reports.svg import (
    INK,
    MUTED,
    RULE,
    Datum,
    colour,
    dash,
    esc,
    fit,
    frame,
    label,
    n,
    nice_step,
    number,
    spoken,
    withheld_box,
)

WIDTH = 400  # bar charts; narrow so their text stays legible when a phone scales them down
ROW = 42
HEADING = 28
VALUE_ROOM = 120  # room right of the longest bar for its value text
WITHHELD_W = 22


@dataclass(frozen=True)
class Group:
    """Bars drawn under one heading (``label`` None: no heading)."""

    label: str | None
    items: tuple[Datum, ...]


@dataclass(frozen=True)
class Series:
    label: str
    points: tuple[Datum, ...]  # one per x position; Datum.label is the x label


def describe(title: str, groups: Sequence[Group]) -> str:
    """The chart's numbers in words, for screen readers."""
    parts = []
    for g in groups:
        items = ", ".join(spoken(d) for d in g.items)
        parts.append(f"{g.label}: {items}" if g.label else items)
    return f"{title}. " + "; ".join(parts) + "."


# -- horizontal bars ----------------------------------------------------------------------


def bar_chart(cid: str, title: str, groups: Sequence[Group]) -> Markup:
    """Horizontal bars, a label above each bar and its value after it; groups get headings.
    Bars of every group share one scale; colours follow an item's position in its group."""
    vmax = max((d.value for g in groups for d in g.items if d.value is not None), default=0)
    scale = (WIDTH - VALUE_ROOM) / vmax if vmax > 0 else 0.0
    body, y = [], 4.0
    for group in groups:
        if group.label:
            body.append(label(0, y + 18, fit(group.label, WIDTH, 15), size=15, weight="bold",
                              full=group.label))
            y += HEADING
        for i, d in enumerate(group.items):
            body.append(_bar(cid, d, y, scale, colour(i), group.label))
            y += ROW
        y += 6
    return frame(cid, title, describe(title, groups), WIDTH, y, "".join(body))


def _bar(cid: str, d: Datum, y: float, scale: float, fill: str, group: str | None) -> str:
    out = [label(0, y + 14, fit(d.label, WIDTH, 14), size=14, full=d.label)]
    top, height = y + 19, 15
    if d.value is None:
        where = f"{group}, {d.label}" if group else d.label
        out.append(withheld_box(cid, 0, top, WITHHELD_W, height, f"{where}: {d.text}, withheld"))
        out.append(label(WITHHELD_W + 6, top + 12, f"{d.text} (withheld)", size=13, fill=MUTED))
        return "".join(out)
    width = max(d.value * scale, 1.0 if d.value > 0 else 0.0)
    out.append(f'<rect x="0" y="{n(top)}" width="{n(width)}" height="{height}" fill="{fill}"/>')
    out.append(label(width + 6, top + 12, d.text, size=13))
    return "".join(out)


# -- lines --------------------------------------------------------------------------------

LINE_WIDTH = 440
LEFT, RIGHT, TOP, PLOT_H, XAXIS, LEGEND_ROW, STRIP_ROW = 64, 16, 14, 200, 28, 22, 14


def line_chart(cid: str, title: str, series: Sequence[Series]) -> Markup:
    """One line per series over the x positions. A withheld point breaks its line and is shown
    as a hatched box in a strip under the x axis, one row per series, never on the value
    scale."""
    xs = [d.label for d in series[0].points] if series else []
    vmax = max((d.value for s in series for d in s.points if d.value is not None), default=0)
    step = nice_step(vmax)
    ymax = step * max(1, math.ceil(vmax / step))
    px = _x_positions(len(xs))
    base = TOP + PLOT_H

    def py(v: float) -> float:
        return base - v / ymax * PLOT_H

    body = [_y_axis(ymax, step, py), _x_axis(xs, px, base)]
    body += [_line(s, i, px, py) for i, s in enumerate(series)]
    strip, strip_h = _withheld_strip(cid, series, px, base + XAXIS)
    legend_top = base + XAXIS + strip_h + 8
    body += [strip, _legend(series, legend_top)]
    height = legend_top + LEGEND_ROW * math.ceil(len(series) / 2) + 4
    groups = [Group(s.label, s.points) for s in series]
    return frame(cid, title, describe(title, groups), LINE_WIDTH, height, "".join(body))


def _x_positions(count: int) -> list[float]:
    inner = LINE_WIDTH - LEFT - RIGHT - 24
    if count <= 1:
        return [LEFT + 12 + inner / 2] * count
    return [LEFT + 12 + i * inner / (count - 1) for i in range(count)]


def _y_axis(ymax: float, step: float, py: Callable[[float], float]) -> str:
    out = []
    ticks = int(round(ymax / step))
    for k in range(ticks + 1):
        v = k * step
        y = py(v)
        out.append(f'<line x1="{LEFT}" x2="{LINE_WIDTH - RIGHT}" y1="{n(y)}" y2="{n(y)}"'
                   f' stroke="{RULE}" stroke-width="1"/>')
        text = number(int(v)) if float(v).is_integer() else f"{v:g}"
        out.append(label(LEFT - 6, y + 4, text, size=12, anchor="end", fill=MUTED))
    return "".join(out)


def _x_axis(xs: list[str], px: list[float], base: float) -> str:
    if not xs:
        return ""
    longest = max(len(x) for x in xs) * 12 * 0.56 + 8
    room = (px[-1] - px[0]) / max(1, len(xs) - 1) if len(xs) > 1 else longest
    every = max(1, math.ceil(longest / max(room, 1)))
    out = [f'<line x1="{LEFT}" x2="{LINE_WIDTH - RIGHT}" y1="{n(base)}" y2="{n(base)}"'
           f' stroke="{INK}" stroke-width="1"/>']
    for i, (text, x) in enumerate(zip(xs, px, strict=True)):
        if i % every == 0:
            out.append(label(x, base + 18, fit(text, longest * every, 12), size=12,
                             anchor="middle", fill=MUTED, full=text))
    return "".join(out)


def _line(s: Series, i: int, px: list[float], py: Callable[[float], float]) -> str:
    stroke, pattern = colour(i), dash(i)
    dashes = f' stroke-dasharray="{pattern}"' if pattern else ""
    out, run = [], []
    for x, d in zip(px, s.points, strict=True):
        if d.value is None:
            out.append(_path(run, stroke, dashes))
            run = []
            continue
        y = py(d.value)
        run.append((x, y))
        out.append(f'<circle cx="{n(x)}" cy="{n(y)}" r="3.5" fill="{stroke}">'
                   f"<title>{_tip(s.label, d)}</title></circle>")
    out.append(_path(run, stroke, dashes))
    return "".join(out)


def _withheld_strip(cid: str, series: Sequence[Series], px: list[float],
                    top: float) -> tuple[str, float]:
    """Rows of hatched boxes under the axis where a series' value is withheld."""
    rows = [(i, s) for i, s in enumerate(series) if any(d.withheld for d in s.points)]
    if not rows:
        return "", 0.0
    out = [label(0, top + 11, "Withheld:", size=12, fill=MUTED)]
    for r, (i, s) in enumerate(rows):
        y = top + 16 + r * STRIP_ROW
        pattern = dash(i)
        dashes = f' stroke-dasharray="{pattern}"' if pattern else ""
        out.append(f'<line x1="{LEFT - 30}" x2="{LEFT - 8}" y1="{n(y + 5)}" y2="{n(y + 5)}"'
                   f' stroke="{colour(i)}" stroke-width="2.5"{dashes}/>')
        out += [withheld_box(cid, x - 5, y, 10, 10, f"{s.label}, {d.label}: {d.text}, withheld")
                for x, d in zip(px, s.points, strict=True) if d.withheld]
    return "".join(out), 16 + len(rows) * STRIP_ROW


def _tip(series: str, d: Datum) -> str:
    return esc(f"{series}, {d.label}: {d.text}")


def _path(points: list[tuple[float, float]], stroke: str, dashes: str) -> str:
    if len(points) < 2:
        return ""
    d = "M" + " L".join(f"{n(x)} {n(y)}" for x, y in points)
    return f'<path d="{d}" fill="none" stroke="{stroke}" stroke-width="2.5"{dashes}/>'


def _legend(series: Sequence[Series], top: float) -> str:
    out = []
    col_w = (LINE_WIDTH - LEFT) / 2
    for i, s in enumerate(series):
        x = LEFT + (i % 2) * col_w
        y = top + (i // 2) * LEGEND_ROW
        pattern = dash(i)
        dashes = f' stroke-dasharray="{pattern}"' if pattern else ""
        out.append(f'<line x1="{n(x)}" x2="{n(x + 28)}" y1="{n(y + 8)}" y2="{n(y + 8)}"'
                   f' stroke="{colour(i)}" stroke-width="2.5"{dashes}/>')
        out.append(f'<circle cx="{n(x + 14)}" cy="{n(y + 8)}" r="3.5" fill="{colour(i)}"/>')
        out.append(label(x + 34, y + 13, fit(s.label, col_w - 40, 13), size=13, full=s.label))
    return "".join(out)
