"""Drafts: uploading one (parsed into its task table, articles or numbered headings), uploading a revision,
and what changed between two versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile

from entrypoints.web.api.schemas import DraftStored
from entrypoints.web.api.views import DraftDiff, ItemChangeView
from entrypoints.web.deps import AnyUser, ClockDep, Id, ReadUowDep, RulesDep, StaffWrite, UowDep, office_id_of
from entrypoints.web.forms import store_uploaded_draft, store_uploaded_revision
from workflow.services.versions import diff_items

MAX_VERSION = 100_000  # far beyond any draft's revisions; bounds the query so no overflow reaches the database

router = APIRouter(prefix="/drafts", tags=["文稿"])


@router.post("")
async def api_draft(
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    title: Annotated[str, Form()],
    issuer: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    rules: RulesDep,
    doc_type: Annotated[str, Form()] = "general",
    legal_basis: Annotated[str, Form()] = "",
) -> DraftStored:
    stored = await store_uploaded_draft(
        uow,
        clock,
        office_id_of(user),
        user,
        file,
        title=title,
        issuer=issuer,
        doc_type=doc_type,
        legal_basis=legal_basis,
        rules=rules,
    )
    return DraftStored(**stored.answer())


@router.post("/{draft_id}/versions")
async def api_revise(
    draft_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    file: Annotated[UploadFile, File()],
    note: Annotated[str, Form()] = "",
) -> DraftStored:
    stored = await store_uploaded_revision(uow, clock, user, file, draft_id=draft_id, note=note)
    return DraftStored(**stored.answer())


@router.get("/{draft_id}/diff", response_model_by_alias=True)
def api_diff(
    draft_id: Id,
    user: AnyUser,
    uow: ReadUowDep,
    from_: Annotated[int, Query(alias="from", ge=1, le=MAX_VERSION, description="原稿稿次")],
    to: Annotated[int, Query(ge=1, le=MAX_VERSION, description="修改稿稿次")],
) -> DraftDiff:
    """两稿之间逐条的变化（按文字匹配：新增、删除、编号变化、顺序调整、修改、拆分）。"""
    changes = diff_items(uow, draft_id, from_, to)
    return DraftDiff(draft_id=draft_id, from_=from_, to=to, items=[ItemChangeView(**c.to_dict()) for c in changes])
