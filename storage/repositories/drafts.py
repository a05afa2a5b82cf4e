"""Drafts, their versions and task-division tables."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlmodel import Session, select

from storage import models as m
from storage.bulk import fetch_all_in, placeholder
from storage.repositories._rows import by_id, get

if TYPE_CHECKING:
    from storage.models import Draft, DraftItem, DraftItemLink, DraftVersion, Task, TaskItem


@cache
def _draft_for_update() -> Any:
    """A draft locked (built once, ``storage.repositories._rows``): every state change of a draft takes it."""
    return by_id(m.Draft).with_for_update()


class DraftRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_ids(self, draft_ids: Sequence[int]) -> dict[int, Draft]:
        if not draft_ids:
            return {}
        rows = self.session.exec(select(m.Draft).where(m.Draft.id.in_(list(draft_ids)))).all()  # type: ignore[union-attr]
        return {d.id or 0: d for d in rows}

    def get(self, draft_id: int, *, for_update: bool = False) -> Draft | None:
        if not for_update:  # a row this transaction already read is not read again (same as a SELECT would give)
            return get(self.session, m.Draft, draft_id)
        return self.session.execute(_draft_for_update(), {"id": draft_id}).scalars().first()

    def all(self) -> Sequence[Draft]:
        return self.session.exec(select(m.Draft).order_by(m.Draft.id)).all()  # type: ignore[arg-type]

    def add(self, row: Draft | DraftVersion | Task | TaskItem) -> None:
        self.session.add(row)
        self.session.flush()

    def add_tasks(self, version_id: int, tasks: Sequence[tuple[Task, Sequence[TaskItem]]]) -> None:
        for task, _items in tasks:
            task.version_id = version_id
            self.session.add(task)
        self.session.flush()
        for task, items in tasks:
            for item in items:
                item.task_id = task.id  # type: ignore[assignment]
                self.session.add(item)
        self.session.flush()

    def version(self, draft_id: int, version: int) -> DraftVersion | None:
        return self.session.exec(
            select(m.DraftVersion).where(m.DraftVersion.draft_id == draft_id, m.DraftVersion.version == version)
        ).first()

    def versions(self, draft_id: int) -> Sequence[DraftVersion]:
        return self.session.exec(
            select(m.DraftVersion).where(m.DraftVersion.draft_id == draft_id).order_by(m.DraftVersion.version)  # type: ignore[arg-type]
        ).all()

    def has_tasks(self, version_id: int) -> bool:
        """Whether the version has a task table: one indexed row read, not every task and item as objects."""
        return self.session.exec(select(m.Task.id).where(m.Task.version_id == version_id).limit(1)).first() is not None

    def tasks(self, version_id: int) -> list[tuple[Task, list[TaskItem]]]:
        tasks = self.session.exec(
            select(m.Task).where(m.Task.version_id == version_id).order_by(m.Task.number)  # type: ignore[arg-type]
        ).all()
        if not tasks:
            return []
        items = self.session.exec(
            select(m.TaskItem)
            .where(m.TaskItem.task_id.in_([t.id for t in tasks]))  # type: ignore[union-attr]
            .order_by(m.TaskItem.task_id, m.TaskItem.seq)  # type: ignore[arg-type]
        ).all()
        by_task: dict[int, list[TaskItem]] = {}
        for item in items:
            by_task.setdefault(item.task_id, []).append(item)
        return [(t, by_task.get(t.id or 0, [])) for t in tasks]

    def add_items(self, version_id: int, items: Sequence[DraftItem], links: Sequence[DraftItemLink] = ()) -> None:
        """A version's items and the links that carry the previous version's items into it."""
        for row in (*items, *links):
            row.version_id = version_id
            self.session.add(row)
        self.session.flush()

    def items(self, version_id: int) -> list[DraftItem]:
        return list(
            self.session.exec(
                select(m.DraftItem).where(m.DraftItem.version_id == version_id).order_by(m.DraftItem.seq)  # type: ignore[arg-type]
            ).all()
        )

    def item_links(self, version_id: int) -> list[DraftItemLink]:
        """Links into ``version_id`` from the version before it."""
        return list(
            self.session.exec(
                select(m.DraftItemLink)
                .where(m.DraftItemLink.version_id == version_id)
                .order_by(m.DraftItemLink.from_seq, m.DraftItemLink.to_seq)  # type: ignore[arg-type]
            ).all()
        )

    def task_numbers(self, version_id: int) -> set[int]:
        return set(self.session.exec(select(m.Task.number).where(m.Task.version_id == version_id)).all())

    def set_states(self, draft_ids: Sequence[int], expected: str, new: str) -> list[int]:
        """Set-wise conditional update; returns the ids that were in ``expected`` and moved."""
        if not draft_ids:
            return []
        # Plain SQL (storage.bulk): a sweep's batch moves a thousand drafts, and SQLAlchemy's handling of as
        # many bound ids cost several times what the statement took.
        mark = placeholder(self.session)
        sql = f"UPDATE draft SET state = {mark} WHERE state = {mark} AND id IN ({{ids}}) RETURNING id"
        return [int(r[0]) for r in fetch_all_in(self.session, sql, (str(new), str(expected)), draft_ids)]

    def set_state(self, draft_id: int, expected: str, new: str) -> bool:
        """Conditional update: succeeds only if nobody moved the draft meanwhile."""
        result = self.session.execute(
            update(m.Draft).where(m.Draft.id == draft_id, m.Draft.state == expected).values(state=new)  # type: ignore[arg-type]
        )
        return bool(result.rowcount)
