"""The signed final document (签发的正式文件) of an issued draft: uploaded with the 印发文号 or afterwards
(PDF, DOCX or OFD, checked for what it claims to be), kept with its SHA-256, downloaded by anyone signed in.

The same rules as the round page (``pages_issue``): the upload is capped while it streams in
(``body_limit``) and by ``forms.read_upload``; the file's check opens DOCX and OFD as ZIPs, so the
service runs off the event loop.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from entrypoints.web.api.views import SignedDocumentView
from entrypoints.web.deps import AnyUser, ClockDep, Id, ReadUowDep, RulesDep, StaffWrite, UowDep
from entrypoints.web.downloads import signed_file
from entrypoints.web.forms import read_signed
from workflow.services.issuance import SIGNED_TYPES, issue, signed_document, signed_view, store_signed_document

router = APIRouter(tags=["印发"])
FILE_HELP = "签发的正式文件（.pdf/.docx/.ofd，不超过 10 MB）"


class IssuedWithSigned(BaseModel):
    round_id: int
    doc_number: str | None
    state: str
    signed: SignedDocumentView


@router.post("/rounds/{round_id}/issue/signed", status_code=201)
async def api_issue_with_signed(
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    rules: RulesDep,
    doc_number: Annotated[str, Form(description="印发文号，如 X政发〔2026〕1号")],
    signed: Annotated[UploadFile, File(description=FILE_HELP)],
) -> IssuedWithSigned:
    """印发 with the signed final document at hand (multipart); without it, ``POST /rounds/{round_id}/issue``."""
    upload = await read_signed(signed)
    draft = await run_in_threadpool(issue, uow, clock, user.actor, round_id, doc_number, rules=rules, signed=upload)
    row = signed_document(uow, round_id)  # the one just stored
    return IssuedWithSigned(
        round_id=round_id,
        doc_number=draft.issued_doc_number,
        state=draft.state,
        signed=SignedDocumentView.model_validate(signed_view(row)),
    )


@router.post("/rounds/{round_id}/signed", status_code=201, response_model=SignedDocumentView)
async def api_upload_signed(
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    signed: Annotated[UploadFile, File(description=FILE_HELP)],
) -> dict[str, Any]:
    """The signed final document of a draft already issued (it often comes back from the seal room later);
    every upload is kept, the newest first in the round's ``signed_documents``."""
    upload = await read_signed(signed)
    row = await run_in_threadpool(store_signed_document, uow, clock, user.actor, round_id, upload)
    return signed_view(row)


@router.get(
    "/rounds/{round_id}/signed/{document_id}",
    response_class=Response,
    responses={
        200: {
            "content": {media: {} for media in SIGNED_TYPES.values()},
            "description": "签发的正式文件（SHA-256 见 X-Content-SHA256）",
        }
    },
)
def api_download_signed(round_id: Id, document_id: Id, user: AnyUser, uow: ReadUowDep) -> Response:
    return signed_file(signed_document(uow, round_id, document_id))
