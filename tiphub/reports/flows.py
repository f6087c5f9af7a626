"""A left-to-right flow diagram (a simple Sankey): origins on the left, destinations or flow
types on the right, bands between them as wide as the published counts.

A withheld link is a thin dashed line with its mark in the tooltip and the description: its
width never depends on the value.

>>> from tiphub.reports.svg import Datum
>>> svg = flow_chart("f1", "Flows", [Datum("Asia", 20, "20")], [Datum("Domestic", 20, "20")],
...                  [Link(0, 0, Datum("Asia to Domestic", 20, "20"))])
>>> svg.count("<path")
1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from tiphub.reports.svg import MUTED, WITHHELD_FILL, Datum, colour, esc, fit, frame, label, n, spoken

WIDTH = 520
LEFT_BAR, RIGHT_BAR, BAR_W = 150.0, 300.0, 10.0
SLOT_MIN, GAP, STUB = 36.0, 8.0, 3.0


@dataclass(frozen=True)
class Link:
    source: int
    target: int
    datum: Datum  # label says "origin to target"


@dataclass
class _Node:
    datum: Datum
    height: float = 0.0
    top: float = 0.0
    cursor: float = 0.0


def flow_chart(cid: str, title: str, sources: Sequence[Datum], targets: Sequence[Datum],
               links: Sequence[Link]) -> Markup:
    left = [_Node(d) for d in sources]
    right = [_Node(d) for d in targets]
    scale = _scale(links, max(len(left), len(right)))
    for link in links:
        size = link.datum.value * scale if link.datum.value is not None else STUB
        left[link.source].height += size
        right[link.target].height += size
    height = max(_stack(left), _stack(right)) + 4
    body = [_band(cid, link, left[link.source], right[link.target], scale) for link in links]
    body += [_node(node, LEFT_BAR, colour(i), "end") for i, node in enumerate(left)]
    body += [_node(node, RIGHT_BAR, MUTED, "start") for node in right]
    return frame(cid, title, _describe(title, sources, targets, links), WIDTH, height,
                 "".join(body), kind="flows")


def _scale(links: Sequence[Link], nodes: int) -> float:
    total = sum(link.datum.value or 0 for link in links)
    room = max(220.0, 40.0 * nodes) - GAP * nodes
    return room / total if total else 0.0


def _stack(nodes: list[_Node]) -> float:
    y = 4.0
    for node in nodes:
        node.height = max(node.height, STUB)
        node.top = node.cursor = y
        y += max(node.height, SLOT_MIN) + GAP
    return y


def _node(node: _Node, x: float, fill: str, anchor: str) -> str:
    d = node.datum
    text_x = x - 6 if anchor == "end" else x + BAR_W + 6
    room = text_x if anchor == "end" else WIDTH - text_x
    value = f"{d.text} (withheld)" if d.withheld else d.text
    return (f'<rect x="{n(x)}" y="{n(node.top)}" width="{BAR_W}" height="{n(node.height)}"'
            f' fill="{fill}"><title>{esc(spoken(d))}</title></rect>'
            + label(text_x, node.top + 13, fit(d.label, room, 14), size=14, anchor=anchor,
                    full=d.label)
            + label(text_x, node.top + 29, value, size=13, anchor=anchor, fill=MUTED))


def _band(cid: str, link: Link, src: _Node, dst: _Node, scale: float) -> str:
    d = link.datum
    size = d.value * scale if d.value is not None else STUB
    y0, y1 = src.cursor, dst.cursor
    src.cursor += size
    dst.cursor += size
    x0, x1 = LEFT_BAR + BAR_W, RIGHT_BAR
    mid = (x0 + x1) / 2
    tip = f"<title>{esc(spoken(d))}</title>"
    if d.value is None:
        a, b = y0 + STUB / 2, y1 + STUB / 2
        return (f'<path d="M{n(x0)} {n(a)} C{n(mid)} {n(a)} {n(mid)} {n(b)} {n(x1)} {n(b)}"'
                f' fill="none" stroke="{WITHHELD_FILL}" stroke-width="1.5"'
                f' stroke-dasharray="3 3">{tip}</path>')
    shape = (f"M{n(x0)} {n(y0)} C{n(mid)} {n(y0)} {n(mid)} {n(y1)} {n(x1)} {n(y1)}"
             f" L{n(x1)} {n(y1 + size)} C{n(mid)} {n(y1 + size)} {n(mid)} {n(y0 + size)}"
             f" {n(x0)} {n(y0 + size)} Z")
    return (f'<path d="{shape}" fill="{colour(link.source)}" fill-opacity="0.45"'
            f' stroke="{colour(link.source)}" stroke-width="0.5">{tip}</path>')


def _describe(title: str, sources: Sequence[Datum], targets: Sequence[Datum],
              links: Sequence[Link]) -> str:
    parts = [
        "From: " + ", ".join(spoken(d) for d in sources),
        "To: " + ", ".join(spoken(d) for d in targets),
        "Flows: " + ", ".join(spoken(link.datum) for link in links),
    ]
    return f"{title}. " + "; ".join(parts) + "."
