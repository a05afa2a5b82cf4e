"""What a public comment points at in the draft, and the draft's items as the public page shows them.

An adapter with two questions, so the public pages and intake never depend on how a draft is structured:
``draft_items`` (the items to read and comment on, in order) and ``resolve_target`` (which item a target
as written means, or None for the whole draft or an unrecognised text — the text is kept as written
either way). Today drafts are task-division tables, whose items are "序号N"; article-structured drafts
(第X条) plug in here through their own resolver.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

from storage.models import DraftVersion
from storage.uow import UnitOfWork

WHOLE_DRAFT = "全文"
_TASK = re.compile(r"^(?:序号|第)?\s*(\d{1,4})\s*(?:项|号)?$")
_TASK_ANYWHERE = re.compile(r"序号\s*(\d{1,4})")


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
    """The draft's running text before its items (the body paragraphs)."""
    row = _version(uow, draft_id, version)
    return [str(p) for p in json.loads(row.body)] if row is not None else []


def draft_items(uow: UnitOfWork, draft_id: int, version: int) -> list[tuple[str, str, str]]:
    """(key, label, text) of each item a comment may point at, in the draft's order."""
    row = _version(uow, draft_id, version)
    if row is None:
        return []
    items = []
    for task, parts in uow.drafts.tasks(row.id or 0):
        lines = []
        for part in parts:
            label = part.label + ("" if not part.label or part.label.startswith("(") else "：")
            lines.append(f"{label}{part.content}" + (f"（责任单位：{part.responsible}）" if part.responsible else ""))
        items.append((f"序号{task.number}", f"序号{task.number} {task.title}", "\n".join(lines)))
    return items


def resolve_target(uow: UnitOfWork, draft_id: int, version: int, text: str) -> AnchorRef | None:
    """The item ``text`` names ("序号5", "5", "第5项", "序号5 消防"), or None (whole draft, or not found)."""
    written = unicodedata.normalize("NFKC", text or "").strip()
    if not written or written == WHOLE_DRAFT:
        return None
    match = _TASK.match(written) or _TASK_ANYWHERE.search(written)
    if match is None:
        return None
    number = int(match.group(1))
    title = uow.public.task_title(draft_id, version, number)  # one small query: intake resolves every comment
    return AnchorRef(f"序号{number}", f"序号{number} {title}", version) if title is not None else None
