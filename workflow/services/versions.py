"""Version-to-version traceability: what changed task by task, and which adopted comments
have no change that carries them out yet."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kernel.errors import NotFound
from states.decision import Outcome
from storage.uow import UnitOfWork
from workflow.services._common import load_draft, load_round


@dataclass(frozen=True)
class TaskChange:
    number: int
    change: str  # added | removed | changed
    title_before: str = ""
    title_after: str = ""
    items_before: list[str] = field(default_factory=list)
    items_after: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _snapshot(uow: UnitOfWork, draft_id: int, version: int) -> dict[int, tuple[str, str, list[str]]]:
    row = uow.drafts.version(draft_id, version)
    if row is None:
        raise NotFound(
            "VERSION_NOT_FOUND", f"文稿 {draft_id} 没有第 {version} 稿。", draft_id=draft_id, version=version
        )
    return {
        t.number: (
            t.content_hash,
            t.title,
            [f"{i.label}{'：' if i.label and not i.label.startswith('(') else ''}{i.content}" for i in items],
        )
        for t, items in uow.drafts.tasks(row.id or 0)
    }


def diff_versions(uow: UnitOfWork, draft_id: int, from_version: int, to_version: int) -> list[TaskChange]:
    load_draft(uow, draft_id)
    before = _snapshot(uow, draft_id, from_version)
    after = _snapshot(uow, draft_id, to_version)
    changes = []
    for number in sorted(set(before) | set(after)):
        b, a = before.get(number), after.get(number)
        if b and a and b[0] == a[0]:
            continue
        kind = "added" if b is None else "removed" if a is None else "changed"
        changes.append(
            TaskChange(number, kind, b[1] if b else "", a[1] if a else "", b[2] if b else [], a[2] if a else [])
        )
    return changes


def changed_tasks(uow: UnitOfWork, round_id: int) -> set[int]:
    """Task numbers a revision changed since the version the round asked about (empty: no revision yet)."""
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    if draft.current_version == rnd.version:
        return set()
    return {c.number for c in diff_versions(uow, draft.id or 0, rnd.version, draft.current_version)}


def unapplied_adoptions(uow: UnitOfWork, round_id: int) -> list[dict[str, Any]]:
    """Adopted comments whose task did not change in the revision.

    Only once a revision exists (before it, nothing can have been applied yet), and only for 予以采纳:
    部分采纳 may rightly leave the task as it was. The task is the one the decision links
    (``--change``) or, failing that, the comment's target.
    """
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    if draft.current_version == rnd.version:
        return []
    changed = changed_tasks(uow, round_id)
    flagged = []
    for comment, _reply, unit, decision in uow.replies.decision_queue(round_id):
        if decision is None or decision.outcome != Outcome.adopted:
            continue
        task = decision.change_task_number or comment.task_number
        if task is None or task not in changed:
            flagged.append(
                {
                    "comment_id": comment.id,
                    "unit": unit.name,
                    "target": comment.target,
                    "task": task,
                    "decision": decision.outcome,
                    "message": f"{unit.name}的意见（{comment.target or '未指明条目'}）已采纳，"
                    f"但{'序号' + str(task) if task else '相关条目'}在修改稿中没有变化。",
                }
            )
    return flagged
