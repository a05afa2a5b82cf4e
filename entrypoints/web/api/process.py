"""The process the law asks for: document types and their rules, a draft's type and legal basis, a
round's process (departures, review period and checklist, deliberation, publication, filing), and its
archive as a ZIP."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from entrypoints.web.api.bodies import DeliberationBody, DocTypeBody, FilingBody, LegalBasisBody, PublicationBody
from entrypoints.web.api.views import ServiceView
from entrypoints.web.deps import AnyUser, ClockDep, Id, ReadUowDep, RulesDep, StaffWrite, UowDep
from entrypoints.web.forms import deliberation_command
from workflow.services.archive import build_archive
from workflow.services.deliberation import Deliberate, record_deliberation
from workflow.services.drafts import set_doc_type, set_legal_basis
from workflow.services.process_view import process_status
from workflow.services.publication import file_record, publish

router = APIRouter(tags=["办理程序"])


class DocTypeView(ServiceView):
    key: str
    label: str
    min_consultation_days: int
    consultation_day_unit: str
    consultation_source: str
    review_required: bool
    min_review_workdays: int
    max_review_workdays: int
    review_source: str
    deliberation_required: bool
    publication_required: bool
    filing_required: bool
    filing_days: int
    retention: str
    retention_source: str


class ProcessView(ServiceView):
    round_id: int
    doc_type: DocTypeView
    scope: str
    scope_label: str
    shorten_reason: str
    legal_basis: list[str]
    materials: list[dict[str, Any]]
    departures: list[dict[str, str]]
    reviews: list[dict[str, Any]]
    deliberation_required: bool
    deliberated: bool
    deliberations: list[dict[str, Any]]
    publication: dict[str, Any] | None
    filing: dict[str, Any] | None


class DraftTyped(BaseModel):
    draft_id: int
    doc_type: str
    legal_basis: list[str]


class Recorded(BaseModel):
    round_id: int
    id: int


class DeliberationRecorded(Recorded):
    minutes: str
    minutes_sha256: str


@router.get("/doc-types", response_model=list[DocTypeView])
def api_doc_types(user: AnyUser, rules: RulesDep) -> list[dict[str, Any]]:
    return [t.to_dict() for t in rules.all()]


@router.get("/rounds/{round_id}/process", response_model=ProcessView)
def api_process(round_id: Id, user: AnyUser, uow: ReadUowDep, rules: RulesDep) -> dict[str, Any]:
    return process_status(uow, round_id, rules)


@router.post("/drafts/{draft_id}/type")
def api_draft_type(
    draft_id: Id, body: DocTypeBody, user: StaffWrite, uow: UowDep, clock: ClockDep, rules: RulesDep
) -> DraftTyped:
    draft = set_doc_type(uow, clock, user.actor, draft_id, body.doc_type, rules=rules)
    return DraftTyped(draft_id=draft_id, doc_type=draft.doc_type, legal_basis=draft.legal_basis.splitlines())


@router.post("/drafts/{draft_id}/legal-basis")
def api_legal_basis(draft_id: Id, body: LegalBasisBody, user: StaffWrite, uow: UowDep, clock: ClockDep) -> DraftTyped:
    draft = set_legal_basis(uow, clock, user.actor, draft_id, body.text)
    return DraftTyped(draft_id=draft_id, doc_type=draft.doc_type, legal_basis=draft.legal_basis.splitlines())


@router.post("/rounds/{round_id}/deliberation", status_code=201)
def api_deliberate(round_id: Id, body: DeliberationBody, user: StaffWrite, uow: UowDep, clock: ClockDep) -> Recorded:
    row = record_deliberation(uow, clock, user.actor, Deliberate(round_id, body.meeting, body.date, body.outcome))
    return Recorded(round_id=round_id, id=row.id or 0)


@router.post("/rounds/{round_id}/deliberation/minutes", status_code=201)
async def api_deliberate_with_minutes(
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    meeting: Annotated[str, Form(description="会议名称，如“市政府第X次常务会议”")],
    date: Annotated[str, Form(description="会议日期，如 2026-03-20")],
    minutes: Annotated[UploadFile, File(description="会议纪要（.pdf/.docx/.jpg/.jpeg/.png，不超过 10 MB）")],
    outcome: Annotated[str, Form(description="approved | approved_with_changes | deferred | rejected")] = "approved",
) -> DeliberationRecorded:
    """The collective deliberation with its 会议纪要 (multipart): the file is checked as on the round page
    and kept with its SHA-256."""
    cmd = await deliberation_command(round_id, meeting, date, outcome, minutes, required=True)
    row = record_deliberation(uow, clock, user.actor, cmd)
    return DeliberationRecorded(
        round_id=round_id, id=row.id or 0, minutes=row.minutes_name, minutes_sha256=row.minutes_sha256
    )


@router.post("/rounds/{round_id}/publication", status_code=201)
def api_publish(
    round_id: Id, body: PublicationBody, user: StaffWrite, uow: UowDep, clock: ClockDep, rules: RulesDep
) -> Recorded:
    row = publish(uow, clock, user.actor, round_id, body.date, body.where, rules=rules)
    return Recorded(round_id=round_id, id=row.id or 0)


@router.post("/rounds/{round_id}/filing", status_code=201)
def api_file(round_id: Id, body: FilingBody, user: StaffWrite, uow: UowDep, clock: ClockDep) -> Recorded:
    row = file_record(uow, clock, user.actor, round_id, body.to, body.date)
    return Recorded(round_id=round_id, id=row.id or 0)


@router.post(
    "/rounds/{round_id}/archive",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "归档包（含 manifest.json）"}},
)
def api_archive(round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, rules: RulesDep) -> Response:
    built = build_archive(uow, clock, user.actor, round_id, rules=rules, pdf=False)
    return Response(
        built.data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="archive-round-{round_id}.zip"'},
    )
