"""A draft's items per version, the links between versions, and where an item of one version is now.

Items and links are stored when a version is imported; versions stored before items existed are read
from their task table, and the links into them are matched when asked (the same matching, no writes).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from kernel.errors import NotFound
from storage.models import DraftItem, DraftItemLink, DraftVersion
from storage.repositories.rounds import VersionRef
from storage.uow import UnitOfWork
from workflow.draft_targets import target_options
from workflow.item_matching import Link, MatchUnit, match_items, normalise
from workflow.parsing.draft_model import ParsedItem, Task, TaskItem, task_text


def content_hash(text: str) -> str:
    """Equal hashes: the same wording (spaces and full-width forms aside)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def item_rows(items: Sequence[ParsedItem]) -> list[DraftItem]:
    """Parsed items as rows: ``seq`` counts from 1 in document order, the parent by its ``seq``."""
    return [
        DraftItem(
            version_id=0,
            seq=n,
            kind=i.kind,
            label=i.label,
            number=i.number,
            parent_seq=None if i.parent is None else i.parent + 1,
            heading=i.heading,
            text=i.text,
            content_hash=content_hash(i.text),
        )
        for n, i in enumerate(items, 1)
    ]


def units(items: Sequence[DraftItem]) -> list[MatchUnit]:
    return [MatchUnit(i.seq, i.kind, i.label, i.number, i.parent_seq, i.text) for i in items]


def link_rows(links: Sequence[Link]) -> list[DraftItemLink]:
    return [
        DraftItemLink(version_id=0, from_seq=k.from_seq, to_seq=k.to_seq, main=k.primary, similarity=k.similarity)
        for k in links
    ]


def version_row(uow: UnitOfWork, draft_id: int, version: int) -> DraftVersion:
    row = uow.drafts.version(draft_id, version)
    if row is None:
        raise NotFound(
            "VERSION_NOT_FOUND", f"文稿 {draft_id} 没有第 {version} 稿。", draft_id=draft_id, version=version
        )
    return row


def version_items(uow: UnitOfWork, row: DraftVersion) -> list[DraftItem]:
    """The version's stored items, or (a version stored before items existed) its tasks as items."""
    return _items_of(uow, row.id or 0, row.kind)


def cached_version_items(uow: UnitOfWork, version: VersionRef) -> Sequence[DraftItem]:
    """``version_items``, kept in this process once read (``UnitOfWork.stored_once``): a version's items
    never change once stored, and every reply validates its comments against them. Keyed by the version's
    id and creation time, so another database under the same engine (a restore) is never answered from
    the cache. The rows are detached copies: read them, never change or add them to a session."""
    key = ("version_items", version.id, version.created_at)
    found: tuple[DraftItem, ...] | None = uow.stored_once.get(key)
    if found is None:
        found = tuple(_detached(i) for i in _items_of(uow, version.id, version.kind))
        uow.stored_once.put(key, found)
    return found


def _detached(item: DraftItem) -> DraftItem:
    """A copy no session knows of: shared between requests and threads, it must never be flushed."""
    return DraftItem(
        id=item.id,
        version_id=item.version_id,
        seq=item.seq,
        kind=item.kind,
        label=item.label,
        number=item.number,
        parent_seq=item.parent_seq,
        heading=item.heading,
        text=item.text,
        content_hash=item.content_hash,
    )


def _items_of(uow: UnitOfWork, version_id: int, kind: str) -> list[DraftItem]:
    stored = uow.drafts.items(version_id)
    if stored or kind != "tasks":
        return stored
    derived = []
    for n, (task, task_items) in enumerate(uow.drafts.tasks(version_id), 1):
        parsed = Task(task.number, task.title, tuple(TaskItem(i.label, i.content, i.responsible) for i in task_items))
        text = task_text(parsed)
        derived.append(
            DraftItem(
                version_id=version_id,
                seq=n,
                kind="task",
                label=f"序号{task.number}",
                number=task.number,
                heading=task.title,
                text=text,
                content_hash=content_hash(text),
            )
        )
    return derived


@dataclass
class Chain:
    """Versions ``start``..``end`` of one draft: their items and the links between consecutive ones."""

    start: int
    end: int
    rows: dict[int, DraftVersion] = field(default_factory=dict)
    items: dict[int, list[DraftItem]] = field(default_factory=dict)
    links: dict[int, list[Link]] = field(default_factory=dict)  # into version v from v - 1

    def item(self, version: int, seq: int) -> DraftItem | None:
        return next((i for i in self.items[version] if i.seq == seq), None)

    def main_path(self, seq: int, since: int | None = None) -> tuple[int | None, int | None]:
        """Where item ``seq`` of ``start`` (or of version ``since``) is in ``end`` (its seq), or None and the
        version that deleted it."""
        for v in range((self.start if since is None else since) + 1, self.end + 1):
            nxt = next((k.to_seq for k in self.links[v] if k.from_seq == seq and k.primary), None)
            if nxt is None:
                return None, v
            seq = nxt
        return seq, None

    def reached(self, seq: int, since: int | None = None) -> set[int]:
        """Every item of ``end`` that item ``seq`` of ``start`` (or of version ``since``) continues in (a split
        has several)."""
        frontier = {seq}
        for v in range((self.start if since is None else since) + 1, self.end + 1):
            frontier = {k.to_seq for k in self.links[v] if k.from_seq in frontier}
        return frontier


def load_chain(uow: UnitOfWork, draft_id: int, start: int, end: int) -> Chain:
    chain = Chain(start, end)
    for v in range(start, end + 1):
        chain.rows[v] = version_row(uow, draft_id, v)
        chain.items[v] = version_items(uow, chain.rows[v])
    for v in range(start + 1, end + 1):
        chain.links[v] = links_into(uow, chain.rows[v], chain.items[v - 1], chain.items[v])
    return chain


def links_into(
    uow: UnitOfWork, row: DraftVersion, before: Sequence[DraftItem], after: Sequence[DraftItem]
) -> list[Link]:
    """Stored links into ``row``; for a version stored before items existed (its items are read from the
    task table and have no id), matched now."""
    if not after or after[0].id is not None:
        return [Link(k.from_seq, k.to_seq, k.main, k.similarity) for k in uow.drafts.item_links(row.id or 0)]
    return match_items(units(before), units(after))


@dataclass(frozen=True)
class RoundDraft:
    """What a reply form shows of the version a round asks about: its shape, items and 条目 choices."""

    kind: str
    items: list[DraftItem]
    targets: list[tuple[str, str]]  # (value, shown) for the 条目 list, "全文" first
    body: list[str]


def round_draft(uow: UnitOfWork, draft_id: int, version: int) -> RoundDraft:
    row = uow.drafts.version(draft_id, version)
    if row is None:
        return RoundDraft("tasks", [], [("全文", "全文")], [])
    items = version_items(uow, row)
    return RoundDraft(row.kind, items, [("全文", "全文"), *target_options(row.kind, items)], json.loads(row.body))


KIND_WORDS = {"chapter": "章", "section": "节", "article": "条", "paragraph": "款", "item": "项", "heading": "个标题"}


@dataclass(frozen=True)
class DraftShape:
    """What the start page shows of an imported draft: its kind, items, and how many of each (4章、11条…)."""

    kind: str
    items: list[DraftItem]
    counts: list[tuple[str, int]]


def draft_shape(draft: RoundDraft) -> DraftShape:
    counts = [(word, sum(1 for i in draft.items if i.kind == kind)) for kind, word in KIND_WORDS.items()]
    return DraftShape(draft.kind, draft.items, [(w, n) for w, n in counts if n])
