"""The document model the writers share. Builders in ``workflow/reports`` produce it from domain
data; writers turn it into DOCX (paper), HTML (screens, e-mail) or Markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

_YEAR_IN_BRACKETS = re.compile(r"[\[［【(（]\s*(\d{4})\s*[\]］】)）]")


def normalize_doc_number(text: str) -> str:
    """X政发[2023]1号 → X政发〔2023〕1号: document numbers use U+3014/U+3015 around the year."""
    return _YEAR_IN_BRACKETS.sub(lambda m: f"〔{m.group(1)}〕", text.strip())


@dataclass(frozen=True)
class Heading:
    text: str
    level: Literal[1, 2, 3] = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    indent_first_line: bool = True
    align: Literal["left", "center", "right"] = "left"
    bold: bool = False


@dataclass(frozen=True)
class Cell:
    text: str
    row_span: int = 1
    col_span: int = 1


@dataclass(frozen=True)
class Table:
    """A grid: ``rows[r][c]`` is a Cell, a plain string, or None where a span from above or the
    left covers the position (as in HTML)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[Cell | str | None, ...], ...]
    col_widths_mm: tuple[float, ...] | None = None
    caption: str | None = None


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class AttachmentHeading:
    label: str  # 附件1
    title: str = ""


@dataclass(frozen=True)
class KeyValue:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SealBox:
    text: str = "（盖章）"


Block = Heading | Paragraph | Table | PageBreak | AttachmentHeading | KeyValue | SealBox


@dataclass(frozen=True)
class OfficialDocument:
    title: str
    blocks: tuple[Block, ...]
    issuer_mark: str | None = None
    doc_number: str | None = None
    addressee: str | None = None
    signature: str | None = None
    date: date | None = None
    attachments: tuple[str, ...] = ()
    landscape: bool = False
    kind_label: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # "letter": the 信函格式 of GB/T 9704-2012 §10.1 (a 函): issuer mark with red double lines at the top
    # (thick over thin), the number flush right below them, a closing double line (thin over thick) at the
    # foot of page 1, no page number on page 1. "document": the 文件格式.
    layout: Literal["document", "letter"] = "document"
    attachment_label: str | None = None  # 附件1: printed top left (3号黑体) when the document is an attachment
    notice: str | None = None  # a line printed above the title in a box (e.g. that times are illustrative)

    def __post_init__(self) -> None:
        if self.doc_number and ("〔" not in self.doc_number or "〕" not in self.doc_number):
            raise ValueError(f"document number must use 〔〕: {self.doc_number}")


def cell_text(cell: Cell | str | None) -> str:
    if cell is None:
        return ""
    return cell if isinstance(cell, str) else cell.text
