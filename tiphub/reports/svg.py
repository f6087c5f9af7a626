"""Small pieces every inline SVG chart shares: escaping, the accessible frame, the hatch
pattern for withheld cells, colours and number formatting.

Charts are strings of SVG markup built in Python, so the report needs no JavaScript, no fonts
and no network. Every piece of text goes through :func:`esc` (labels may come from files).

>>> str(frame("c1", "Title", "In words", 100, 50, ""))[:4]
'<svg'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

# Each colour has a contrast of at least 4.5:1 on white, so bars and lines stay visible for
# people with low vision; dashes and text labels carry the meaning for colour-blind readers.
PALETTE = ("#1f5f99", "#a4461a", "#2d6e46", "#7d3c98", "#4d5660", "#a12f45", "#146c75", "#6f5500")
DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 2", "12 4", "1 2", "6 2 1 2")
INK = "#1a1a1a"
MUTED = "#4a4a4a"
RULE = "#c8c8c8"
WITHHELD_FILL = "#767676"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
CHAR_WIDTH = 0.56  # average glyph width in em, to fit labels without measuring fonts


@dataclass(frozen=True)
class Datum:
    """One value to draw: ``value`` is None when the cell is withheld; ``text`` is printed."""

    label: str
    value: float | None
    text: str

    @property
    def withheld(self) -> bool:
        return self.value is None


def esc(text: object) -> str:
    return str(escape(str(text)))


def n(x: float) -> str:
    """A coordinate, short."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def dash(i: int) -> str:
    return DASHES[(i // len(PALETTE) + i) % len(DASHES)]


def fit(text: str, width: float, size: float) -> str:
    """``text`` cut with an ellipsis so it fits ``width`` units at font ``size``."""
    room = max(3, int(width / (size * CHAR_WIDTH)))
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def spoken(d: Datum) -> str:
    """A value in words for ``<desc>``: withheld marks are said to be withheld."""
    return f"{d.label} {d.text} (withheld)" if d.withheld else f"{d.label} {d.text}"


def label(x: float, y: float, text: str, *, size: float = 13, anchor: str = "start",
          weight: str = "normal", fill: str = INK, full: str | None = None) -> str:
    """A text element; ``full`` (the uncut label) becomes a tooltip when the text was cut."""
    tip = f"<title>{esc(full)}</title>" if full and full != text else ""
    bold = ' font-weight="bold"' if weight != "normal" else ""
    return (f'<text x="{n(x)}" y="{n(y)}" font-size="{n(size)}" text-anchor="{anchor}"'
            f'{bold} fill="{fill}">{tip}{esc(text)}</text>')


def hatch_defs(cid: str) -> str:
    return (f'<defs><pattern id="{cid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
            f' patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{WITHHELD_FILL}" stroke-width="2.5"/>'
            f'</pattern></defs>')


def withheld_box(cid: str, x: float, y: float, w: float, h: float, tip: str) -> str:
    """The mark drawn where a withheld cell would be: hatched, never sized by the value."""
    return (f'<rect x="{n(x)}" y="{n(y)}" width="{n(w)}" height="{n(h)}" fill="url(#{cid}-hatch)"'
            f' stroke="{WITHHELD_FILL}" stroke-width="1"><title>{esc(tip)}</title></rect>')


def frame(cid: str, title: str, desc: str, width: float, height: float, body: str,
          kind: str = "") -> Markup:
    """The accessible outer ``<svg>``: ``role="img"`` named by its title and described in
    words by its desc. No ``xmlns``: inline SVG in HTML needs none, and the report then holds
    no URL at all."""
    return Markup(
        f'<svg class="{esc(("chart " + kind).strip())}" role="img"'
        f' viewBox="0 0 {n(width)} {n(height)}" aria-labelledby="{cid}-title {cid}-desc"'
        f' font-family="{FONT}">'
        f'<title id="{cid}-title">{esc(title)}</title><desc id="{cid}-desc">{esc(desc)}</desc>'
        f"{hatch_defs(cid)}{body}</svg>"
    )


def number(count: int) -> str:
    return f"{count:,}"


def percent(share: float) -> str:
    value = share * 100
    if 0 < value < 1:
        return f"{value:.1f} %"
    return f"{value:.0f} %"


def nice_step(vmax: float, ticks: int = 4) -> float:
    """A round axis step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` lines."""
    if vmax <= 0:
        return 1.0
    raw = vmax / ticks
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if raw <= mult * power:
            return mult * power
    return 10 * power
