"""Turning rows of a task-division table into tasks, whatever the source format.

Shared by the text, Markdown and Word parsers, so the three agree on labels, continuation rows
and numbering errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kernel.errors import InvalidInput
from workflow.parsing.draft_model import Task, TaskItem

HEADER = ("序号", "任务", "主要内容", "责任单位")
_MARKUP = re.compile(r"</?p>|\*\*|</?strong>|</?b>")
_SPACES = re.compile(r"[ \u3000\xa0]+")
_NUMBERED = re.compile(r"^[（(]\s*(\d{1,2})\s*[)）]\s*")
_SECTOR = re.compile(r"^([\u4e00-\u9fa5]{2,6})\s*[：:]\s*")


def clean(text: str) -> str:
    """Strip markup and collapse runs of spaces; Chinese text keeps its punctuation."""
    return _SPACES.sub(" ", _MARKUP.sub("", text or "")).strip()


def split_label(content: str) -> tuple[str, str]:
    """("(1)", rest) / ("消防", rest) / ("", content)."""
    match = _NUMBERED.match(content)
    if match:
        return f"({int(match.group(1))})", content[match.end() :].strip()
    match = _SECTOR.match(content)
    if match:
        return match.group(1), content[match.end() :].strip()
    return "", content


def is_header(cells: list[str]) -> bool:
    joined = "".join(clean(c) for c in cells).replace(" ", "")
    return joined == "".join(HEADER)


@dataclass
class _Draft:
    number: int
    title: str
    items: list[list[str]] = field(default_factory=list)  # [label, content, responsible]


class TaskTableBuilder:
    """Feed rows in order; ``continuation`` marks a row known to continue the previous item
    (a page break split it), which only the plain-text source can tell."""

    def __init__(self, source: str = "表格") -> None:
        self.source = source
        self._tasks: list[_Draft] = []

    def add_row(
        self, number: str, title: str, content: str, responsible: str, *, line: int, continuation: bool = False
    ) -> None:
        number, title = clean(number), clean(title)
        content, responsible = clean(content), clean(responsible)
        if number:
            if not number.isdigit():
                raise InvalidInput(
                    "DRAFT_TABLE_UNPARSEABLE", f"重点任务分工表第{line}行：序号“{number}”不是数字。", line=line
                )
            expected = (self._tasks[-1].number + 1) if self._tasks else 1
            if self._tasks and int(number) == self._tasks[-1].number and title in ("", self._tasks[-1].title):
                # 序号 (and 任务) written again on a continuation row: the usual way to write merged cells
                number, title = "", ""
            elif int(number) != expected:
                raise InvalidInput(
                    "DRAFT_TABLE_UNPARSEABLE",
                    f"重点任务分工表第{line}行：序号应为{expected}，实为{number}。",
                    line=line,
                )
            if number:
                self._tasks.append(_Draft(int(number), title))
        if not number and not self._tasks:
            raise InvalidInput("DRAFT_TABLE_UNPARSEABLE", f"重点任务分工表第{line}行：第一行缺少序号。", line=line)
        elif not number and title:
            self._tasks[-1].title += title
        task = self._tasks[-1]
        if not content and not responsible:
            return
        label, rest = split_label(content)
        if continuation and not label and task.items and not number:
            item = task.items[-1]
            item[1] += rest
            item[2] += responsible
            return
        task.items.append([label, rest, responsible])

    def append_text(self, text: str) -> None:
        """A stray line inside the table (a cell wrapped onto its own line): continue the last item."""
        if self._tasks and self._tasks[-1].items and clean(text):
            self._tasks[-1].items[-1][1] += clean(text)

    def build(self) -> tuple[Task, ...]:
        return tuple(Task(t.number, t.title, tuple(TaskItem(a, b, c) for a, b, c in t.items)) for t in self._tasks)

    @property
    def empty(self) -> bool:
        return not self._tasks
