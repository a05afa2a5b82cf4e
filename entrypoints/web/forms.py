"""Reading uploads and repeated form fields safely: size and type limits, Chinese errors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Literal, overload

from fastapi import UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUploadFile

from entrypoints.web.deps import MAX_ID
from kernel.clock import Clock
from kernel.errors import InvalidInput, PayloadTooLarge
from kernel.timefmt import read_date
from storage.uow import UnitOfWork
from workflow.doc_types import DEFAULT_TYPE, SHIPPED_TYPES, DocTypes
from workflow.parsing.draft_file import parse_draft_file
from workflow.parsing.units_file import UnitRecord, parse_units_file
from workflow.services.accounts import CurrentUser
from workflow.services.deliberation import Deliberate
from workflow.services.drafts import DraftStored, import_draft, revise_draft
from workflow.services.issuance import SIGNED_TYPES, SignedFile
from workflow.services.replies import CommentInput, SubmitReply, with_form

DRAFT_SUFFIXES = (".docx", ".md", ".txt")
UNIT_SUFFIXES = (".csv", ".xlsx")
MEASURE_SUFFIXES = (".txt", ".md", ".docx", ".xlsx")
EVIDENCE_SUFFIXES = (".jpg", ".jpeg", ".png", ".pdf", ".docx", ".doc", ".xlsx", ".xls", ".zip")
MINUTES_SUFFIXES = (".pdf", ".docx", ".jpg", ".jpeg", ".png")
SIGNED_SUFFIXES = tuple(SIGNED_TYPES)
MAX_UPLOAD = 10 * 1024 * 1024


async def read_upload(
    upload: StarletteUploadFile | None, suffixes: tuple[str, ...], *, required: bool = True
) -> bytes | None:
    if upload is None or not upload.filename:
        if required:
            raise InvalidInput("UPLOAD_REQUIRED", "请选择要上传的文件。")
        return None
    suffix = PurePath(upload.filename).suffix.lower()
    if suffix not in suffixes:
        raise InvalidInput(
            "UPLOAD_TYPE_INVALID", f"文件类型“{suffix or upload.filename}”不允许，仅支持：{'、'.join(suffixes)}。"
        )
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise PayloadTooLarge("UPLOAD_TOO_LARGE", "上传文件不能超过 10 MB。")
    if not data:
        raise InvalidInput("UPLOAD_EMPTY", "上传的文件是空的。")
    return data


@overload
async def read_signed(upload: object, *, required: Literal[True] = True) -> SignedFile: ...
@overload
async def read_signed(upload: object, *, required: bool) -> SignedFile | None: ...
async def read_signed(upload: object, *, required: bool = True) -> SignedFile | None:
    """The signed final document as uploaded (the round page and the API): read under the upload cap and
    type list; whether it is what its name says is the service's check (``check_signed_file``)."""
    file = upload if isinstance(upload, StarletteUploadFile) else None
    data = await read_upload(file, SIGNED_SUFFIXES, required=required)
    if file is None or not file.filename or not data:
        if required:
            raise InvalidInput("UPLOAD_REQUIRED", "请选择要上传的文件。")
        return None
    return SignedFile(file.filename, data)


async def deliberation_command(
    round_id: int, meeting: str, held_on: str, outcome: str, minutes: StarletteUploadFile | None, *, required: bool
) -> Deliberate:
    """A 集体讨论 with its 会议纪要 as uploaded: the page (minutes optional) and the API (minutes required)
    read the file with the same type and size checks."""
    data = await read_upload(minutes, MINUTES_SUFFIXES, required=required)
    name = minutes.filename if minutes is not None and data else ""
    return Deliberate(round_id, meeting, read_date(held_on, "会议日期"), outcome, name or "", data)


def form_id(value: object, label: str, *, required: bool = True) -> int | None:
    """An id typed into a form field (``draft_id=abc`` on a hand-made request): a positive whole number the
    database can hold, else ``REQUEST_INVALID`` — never a ValueError or an overflow deep down."""
    text = value.strip() if isinstance(value, str) else ""
    if not text and not required:
        return None
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput("REQUEST_INVALID", f"“{label}”应为正整数编号。", field=label)
    return int(text)


def comment_rows(targets: list[str], texts: list[str], bases: list[str], reasons: list[str]) -> list[CommentInput]:
    """Rows of the comment table; rows left entirely blank are ignored."""
    rows = []

    def at(values: list[str], n: int) -> str:
        return values[n].strip() if n < len(values) else ""

    for n in range(max(len(targets), len(texts))):
        target, text, basis, reason = at(targets, n), at(texts, n), at(bases, n), at(reasons, n)
        if not (target or text or basis or reason):
            continue
        rows.append(CommentInput(target=target, text=text, basis=basis, reason=reason))
    return rows


async def store_uploaded_draft(
    uow: UnitOfWork,
    clock: Clock,
    office_id: int,
    user: CurrentUser,
    upload: UploadFile,
    *,
    title: str,
    issuer: str,
    doc_type: str = DEFAULT_TYPE,
    legal_basis: str = "",
    rules: DocTypes = SHIPPED_TYPES,
) -> DraftStored:
    """Upload → parse (off the event loop) → new draft; shared by the page and the API."""
    data = await read_upload(upload, DRAFT_SUFFIXES) or b""
    filename = upload.filename or "draft.txt"
    parsed = await run_in_threadpool(parse_draft_file, filename, data)
    return import_draft(
        uow,
        clock,
        user.actor,
        parsed,
        filename=filename,
        title=title,
        issuer=issuer,
        office_id=office_id or None,
        doc_type=doc_type or DEFAULT_TYPE,
        legal_basis=legal_basis,
        rules=rules,
    )


async def store_uploaded_revision(
    uow: UnitOfWork, clock: Clock, user: CurrentUser, upload: UploadFile, *, draft_id: int, note: str
) -> DraftStored:
    data = await read_upload(upload, DRAFT_SUFFIXES) or b""
    filename = upload.filename or "draft.txt"
    parsed = await run_in_threadpool(parse_draft_file, filename, data)
    return revise_draft(uow, clock, user.actor, draft_id, parsed, filename=filename, note=note)


async def parsed_reply_form(cmd: SubmitReply, upload: StarletteUploadFile) -> SubmitReply:
    """The reply a filled-in Word 回复表 carries, parsed off the event loop (a slow file stalls no one)."""
    data = await read_upload(upload, (".docx",)) or b""
    return await run_in_threadpool(with_form, cmd, upload.filename or "", data)


async def parsed_units_file(upload: StarletteUploadFile) -> list[UnitRecord]:
    """A uploaded unit directory (CSV/XLSX), parsed off the event loop."""
    data = await read_upload(upload, UNIT_SUFFIXES) or b""
    return await run_in_threadpool(parse_units_file, upload.filename or "units.csv", data)


def form_comment_rows(form: FormData) -> list[CommentInput]:
    """The comment table of a reply form (the unit's page and the paper-reply form)."""
    return comment_rows(*(_texts(form.getlist(name)) for name in ("target", "text", "basis", "reason")))


def _texts(values: Sequence[object]) -> list[str]:
    return [v for v in values if isinstance(v, str)]
