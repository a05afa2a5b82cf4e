"""A draft as a document again: its imported paragraphs laid out as the original was.

The importer keeps a draft's text as paragraphs (``DraftVersion.body``), head and tail included: the
document number line (e.g. 某政发〔2023〕 号), the title, the 主送 line, and the 落款 and date at the end. Here
they are recognised and put back where a document has them, and the body's headings (一、 / （一） /
第X章) get their heading fonts; every paragraph is printed as imported, nothing reworded.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from documents.model import Heading, OfficialDocument, Paragraph, normalize_doc_number

_NUMBER = re.compile(r"〔\s*\d{4}\s*〕\s*\d*\s*号$")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_LEVEL1 = re.compile(r"^(?:[一二三四五六七八九十百]+、|第[一二三四五六七八九十百零〇]+[章编])")
_LEVEL2 = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十百零〇]+节)")
_SENTENCE_END = ("。", "；", "！", "？")


def _is_heading_line(text: str) -> bool:
    """A short line without a sentence in it: a title, a 落款."""
    return len(text) <= 80 and not any(mark in text for mark in _SENTENCE_END)


def _is_title(text: str) -> bool:
    numbered = _LEVEL1.match(text) or _LEVEL2.match(text)
    return _is_heading_line(text) and not text.endswith(("：", ":")) and not numbered


def _head(lines: list[str]) -> tuple[dict[str, str], int]:
    """Document number, title and 主送 at the top of the text; returns them and how many lines they took."""
    found: dict[str, str] = {}
    n = 0
    if n < len(lines) and len(lines[n]) <= 40 and _NUMBER.search(normalize_doc_number(lines[n])):
        found["doc_number"] = normalize_doc_number(lines[n])
        n += 1
    if n < len(lines) and _is_title(lines[n]):
        found["title"] = lines[n]
        n += 1
    if "title" in found and n < len(lines) and lines[n].endswith(("：", ":")) and _is_heading_line(lines[n]):
        found["addressee"] = lines[n]
        n += 1
    return found, n


def _tail(lines: list[str]) -> tuple[str | None, date | None, int]:
    """The 落款 and date at the end of the text, and how many lines they took."""
    if not lines:
        return None, None, 0
    match = _DATE.match(lines[-1].strip())
    if match is None:
        return None, None, 0
    when = date(int(match[1]), int(match[2]), int(match[3]))
    if len(lines) > 1 and len(lines[-2]) <= 30 and not any(m in lines[-2] for m in ("，", "。", "：", ":")):
        return lines[-2], when, 2
    return None, when, 1


def draft_as_document(
    body: list[str], *, fallback_title: str, kind_label: str, attachment_label: str | None = None
) -> OfficialDocument:
    """The draft's paragraphs as an ``OfficialDocument`` shaped like the original."""
    lines = [p.strip() for p in body if p and p.strip()]
    head, start = _head(lines)
    signature, when, cut = _tail(lines[start:])
    middle = lines[start : len(lines) - cut]
    blocks: list[Any] = []
    for text in middle:
        if _LEVEL1.match(text) and _is_heading_line(text):
            blocks.append(Heading(text, 1))
        elif _LEVEL2.match(text) and _is_heading_line(text):
            blocks.append(Heading(text, 2))
        else:
            blocks.append(Paragraph(text))
    return OfficialDocument(
        title=head.get("title") or fallback_title,
        blocks=tuple(blocks),
        doc_number=head.get("doc_number"),
        addressee=head.get("addressee"),
        signature=signature,
        date=when,
        kind_label=kind_label,
        attachment_label=attachment_label,
    )
