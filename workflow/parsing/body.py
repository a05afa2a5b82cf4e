"""The draft's body: its title line, paragraphs, and parts (一、…) with their numbered tasks."""

from __future__ import annotations

import re

from workflow.parsing.draft_model import Part
from workflow.parsing.table_rows import clean

_PART = re.compile(r"^(?:#+\s*)?([一二三四五六七八九十]{1,3})、\s*(.+)$")
_TASK = re.compile(r"^(?:#+\s*)?(\d{1,3})\s*[.．、]\s*\S")
_TITLE_HINT = re.compile(r"关于.+(通知|意见|办法|方案|规定|决定|细则|报告|规划)")


def find_title(paragraphs: list[str]) -> str | None:
    """The first line near the top that reads like a document title (关于…的通知)."""
    for text in paragraphs[:6]:
        candidate = clean(text.lstrip("#"))
        if _TITLE_HINT.search(candidate) and len(candidate) <= 80:
            return re.sub(r"\s+", "", candidate).replace("(", "（").replace(")", "）")
    return None


def find_parts(paragraphs: list[str]) -> tuple[Part, ...]:
    """Parts in order, each with the task numbers that follow it (numbers before any part are ignored)."""
    parts: list[tuple[str, str, list[int]]] = []
    for text in paragraphs:
        line = clean(text)
        part = _PART.match(line)
        if part:
            parts.append((part.group(1), part.group(2).strip(), []))
            continue
        task = _TASK.match(line)
        if task and parts:
            number = int(task.group(1))
            numbers = parts[-1][2]
            if not numbers or number > numbers[-1]:
                numbers.append(number)
    return tuple(Part(o, h, tuple(n)) for o, h, n in parts)
