"""Markdown: headings, paragraphs and pipe tables (a cell covered by a merge is left blank)."""

from __future__ import annotations

from documents.model import (
    AttachmentHeading,
    Heading,
    KeyValue,
    OfficialDocument,
    PageBreak,
    Paragraph,
    SealBox,
    Table,
    cell_text,
)
from kernel.timefmt import cn_date


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _table(table: Table) -> list[str]:
    lines = [f"**{table.caption}**", ""] if table.caption else []
    lines.append("| " + " | ".join(_escape(h) for h in table.headers) + " |")
    lines.append("|" + "---|" * len(table.headers))
    for row in table.rows:
        lines.append("| " + " | ".join(_escape(cell_text(c)) for c in row) + " |")
    return [*lines, ""]


def render_markdown(doc: OfficialDocument) -> str:
    out: list[str] = []
    if doc.notice:
        out += [f"> **{doc.notice}**", ""]
    if doc.attachment_label:
        out += [f"**{doc.attachment_label}**", ""]
    if doc.issuer_mark:
        out += [f"**{doc.issuer_mark}**", ""]
    if doc.doc_number:
        out += [doc.doc_number, ""]
    out += [f"# {doc.title}", ""]
    if doc.addressee:
        out += [doc.addressee, ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * (block.level + 1)} {block.text}", ""]
        elif isinstance(block, Paragraph):
            out += [f"**{block.text}**" if block.bold else block.text, ""]
        elif isinstance(block, Table):
            out += _table(block)
        elif isinstance(block, PageBreak):
            out += ["---", ""]
        elif isinstance(block, AttachmentHeading):
            out += ["---", "", f"**{block.label}**", ""] + ([f"## {block.title}", ""] if block.title else [])
        elif isinstance(block, KeyValue):
            out += ["　　".join(f"{k}：{v}" for k, v in block.pairs), ""]
        elif isinstance(block, SealBox):
            out += [block.text, ""]
    for n, name in enumerate(doc.attachments, 1):
        out.append(f"{'附件：' if n == 1 else '　　　'}{n}. {name}  ")
    if doc.attachments:
        out.append("")
    if doc.signature:
        out += [doc.signature, ""]
    if doc.date:
        out += [cn_date(doc.date), ""]
    return "\n".join(out)
