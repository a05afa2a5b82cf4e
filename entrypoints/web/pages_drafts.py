"""版本对比: what changed between two versions of a draft, item by item, the changed words highlighted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from entrypoints.web.deps import AnyUser, Id, ReadUowDep
from entrypoints.web.pages_common import page
from workflow.item_matching import text_changes
from workflow.services._common import load_draft
from workflow.services.versions import diff_items

router = APIRouter(include_in_schema=False)
MAX_VERSION = 100_000  # bounds the query: no overflow reaches the database
CHANGE_LABELS = {
    "inserted": "新增",
    "deleted": "删除",
    "changed": "修改",
    "split": "拆分",
    "merged": "合并",
    "moved": "调整顺序",
    "renumbered": "编号变化",
}


@router.get("/drafts/{draft_id}/diff")
def diff_page(
    request: Request,
    draft_id: Id,
    user: AnyUser,
    uow: ReadUowDep,
    from_: Annotated[int | None, Query(alias="from", ge=1, le=MAX_VERSION)] = None,
    to: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> Response:
    draft = load_draft(uow, draft_id)
    versions = [v.version for v in uow.drafts.versions(draft_id)]
    newer = to or draft.current_version
    older = from_ or max(1, newer - 1)
    swapped = older > newer
    if swapped:  # picked the other way round: compared in the order the versions were written
        older, newer = newer, older
    changes = diff_items(uow, draft_id, older, newer)
    shown = [
        {
            "c": c,
            "label": CHANGE_LABELS[c.change],
            "runs": text_changes(c.text_before, c.text_after) if c.change in ("changed", "split", "merged") else [],
        }
        for c in changes
    ]
    counts = {label: sum(1 for c in changes if c.change == key) for key, label in CHANGE_LABELS.items()}
    return page(
        request,
        "draft_diff.html",
        user,
        draft=draft,
        versions=versions,
        older=older,
        newer=newer,
        swapped=swapped,
        changes=shown,
        counts={k: n for k, n in counts.items() if n},
        rounds=uow.rounds.for_draft(draft_id),
    )
