"""What a parsed draft is: body paragraphs, parts (一、…), and the task-division table."""

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


@dataclass(frozen=True)
class ParsedDraft:
    title: str | None
    body: tuple[str, ...]
    parts: tuple[Part, ...]
    tasks: tuple[Task, ...]

    @property
    def task_count(self) -> int:
        return len(self.tasks)

    def task(self, number: int) -> Task:
        for task in self.tasks:
            if task.number == number:
                return task
        raise KeyError(number)
