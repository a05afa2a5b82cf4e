"""印发: the approved draft becomes the issued document under its own number, and the signed and
sealed final document (PDF, DOCX or OFD) is kept with its SHA-256 — at issue or uploaded later."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.ids import ref
from kernel.text import check_text
from kernel.timefmt import iso_beijing
from states.draft import DRAFT_MACHINE, DraftContext, DraftStage, DraftState
from states.review import ReviewState
from storage.models import Draft, SignedDocument
from storage.uow import UnitOfWork
from workflow.doc_number import parse_doc_number
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.parsing.safe_zip import check_office_zip
from workflow.public.decisions import check_ready_for_review
from workflow.services._common import change_state, load_draft, load_round, record
from workflow.services.deliberation import deliberated
from workflow.services.messages import queue_for_round
from workflow.services.tracking import track_issued_draft

SIGNED_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".ofd": "application/ofd",  # GB/T 33190-2016, the format of China's electronic official documents
}
SIGNED_MAX_BYTES = 20 * 1024 * 1024  # as a 审查意见书 or a deliberation's minutes
# What each format must contain to be what its name says: a PDF header, the main part of a Word
# document, the OFD entry file. A renamed picture or program is refused.
_ZIP_ENTRY = {".docx": "word/document.xml", ".ofd": "OFD.xml"}
_LABEL = {".pdf": "PDF 文件", ".docx": "Word 文件", ".ofd": "OFD 文件"}


@dataclass(frozen=True)
class SignedFile:
    """The signed final document as uploaded: its name (for the type) and its bytes."""

    filename: str
    data: bytes


def check_signed_file(signed: SignedFile) -> str:
    """The file's media type, or a refusal naming what is wrong (type, size, content not matching)."""
    check_text(signed.filename, "文件名")
    suffix = PurePath(signed.filename).suffix.lower()
    if suffix not in SIGNED_TYPES:
        raise InvalidInput(
            "SIGNED_DOCUMENT_TYPE",
            "签发的正式文件须为 PDF、DOCX 或 OFD 文件。",
            field="signed",
            filename=signed.filename,
        )
    if not signed.data or len(signed.data) > SIGNED_MAX_BYTES:
        raise InvalidInput(
            "SIGNED_DOCUMENT_SIZE", f"签发的正式文件为空或超过{SIGNED_MAX_BYTES // 2**20}MB。", field="signed"
        )
    label = _LABEL[suffix]
    if suffix == ".pdf":
        if not signed.data[:1024].lstrip().startswith(b"%PDF-"):
            raise InvalidInput("SIGNED_DOCUMENT_INVALID", f"上传的文件不是有效的{label}。", field="signed")
    else:
        check_office_zip(signed.data, label, "SIGNED_DOCUMENT_INVALID")  # bombs, XXE, odd entry names
        with zipfile.ZipFile(io.BytesIO(signed.data)) as archive:
            names = {n.lower() for n in archive.namelist()}
        if _ZIP_ENTRY[suffix].lower() not in names:
            raise InvalidInput("SIGNED_DOCUMENT_INVALID", f"上传的文件不是有效的{label}。", field="signed")
    return SIGNED_TYPES[suffix]


def _signed_row(
    signed: SignedFile, content_type: str, round_id: int, number: str, actor: Actor, now: datetime
) -> SignedDocument:
    return SignedDocument(
        round_id=round_id,
        doc_number=number,
        filename=signed.filename[:200],
        content_type=content_type,
        sha256=hashlib.sha256(signed.data).hexdigest(),
        size=len(signed.data),
        data=signed.data,
        uploaded_by=actor.name,
        uploaded_at=now,
    )


def _signed_payload(signed: SignedFile | None) -> dict[str, Any]:
    """What the ``draft.issued`` event says of the signed file (nothing when there is none yet)."""
    if signed is None:
        return {}
    return {"signed_file": signed.filename, "signed_sha256": hashlib.sha256(signed.data).hexdigest()}


def issue(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    round_id: int,
    doc_number: str,
    *,
    rules: DocTypes = SHIPPED_TYPES,
    signed: SignedFile | None = None,
) -> Draft:
    """印发 under ``doc_number``: after an approved review (unless the type needs none) and, where the
    type requires it, a recorded collective deliberation that did not reject the draft. The signed
    final document, when given, is stored in the same transaction and named in the ``draft.issued`` event."""
    number = parse_doc_number(check_text(doc_number, "发文字号"))
    content_type = check_signed_file(signed) if signed is not None else ""
    now = clock.now()
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    doc_type = rules.get(draft.doc_type)
    reviews = uow.rounds.reviews(round_id)
    approved = bool(reviews) and reviews[-1].state == ReviewState.approved
    _, undecided, missing = uow.replies.queue_counts(round_id)
    public_undecided, public_missing = check_ready_for_review(uow, round_id)  # the public's groups, same gate
    undecided, missing = undecided + public_undecided, missing + public_missing
    draft.issued_doc_number = str(number)
    draft.issued_at = now
    change_state(
        uow, actor, now, DRAFT_MACHINE, draft, "issue",
        DraftContext(
            now=now,
            review_approved=approved,
            undecided_comments=undecided,
            reasons_missing=missing,
            review_required=doc_type.review_required,
            deliberation_required=doc_type.deliberation_required,
            deliberated=deliberated(uow, round_id),
        ),
        action="draft.issued",
        round_id=round_id,
        doc_number=str(number),
        version=draft.current_version,
        **_signed_payload(signed),
    )
    if signed is not None:
        uow.process.add(_signed_row(signed, content_type, round_id, str(number), actor, now))
    version = uow.drafts.version(draft.id or 0, draft.current_version)
    if version is not None:
        version.stage = DraftStage.final
        uow.drafts.add(version)
    queue_for_round(uow, round_id, "issued", doc_number=str(number))
    # After issue the tasks are tracked (responsible units, due dates, monthly progress), in this transaction.
    track_issued_draft(uow, actor, now, draft.id or 0)
    uow.commit()
    return draft


def store_signed_document(
    uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, signed: SignedFile
) -> SignedDocument:
    """Keep the signed final document of a draft already issued (it often comes back from the seal
    room after the number is given); every upload is kept and audited with its SHA-256."""
    content_type = check_signed_file(signed)
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    if draft.state != DraftState.issued or uow.rounds.latest_id_for_draft(draft.id or 0) != rnd.id:
        raise Conflict("SIGNED_DOCUMENT_NOT_ISSUED", "文稿印发后才能上传签发的正式文件。", draft_state=draft.state)
    now = clock.now()
    row = _signed_row(signed, content_type, round_id, draft.issued_doc_number or "", actor, now)
    uow.process.add(row)
    record(
        uow,
        actor,
        now,
        "draft.signed_stored",
        ref("draft", draft.id),
        round_id=round_id,
        doc_number=row.doc_number,
        filename=row.filename,
        sha256=row.sha256,
        size=row.size,
    )
    uow.commit()
    return row


def signed_document(uow: UnitOfWork, round_id: int, document_id: int | None = None) -> SignedDocument:
    """One signed final document of the round, for download; ``None``: the newest upload (a later one is
    the better scan, the earlier ones are kept)."""
    if document_id is None:
        newest = next(iter(uow.process.signed_documents(round_id)), None)
        if newest is None:
            load_round(uow, round_id)  # an unknown round is ROUND_NOT_FOUND, not a missing file
            raise NotFound("SIGNED_DOCUMENT_NOT_FOUND", "该轮次还没有上传签发的正式文件。", round_id=round_id)
        return newest
    row = uow.process.signed_document(document_id)
    if row is None or row.round_id != round_id:
        raise NotFound("SIGNED_DOCUMENT_NOT_FOUND", "该轮次没有这份签发的正式文件。", document_id=document_id)
    return row


def signed_view(row: SignedDocument) -> dict[str, Any]:
    """What the round's JSON (API and CLI) says of one signed document: everything but its bytes."""
    return {
        "id": row.id,
        "round_id": row.round_id,
        "doc_number": row.doc_number,
        "filename": row.filename,
        "content_type": row.content_type,
        "sha256": row.sha256,
        "size": row.size,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": iso_beijing(row.uploaded_at),
    }


def signed_views(uow: UnitOfWork, round_id: int) -> list[dict[str, Any]]:
    """The round's signed documents, newest first, without their bytes."""
    return [signed_view(row) for row in uow.process.signed_documents(round_id)]
