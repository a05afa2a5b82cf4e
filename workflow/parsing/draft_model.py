"""What a parsed draft is: body paragraphs, parts (一、…), the task-division table where it has one, and
its addressable items (序号N, 第X章/节/条/款/项, numbered headings) that comments anchor to."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class TaskItem:
    """One content item of a task: "(1)"-labelled, a sector paragraph ("消防"), or unlabelled."""

    label: str
    content: str
    responsible: str


@dataclass(frozen=True)
class Task:
    number: int
    title: str
    items: tuple[TaskItem, ...]

    def content_hash(self) -> str:
        """Equal hashes mean the wording did not change between versions."""
        material = json.dumps(
            [self.title, [[i.label, i.content, i.responsible] for i in self.items]], ensure_ascii=False
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Part:
    """A first-level heading of the body (一、…) and the task numbers under it."""

    ordinal: str
    heading: str
    task_numbers: tuple[int, ...]


DRAFT_KINDS = ("tasks", "articles", "sections")  # 重点任务分工 / 条文 (第X条) / 编号标题 (一、（一）1.)
ITEM_KINDS = ("task", "chapter", "section", "article", "paragraph", "item", "heading")


@dataclass(frozen=True)
class ParsedItem:
    """One addressable part of a draft: a task (序号8), a chapter, section, article, paragraph (款) or
    item (项) of an article-structured draft, or a numbered heading. ``parent`` is the index of the
    enclosing item in ``ParsedDraft.items``; ``text`` is the item's own wording without its label."""

    kind: str
    label: str
    number: int
    parent: int | None
    heading: str
    text: str


@dataclass(frozen=True)
class ParsedDraft:
    title: str | None
    body: tuple[str, ...]
    parts: tuple[Part, ...]
    tasks: tuple[Task, ...]
    kind: str = "tasks"
    items: tuple[ParsedItem, ...] = ()

    def __post_init__(self) -> None:  # a task draft's items are its tasks, whichever parser read it
        if self.kind == "tasks" and not self.items and self.tasks:
            object.__setattr__(self, "items", task_items(self.tasks))

    @property
    def task_count(self) -> int:
        return len(self.tasks)

    def task(self, number: int) -> Task:
        for task in self.tasks:
            if task.number == number:
                return task
        raise KeyError(number)


def task_text(task: Task) -> str:
    """A task's wording as one text (title, then each item with its responsible units), for matching."""
    lines = [task.title]
    for item in task.items:
        label = f"{item.label}{'' if item.label.startswith('(') or not item.label else '：'}"
        lines.append(f"{label}{item.content}" + (f"（{item.responsible}）" if item.responsible else ""))
    return "\n".join(lines)


def task_items(tasks: tuple[Task, ...]) -> tuple[ParsedItem, ...]:
    return tuple(ParsedItem("task", f"序号{t.number}", t.number, None, t.title, task_text(t)) for t in tasks)
