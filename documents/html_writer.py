"""HTML for screens, e-mail and printing from a browser; every text is escaped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from documents.model import (
    AttachmentHeading,
    Cell,
    Heading,
    KeyValue,
    OfficialDocument,
    PageBreak,
    Paragraph,
    SealBox,
    Table,
)
from kernel.timefmt import cn_date

_ENV = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _cell(cell: Cell | str | None) -> str:
    """One ``<td>`` (nothing where a span covers the position); line breaks as ``<br>``, text escaped."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return f"<td>{'<br>'.join(escape(line) for line in cell.split(chr(10)))}</td>"
    spans = (f' rowspan="{cell.row_span}"' if cell.row_span > 1 else "") + (
        f' colspan="{cell.col_span}"' if cell.col_span > 1 else ""
    )
    return f"<td{spans}>{'<br>'.join(escape(line) for line in cell.text.split(chr(10)))}</td>"


def _rows(rows: tuple[tuple[Cell | str | None, ...], ...]) -> Markup:
    """A table's body rows, built here rather than cell by cell in the template: the review package's
    tables hold thousands of cells, and the template's loop was most of the page's rendering time."""
    return Markup("".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>\n" for row in rows))


@dataclass(frozen=True)
class TableWindow:
    """Rows ``start`` to ``end`` of a long table, between ``before`` and ``after`` (safe HTML, such as a
    page's pager): a screen shows a 2,000-row table a page at a time; the document's files keep every row."""

    start: int
    end: int
    before: Markup
    after: Markup


def window_rows(
    rows: tuple[tuple[Cell | str | None, ...], ...], start: int, end: int
) -> tuple[tuple[Cell | str | None, ...], ...]:
    """Rows ``start`` to ``end`` of a grid with its spans cut at the window's edges: a cell spanning into
    the window from above is repeated on its first row for the rows left, and a span past ``end`` stops
    there. Positions are the rows' indices, as the builders write them (None where a span covers one)."""
    start, end = max(0, start), min(len(rows), end)
    spans: dict[int, tuple[Cell, int]] = {}  # position → the last cell spanning rows there, its end
    for r in range(start):
        for c, cell in enumerate(rows[r]):
            if isinstance(cell, Cell) and cell.row_span > 1:
                spans[c] = (cell, r + cell.row_span)
    out = []
    for r in range(start, end):
        row = list(rows[r])
        for c, cell in enumerate(row):
            if r == start and cell is None and c in spans and spans[c][1] > start:
                row[c] = replace(spans[c][0], row_span=min(spans[c][1], end) - start)
            elif isinstance(cell, Cell) and r + cell.row_span > end:
                row[c] = replace(cell, row_span=end - r)
        out.append(tuple(row))
    return tuple(out)


def _block(block: object, window: TableWindow | None = None) -> dict[str, Any]:
    if isinstance(block, Heading):
        return {"kind": "heading", "text": block.text, "level": block.level}
    if isinstance(block, Paragraph):
        return {
            "kind": "paragraph",
            "text": block.text,
            "indent": block.indent_first_line,
            "align": block.align,
            "bold": block.bold,
        }
    if isinstance(block, Table):
        rows = block.rows if window is None else window_rows(block.rows, window.start, window.end)
        return {
            "kind": "table",
            "headers": block.headers,
            "caption": block.caption,
            "rows": _rows(rows),
            "before": window.before if window else "",
            "after": window.after if window else "",
        }
    if isinstance(block, PageBreak):
        return {"kind": "pagebreak"}
    if isinstance(block, AttachmentHeading):
        return {"kind": "attachment", "label": block.label, "title": block.title}
    if isinstance(block, KeyValue):
        return {"kind": "keyvalue", "pairs": block.pairs}
    if isinstance(block, SealBox):
        return {"kind": "seal", "text": block.text}
    raise TypeError(block)


CSS_PATH = Path(__file__).parent / "templates" / "document.css"


def document_css() -> str:
    """The stylesheet of every rendered document (A4, GB/T 9704 measures, printable)."""
    return CSS_PATH.read_text(encoding="utf-8")


def render_html(
    doc: OfficialDocument, *, css_href: str | None = None, windows: Mapping[int, TableWindow] | None = None
) -> str:
    """The document as one HTML page; its stylesheet inline, or linked from ``css_href`` (for a site
    whose Content-Security-Policy forbids inline styles). ``windows``: the rows to show of some tables,
    by their place among the document's tables (0: its first table); other tables show every row."""
    windows = windows or {}
    tables = [n for n, b in enumerate(doc.blocks) if isinstance(b, Table)]
    by_block = {tables[k]: w for k, w in windows.items() if 0 <= k < len(tables)}
    return _ENV.get_template("document.html.j2").render(
        doc=doc,
        blocks=[_block(b, by_block.get(n)) for n, b in enumerate(doc.blocks)],
        date_text=cn_date(doc.date) if doc.date else "",
        css_href=css_href,
        css=document_css(),
    )
