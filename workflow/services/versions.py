"""Version-to-version traceability: what changed item by item (matched by wording; task by task by number
for the task table's own view), and which adopted comments have no change that carries them out yet."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kernel.errors import InvalidInput, NotFound
from states.decision import Outcome
from storage.models import DraftItem
from storage.uow import UnitOfWork
from workflow.item_matching import in_order, normalise, ratio
from workflow.services._common import load_draft, load_round
from workflow.services.anchors import round_anchors
from workflow.services.draft_items import load_chain
from workflow.services.preload import Queue


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


TOP_KINDS = ("task", "chapter", "section", "article", "heading")  # what a diff lists (款 and 项 show in their article)


@dataclass(frozen=True)
class ItemChange:
    """One item that differs between two versions, matched by wording (see workflow.item_matching)."""

    change: str  # inserted | deleted | changed | split | merged | moved | renumbered
    kind: str
    label_before: str | None
    label_after: str | None
    text_before: str = ""
    text_after: str = ""
    heading_before: str = ""
    heading_after: str = ""
    renumbered: bool = False
    moved: bool = False
    similarity: float | None = None
    split_into: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _top(items: list[DraftItem]) -> list[DraftItem]:
    return [i for i in items if i.kind in TOP_KINDS]


def diff_items(uow: UnitOfWork, draft_id: int, from_version: int, to_version: int) -> list[ItemChange]:
    """Inserted, deleted, renumbered, moved, changed, split and merged items, in the order of the newer version."""
    load_draft(uow, draft_id)
    if from_version > to_version:
        raise InvalidInput(
            "DIFF_VERSIONS_INVALID", f"原稿（第{from_version}稿）应早于修改稿（第{to_version}稿）。", draft_id=draft_id
        )
    chain = load_chain(uow, draft_id, from_version, to_version)
    before, after = _top(chain.items[from_version]), _top(chain.items[to_version])
    after_by_seq = {i.seq: i for i in after}
    mains: dict[int, int] = {}
    reached: dict[int, set[int]] = {}
    for x in before:
        main, _removed = chain.main_path(x.seq)
        reached[x.seq] = {s for s in chain.reached(x.seq) if s in after_by_seq}
        if main is not None and main in after_by_seq:
            mains[x.seq] = main
    kept = in_order(list(mains.items()))
    owners: dict[int, int] = {}  # new seq → the old item that continues in it most closely
    for x in before:
        if x.seq in mains:
            y = after_by_seq[mains[x.seq]]
            best = owners.get(y.seq)
            if best is None or _similarity(x, y) > _similarity(chain.item(from_version, best), y):
                owners[y.seq] = x.seq
    entries: list[tuple[float, ItemChange]] = []
    position = 0.0
    for x in before:
        if x.seq not in mains:
            position += 0.001
            entries.append((position, ItemChange("deleted", x.kind, x.label, None, x.text, "", x.heading)))
            continue
        y = after_by_seq[mains[x.seq]]
        position = float(y.seq)
        pieces = [after_by_seq[s].label for s in sorted(reached[x.seq])]
        renumbered, moved = x.label != y.label, (x.seq, y.seq) not in kept
        same_words = normalise(x.text) == normalise(y.text)
        split = len(pieces) > 1
        if split:
            change = "split"
        elif owners.get(y.seq) != x.seq:
            change = "merged"
        elif not same_words:
            change = "changed"
        elif moved:
            change = "moved"
        elif renumbered:
            change = "renumbered"
        else:
            continue
        entries.append(
            (
                position,
                ItemChange(
                    change,
                    y.kind,
                    x.label,
                    y.label,
                    text_before=x.text,
                    # a split shows its pieces together: words that went to the next piece were not deleted
                    text_after="\n".join(after_by_seq[s].text for s in sorted(reached[x.seq])) if split else y.text,
                    heading_before=x.heading,
                    heading_after=y.heading,
                    renumbered=renumbered,
                    moved=moved,
                    similarity=round(_similarity(x, y), 3),
                    split_into=pieces if len(pieces) > 1 else [],
                ),
            )
        )
    continued = set().union(*reached.values()) if reached else set()
    for y in after:
        if y.seq not in continued:
            entries.append((float(y.seq), ItemChange("inserted", y.kind, None, y.label, "", y.text, "", y.heading)))
    return [change for _pos, change in sorted(entries, key=lambda e: e[0])]


def _similarity(x: DraftItem | None, y: DraftItem) -> float:
    return ratio(normalise(x.text), normalise(y.text)) if x is not None else 0.0


def changed_tasks(uow: UnitOfWork, round_id: int) -> set[int]:
    """Task numbers a revision changed since the version the round asked about (empty: no revision yet).

    Matched by wording: a task inserted before 序号8 makes the old 8 the new 9, and neither counts as
    changed unless its words did."""
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    if draft.current_version == rnd.version:
        return set()
    found = round_anchors(uow, round_id)
    changed = found.changed_now()
    return {i.number for i in found.chain.items[found.chain.end] if i.kind == "task" and i.seq in changed}


def unapplied_adoptions(uow: UnitOfWork, round_id: int, queue: Queue | None = None) -> list[dict[str, Any]]:
    """Adopted comments whose item did not change in the revision.

    Only once a revision exists (before it, nothing can have been applied yet), and only for 予以采纳:
    部分采纳 may rightly leave the item as it was. The item is the task or item the decision names
    (``--change 8``, ``--change 第五条``, carried to the current version) or, failing that, the comment's
    anchor carried there (an item that was deleted counts as changed: deleting it may be what the comment
    asked).
    """
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    if draft.current_version == rnd.version:
        return []
    found = round_anchors(uow, round_id)
    changed = found.changed_now()
    current = found.chain.items[found.chain.end]
    flagged = []
    for comment, _reply, unit, decision in uow.replies.decision_queue(round_id) if queue is None else queue:
        if decision is None or decision.outcome != Outcome.adopted:
            continue
        anchor = found.anchor(comment, changed)
        target = found.change_anchor(decision)
        if decision.change_task_number is not None:
            task = next((i for i in current if i.kind == "task" and i.number == decision.change_task_number), None)
            applied, where = task is not None and task.seq in changed, f"序号{decision.change_task_number}"
        elif decision.change_item_label is not None:
            applied = target is not None and target.changed
            where = target.display if target is not None else decision.change_item_label
        elif anchor is not None:
            applied, where = anchor.changed, anchor.display
        else:
            applied, where = False, "相关条目"
        if applied:
            continue
        flagged.append(
            {
                "comment_id": comment.id,
                "unit": unit.name,
                "target": comment.target,
                "task": decision.change_task_number or comment.task_number,
                "anchor": anchor.to_dict() if anchor else None,
                "change_item": decision.change_item_label,
                "change_anchor": target.to_dict() if target else None,
                "decision": decision.outcome,
                "message": f"{unit.name}的意见（{comment.target or '未指明条目'}）已采纳，"
                f"但{where}在修改稿中没有变化。",
            }
        )
    return flagged
