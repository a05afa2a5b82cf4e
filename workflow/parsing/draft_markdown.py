"""Markdown drafts: ``# title``, paragraphs, ``一、`` headings and a pipe table; without a table, the
articles (``## 第一章 总则``, ``**第一条**　……``) or numbered headings of the text.

Rows with an empty 序号 belong to the task above; each such row is an item of its own.
"""

from __future__ import annotations

import re

from kernel.errors import InvalidInput
from workflow.parsing.body import find_parts, find_title
from workflow.parsing.draft_model import ParsedDraft
from workflow.parsing.draft_structure import parse_structure
from workflow.parsing.table_rows import TaskTableBuilder, clean, is_header

_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    parts = re.split(r"(?<!\\)\|", body)
    return [p.replace("\\|", "|").replace("<br>", "").replace("<br/>", "").strip() for p in parts]


def parse_draft_markdown(text: str) -> ParsedDraft:
    if not text.strip():
        raise InvalidInput("DRAFT_EMPTY", "文稿文件是空的。")
    lines = text.replace("\r\n", "\n").split("\n")
    builder = TaskTableBuilder()
    body: list[str] = []
    in_table = False
    found_header = False
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if line.startswith("|"):
            cells = _cells(line)
            if _SEPARATOR.match(line):
                continue
            if is_header(cells):
                in_table = found_header = True
                continue
            if not in_table:
                continue
            if len(cells) < 4:
                raise InvalidInput(
                    "DRAFT_TABLE_UNPARSEABLE", f"重点任务分工表第{n}行只有{len(cells)}列，应为4列。", line=n
                )
            builder.add_row(cells[0], cells[1], cells[2], "".join(cells[3:]), line=n)
            continue
        in_table = False
        if line and not found_header:
            body.append(line.lstrip("#").strip() if line.startswith("#") else line)
    if not found_header:
        return parse_structure([clean(line) for line in body])
    if builder.empty:
        raise InvalidInput("DRAFT_TABLE_UNPARSEABLE", "重点任务分工表中没有任务行。", line=0)
    while body and body[-1] in ("重点任务分工",):
        body.pop()
    return ParsedDraft(title=find_title(body), body=tuple(body), parts=find_parts(body), tasks=builder.build())
