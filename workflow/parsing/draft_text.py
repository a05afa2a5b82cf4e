"""Plain-text drafts, as office staff paste them or as PDF extraction leaves them.

A draft without a task table is read for its articles or numbered headings (``draft_structure``).
The task-division table is tab-separated (序号, 任务, 主要内容, 责任单位). Page breaks repeat the
header row and may split a cell: a row right after a repeated header that has no label of its own
continues the previous item (content and responsible units alike).
"""

from __future__ import annotations

import re

from kernel.errors import InvalidInput
from workflow.parsing.body import find_parts, find_title
from workflow.parsing.draft_model import ParsedDraft
from workflow.parsing.draft_structure import parse_structure
from workflow.parsing.table_rows import TaskTableBuilder, clean, is_header

_ATTACHMENT = re.compile(r"^\s*附件\s*\d+\s*[:：]?\s*$")


def _table_start(lines: list[str]) -> int | None:
    for n, line in enumerate(lines):
        if "\t" in line and is_header(line.split("\t")):
            return n
    return None


def _body_lines(lines: list[str], table_at: int) -> list[str]:
    """The draft's own text: after an '附件 1' heading when the file is a whole letter, else the top."""
    start = 0
    for n, line in enumerate(lines[:table_at]):
        if _ATTACHMENT.match(line) and re.search(r"1", line):
            start = n + 1
            break
    end = table_at
    for n in range(table_at - 1, start - 1, -1):
        if _ATTACHMENT.match(lines[n]):
            end = n
            break
    body = [line.strip() for line in lines[start:end] if line.strip()]
    # Drop the heading line of the table section (e.g. "重点任务分工") when it closes the body.
    while body and body[-1] in ("重点任务分工",):
        body.pop()
    return body


def parse_draft_text(text: str) -> ParsedDraft:
    if not text.strip():
        raise InvalidInput("DRAFT_EMPTY", "文稿文件是空的。")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = _table_start(lines)
    if start is None:  # no task table: an article-structured draft or one with numbered headings
        return parse_structure([clean(line) for line in lines])
    builder = TaskTableBuilder()
    after_header = False
    for n in range(start, len(lines)):
        raw = lines[n]
        if _ATTACHMENT.match(raw):
            break
        if not raw.strip():
            continue
        cells = raw.split("\t")
        if is_header(cells):
            after_header = True
            continue
        if len(cells) == 1:
            builder.append_text(raw)
            continue
        cells += [""] * (4 - len(cells))
        if len(cells) > 4:
            cells = [*cells[:3], "".join(cells[3:])]
        builder.add_row(cells[0], cells[1], cells[2], cells[3], line=n + 1, continuation=after_header)
        after_header = False
    if builder.empty:
        raise InvalidInput(
            "DRAFT_TABLE_UNPARSEABLE", f"重点任务分工表（第{start + 1}行起）中没有任务行。", line=start + 1
        )
    body = _body_lines(lines, start)
    return ParsedDraft(title=find_title(body), body=tuple(body), parts=find_parts(body), tasks=builder.build())
