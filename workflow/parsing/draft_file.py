"""Pick the parser by file suffix; decode text the way Chinese office files come."""

from __future__ import annotations

from pathlib import PurePath

from kernel.errors import InvalidInput
from workflow.parsing.draft_markdown import parse_draft_markdown
from workflow.parsing.draft_model import ParsedDraft
from workflow.parsing.draft_text import parse_draft_text


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 — what Windows offices save as 'ANSI'."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("FILE_ENCODING_UNKNOWN", "无法识别文件编码，请另存为 UTF-8。")


def parse_draft_file(filename: str, data: bytes) -> ParsedDraft:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".txt":
        return parse_draft_text(decode_text(data))
    if suffix == ".md":
        return parse_draft_markdown(decode_text(data))
    if suffix == ".docx":
        # Imported for a Word file only: python-docx takes 70 ms to import, and the unit and measure
        # imports use this module's decode_text (a CLI call is a new process).
        from workflow.parsing.draft_docx import parse_draft_docx

        return parse_draft_docx(data)
    raise InvalidInput(
        "DRAFT_FORMAT_UNSUPPORTED",
        f"不支持的文稿格式“{suffix or filename}”，仅支持 .txt、.md、.docx。",
        filename=filename,
    )
