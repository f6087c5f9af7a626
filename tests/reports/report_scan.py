"""Reading a written report back: its visible text, headings, tables, charts and links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Attributes that hold words a person can read (tooltips, accessible names).
READABLE = {"title", "alt", "aria-label", "content"}
NUMBER = re.compile(r"\d[\d,]*")


@dataclass
class Table:
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)
    header_scopes: list[str | None] = field(default_factory=list)


class Scan(HTMLParser):
    """Everything a test asks about a report, gathered in one pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.headings: list[int] = []
        self.tables: list[Table] = []
        self.svgs: list[dict[str, str | None]] = []
        self.ids: list[str] = []
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self._stack: list[str] = []
        self._table: Table | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._caption = False
        self._skip = 0  # inside <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.add(tag)
        if a.get("id"):
            self.ids.append(a["id"] or "")
        for name in ("href", "src", "xlink:href", "action", "data"):
            if a.get(name):
                self.urls.append(a[name] or "")
        self.text += [v for k, v in a.items() if k in READABLE and v]
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "style":
            self._skip += 1
        elif tag == "svg":
            self.svgs.append({"role": a.get("role"), "labelledby": a.get("aria-labelledby")})
        elif tag == "table":
            self._table = Table()
        elif tag == "caption":
            self._caption = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            if tag == "th" and self._table is not None:
                self._table.header_scopes.append(a.get("scope"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._skip -= 1
        elif tag == "caption":
            self._caption = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self._table.rows.append(self._row)
            self._row = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._caption and self._table is not None:
            self._table.caption += data
        if self._cell is not None:
            self._cell.append(data)

    # -- questions ------------------------------------------------------------------------

    def numbers(self) -> set[int]:
        """Every number a reader can see or hear (text, tooltips, descriptions)."""
        return {int(m.replace(",", "")) for t in self.text for m in NUMBER.findall(t)}

    def table(self, caption_start: str) -> Table:
        found = [t for t in self.tables if t.caption.startswith(caption_start)]
        assert found, f"no table captioned {caption_start!r}"
        return found[0]

    def cell(self, caption_start: str, row: str, column: str) -> str:
        table = self.table(caption_start)
        header = table.rows[0]
        line = next(r for r in table.rows if r[0] == row)
        return line[header.index(column)]


def scan(html: str) -> Scan:
    parser = Scan()
    parser.feed(html)
    parser.close()
    return parser
