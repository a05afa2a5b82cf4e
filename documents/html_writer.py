"""HTML for screens, e-mail and printing from a browser; every text is escaped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

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


def _cell(cell: Cell | str | None) -> dict[str, Any] | None:
    if cell is None:
        return None
    c = Cell(cell) if isinstance(cell, str) else cell
    return {"lines": c.text.split("\n"), "row_span": c.row_span, "col_span": c.col_span}


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
            "rows": [[_cell(c) for c in row] for row in block.rows],
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
