"""印发 from the round page: the 印发文号 and the signed final document (PDF, DOCX or OFD, kept with its
SHA-256), uploaded at issue or afterwards, and downloaded from the round page and the reviewer's page.
A refused form comes back as the round page (422) with the problem beside its field."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from entrypoints.web.deps import AnyUser, ClockDep, Id, ReadUowDep, RulesDep, SettingsDep, StaffWrite, UowDep
from entrypoints.web.downloads import signed_file
from entrypoints.web.form_page import refused
from entrypoints.web.forms import read_signed
from entrypoints.web.pages_common import back
from entrypoints.web.pages_round import round_context
from kernel.clock import Clock
from kernel.errors import DomainError
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.doc_types import DocTypes
from workflow.services.accounts import CurrentUser
from workflow.services.issuance import issue, signed_document, store_signed_document

router = APIRouter(include_in_schema=False)
_FILE_CODES = ("UPLOAD_", "SIGNED_DOCUMENT_")  # problems of the uploaded file: shown beside the file field


def _file_field(exc: DomainError) -> DomainError:
    """A problem of the file itself, named by the ``signed`` field so the page shows it beside the input."""
    if exc.code.startswith(_FILE_CODES) and "field" not in exc.details and "fields" not in exc.details:
        return type(exc)(exc.code, exc.message, **exc.details, field="signed")
    return exc


async def _refused(
    request: Request,
    exc: DomainError,
    user: CurrentUser,
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    rules: DocTypes,
    round_id: int,
) -> Response:
    uow.rollback()
    form = await request.form()
    context = round_context(uow, clock, settings, rules, round_id)
    return refused(request, "round.html", _file_field(exc), form, user=user, **context)


@router.post("/rounds/{round_id}/issue")
async def issue_page(
    request: Request,
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    rules: RulesDep,
) -> Response:
    """印发 under the number typed, with the signed final document if it is at hand already."""
    form = await request.form()
    try:
        signed = await read_signed(form.get("signed"), required=False)
        number = str(form.get("doc_number") or "")
        # The file's check opens its ZIP (DOCX, OFD): off the event loop, as every upload's parsing.
        await run_in_threadpool(issue, uow, clock, user.actor, round_id, number, rules=rules, signed=signed)
    except DomainError as exc:
        return await _refused(request, exc, user, uow, clock, settings, rules, round_id)
    return back(f"/rounds/{round_id}", "issued")


@router.post("/rounds/{round_id}/signed")
async def upload_signed(
    request: Request,
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    rules: RulesDep,
) -> Response:
    """The signed final document of a draft already issued (it often comes back from the seal room later)."""
    form = await request.form()
    try:
        signed = await read_signed(form.get("signed"))  # required: an empty field is refused
        await run_in_threadpool(store_signed_document, uow, clock, user.actor, round_id, signed)
    except DomainError as exc:
        return await _refused(request, exc, user, uow, clock, settings, rules, round_id)
    return back(f"/rounds/{round_id}", "signed_stored")


@router.get("/rounds/{round_id}/signed/{document_id}")
def download_signed(round_id: Id, document_id: Id, user: AnyUser, uow: ReadUowDep) -> Response:
    return signed_file(signed_document(uow, round_id, document_id))
