"""What a public comment points at in the draft, and the draft's items as the public page shows them.

An adapter with two questions, so the public pages and intake never depend on how a draft is structured:
``draft_items`` (the items to read and comment on, in order) and ``resolve_target`` (which item a target
as written means, or None for the whole draft or an unrecognised text — the text is kept as written
either way). Task drafts answer "序号N", article drafts "第X条" (with 款 and 项), heading drafts "一、（二）".
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from storage.models import DraftVersion
from storage.uow import UnitOfWork
from workflow.draft_targets import resolve_target as _resolve
from workflow.services.draft_items import version_items

WHOLE_DRAFT = "全文"


@dataclass(frozen=True)
class AnchorRef:
    """A resolved target: the item's stable key in this version, its label as shown, and the version."""

    key: str
    label: str
    version: int


@dataclass(frozen=True)
class DraftItem:
    key: str  # what a comment's target resolves to ("序号5")
    label: str  # as shown ("序号5 消防安全")
    text: str  # the item's text, one paragraph per line


def _version(uow: UnitOfWork, draft_id: int, version: int) -> DraftVersion | None:
    return uow.drafts.version(draft_id, version)


def preamble(uow: UnitOfWork, draft_id: int, version: int) -> list[str]:
    """The draft's running text before its items: a task draft's body paragraphs; for an article or heading
    draft, the paragraphs before its first item (its title and 目录 lines, not the articles again)."""
    row = _version(uow, draft_id, version)
    if row is None:
        return []
    body = [str(p) for p in json.loads(row.body)]
    if row.kind == "tasks":
        return body
    items = version_items(uow, row)
    first = items[0].label if items else ""
    cut = next((n for n, p in enumerate(body) if first and p.strip().startswith(first)), len(body))
    return body[:cut]


def draft_items(uow: UnitOfWork, draft_id: int, version: int) -> list[tuple[str, str, str]]:
    """(key, label, text) of each item a comment may point at, in the draft's order: a task with its
    content items and responsible units, an article (under its chapter) with its 款 and 项, or a heading."""
    row = _version(uow, draft_id, version)
    if row is None:
        return []
    if row.kind == "tasks":
        return _task_items(uow, row)
    items = version_items(uow, row)
    readable = "article" if row.kind == "articles" else "heading"
    chapter = ""
    out = []
    for item in items:
        if item.kind in ("chapter", "section"):
            chapter = f"{item.label} {item.heading}".strip()
        elif item.kind == readable:
            where = f"（{chapter}）" if chapter and readable == "article" else ""
            out.append((item.label, f"{item.label}{(' ' + item.heading) if item.heading else ''}{where}", item.text))
    return out


def _task_items(uow: UnitOfWork, row: DraftVersion) -> list[tuple[str, str, str]]:
    items = []
    for task, parts in uow.drafts.tasks(row.id or 0):
        lines = []
        for part in parts:
            label = part.label + ("" if not part.label or part.label.startswith("(") else "：")
            lines.append(f"{label}{part.content}" + (f"（责任单位：{part.responsible}）" if part.responsible else ""))
        items.append((f"序号{task.number}", f"序号{task.number} {task.title}", "\n".join(lines)))
    return items


def resolve_target(uow: UnitOfWork, draft_id: int, version: int, text: str) -> AnchorRef | None:
    """The item ``text`` names ("序号5", "第五条", "第八条第二款", "（二）"), or None (whole draft, or not
    found: the text is kept as written). The same resolver as the units' comments (workflow.draft_targets)."""
    written = unicodedata.normalize("NFKC", text or "").strip()
    row = _version(uow, draft_id, version)
    if not written or written == WHOLE_DRAFT or row is None:
        return None
    items = version_items(uow, row)
    found = _resolve(written, row.kind, items)
    if found.seq is None:
        return None
    item = next(i for i in items if i.seq == found.seq)
    shown = f"{item.label} {item.heading}".strip() if item.heading else item.label
    return AnchorRef(item.label, shown, version)
