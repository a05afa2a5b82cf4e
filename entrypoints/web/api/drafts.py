"""Drafts: uploading one (parsed into its task table) and uploading a revision."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from entrypoints.web.api.schemas import DraftStored
from entrypoints.web.deps import ClockDep, Id, RulesDep, StaffWrite, UowDep, office_id_of
from entrypoints.web.forms import store_uploaded_draft, store_uploaded_revision

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
    return DraftStored(draft_id=stored.draft_id, version=stored.version, tasks=stored.tasks)


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
    return DraftStored(draft_id=stored.draft_id, version=stored.version, tasks=stored.tasks)
