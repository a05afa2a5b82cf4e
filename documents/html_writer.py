"""HTML for screens, e-mail and printing from a browser; every text is escaped."""

from __future__ import annotations

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


def _block(block: object) -> dict[str, Any]:
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
        return {
            "kind": "table",
            "headers": block.headers,
            "caption": block.caption,
            "rows": _rows(block.rows),
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


def render_html(doc: OfficialDocument, *, css_href: str | None = None) -> str:
    """The document as one HTML page; its stylesheet inline, or linked from ``css_href`` (for a site
    whose Content-Security-Policy forbids inline styles)."""
    return _ENV.get_template("document.html.j2").render(
        doc=doc,
        blocks=[_block(b) for b in doc.blocks],
        date_text=cn_date(doc.date) if doc.date else "",
        css_href=css_href,
        css=document_css(),
    )
