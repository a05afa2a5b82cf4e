"""The round's documents: the adoption table as JSON, every document as a file, scans of paper replies."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from entrypoints.web.api.views import AdoptionTable
from entrypoints.web.deps import AnyUser, Id, ReadUowDep, RulesDep
from entrypoints.web.downloads import attachment_file, document_file
from workflow.reports.adoption import adoption_table

router = APIRouter(tags=["文书"])


@router.get("/rounds/{round_id}/adoption", response_model=AdoptionTable)
def api_adoption(round_id: Id, user: AnyUser, uow: ReadUowDep) -> dict[str, Any]:
    return adoption_table(uow, round_id)


@router.get("/rounds/{round_id}/documents/{kind}", response_class=Response)
def api_document(
    round_id: Id,
    kind: str,
    user: AnyUser,
    uow: ReadUowDep,
    rules: RulesDep,
    format: str = "docx",
    unit: str | None = None,
) -> Response:
    """The round's documents as files: letter, its attachments (draft, task-table, reply-form), letter-package
    (the letter and its attachments in one ZIP), adoption, explanation, review-package, audit."""
    return document_file(uow, round_id, kind, format, unit, rules)


@router.get("/attachments/{attachment_id}", response_class=Response)
def api_attachment(attachment_id: Id, user: AnyUser, uow: ReadUowDep) -> Response:
    """A scan of a sealed paper reply, with its SHA-256 in ``X-Content-SHA256``."""
    return attachment_file(uow, attachment_id)
