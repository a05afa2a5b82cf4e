"""Downloads from the pages: the round's documents in every format, and scans of sealed paper replies."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from entrypoints.web.deps import AnyUser, Id, ReadUowDep, RulesDep
from entrypoints.web.downloads import attachment_file, document_file

router = APIRouter(include_in_schema=False)


@router.get("/rounds/{round_id}/documents/{kind}.{fmt}")
def document(
    round_id: Id, kind: str, fmt: str, user: AnyUser, uow: ReadUowDep, rules: RulesDep, unit: str | None = None
) -> Response:
    return document_file(uow, round_id, kind, fmt, unit, rules)


@router.get("/attachments/{attachment_id}")
def attachment(attachment_id: Id, user: AnyUser, uow: ReadUowDep) -> Response:
    return attachment_file(uow, attachment_id)
