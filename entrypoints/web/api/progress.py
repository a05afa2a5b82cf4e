"""Monthly progress rounds: start one, read its summary, list and revoke the units' links; a unit answers
through its own link."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from entrypoints.web.api.bodies import ProgressRelinkBody, ProgressReplyBody, ProgressStartBody
from entrypoints.web.api.schemas import ProgressReported, ProgressStarted, ProgressSummary
from entrypoints.web.deps import (
    AnyUser,
    ClockDep,
    Id,
    LinkVisitDep,
    ReadUowDep,
    SettingsDep,
    Staff,
    StaffWrite,
    UowDep,
    office_id_of,
)
from kernel.timefmt import read_instant
from workflow.reports.tracking import progress_summary
from workflow.services.progress import EntryInput, StartProgress, start_progress
from workflow.services.progress_link import submit_progress_link
from workflow.services.progress_links import progress_links, request_in_round, revoke_progress_link
from workflow.tracking.schedule import ProgressSettings

router = APIRouter(tags=["月度进展"])


class ProgressLinkView(BaseModel):
    request_id: int
    unit: str
    state: str
    state_label: str
    url: str | None = Field(description="null while the link is revoked")


class ProgressLinkRevoked(BaseModel):
    request_id: int
    revoked: bool
    reissued: bool


@router.post("/progress/rounds", status_code=201)
def api_progress_start(
    body: ProgressStartBody, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> ProgressStarted:
    schedule = ProgressSettings.from_mapping(settings.section("progress"))
    due = read_instant(body.due, "报送截止时间", date_only_at=schedule.due_time) if body.due else None
    cmd = StartProgress(office_id_of(user), body.month, due)
    started = start_progress(uow, clock, user.actor, cmd, schedule, settings.secret_key)
    return ProgressStarted(
        round_id=started.round_id,
        month=started.month,
        due=started.due.isoformat(),
        requests=started.requests,
        units=started.units,
    )


@router.get("/progress/rounds/{month}/summary")
def api_progress_summary(
    month: str, user: AnyUser, uow: ReadUowDep, clock: ClockDep
) -> ProgressSummary:
    return ProgressSummary.model_validate(progress_summary(uow, clock, office_id_of(user), month))


@router.post("/progress/links/{token}")
def api_progress_reply(visit: LinkVisitDep, body: ProgressReplyBody, uow: UowDep, clock: ClockDep) -> ProgressReported:
    """The unit's answer for every item of this month's request (the link is the credential)."""
    entries = [EntryInput(e.item_id, e.status, e.text) for e in body.items]
    request = submit_progress_link(uow, clock, visit, form_token=None, secret="", entries=entries, evidence=[])
    return ProgressReported(request_id=request.id or 0, unit=request.unit_name, state=request.state, items=len(entries))


@router.get("/progress/rounds/{round_id}/links")
def api_progress_links(round_id: Id, user: Staff, uow: ReadUowDep, settings: SettingsDep) -> list[ProgressLinkView]:
    """Each unit's progress link and request state (``url`` null while revoked)."""
    found = progress_links(uow, settings.secret_key, settings.base_url, round_id)
    return [
        ProgressLinkView(request_id=x.request_id, unit=x.unit, state=x.state, state_label=x.state_label, url=x.url)
        for x in found
    ]


@router.post("/progress/rounds/{round_id}/requests/{request_id}/revoke-link")
def api_progress_revoke(
    round_id: Id,
    request_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    body: ProgressRelinkBody | None = None,
) -> ProgressLinkRevoked:
    """Revoke the unit's link; with ``reissue`` (the default) a new one goes out with the request notice."""
    reissue = body.reissue if body is not None else True
    request_in_round(uow, round_id, request_id)
    revoke_progress_link(uow, clock, user.actor, request_id, secret=settings.secret_key, reissue=reissue)
    return ProgressLinkRevoked(request_id=request_id, revoked=True, reissued=reissue)
