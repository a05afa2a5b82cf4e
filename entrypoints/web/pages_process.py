"""The round page's process actions: legal basis, collective deliberation (with minutes), publication,
filing, and the archive download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from entrypoints.web.deps import ClockDep, Id, RulesDep, StaffWrite, UowDep
from entrypoints.web.forms import deliberation_command
from entrypoints.web.pages_common import back
from kernel.timefmt import read_date
from workflow.services._common import load_round
from workflow.services.archive import build_archive
from workflow.services.deliberation import record_deliberation
from workflow.services.drafts import set_legal_basis
from workflow.services.publication import file_record, publish

router = APIRouter(include_in_schema=False)


@router.post("/rounds/{round_id}/legal-basis")
def legal_basis(
    round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, text: Annotated[str, Form()] = ""
) -> Response:
    set_legal_basis(uow, clock, user.actor, load_round(uow, round_id).draft_id, text)
    return back(f"/rounds/{round_id}", "basis_saved")


@router.post("/rounds/{round_id}/deliberation")
async def deliberate(
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    meeting: Annotated[str, Form()],
    date: Annotated[str, Form()],
    outcome: Annotated[str, Form()] = "approved",
    minutes: Annotated[UploadFile | None, File()] = None,
) -> Response:
    cmd = await deliberation_command(round_id, meeting, date, outcome, minutes, required=False)
    record_deliberation(uow, clock, user.actor, cmd)
    return back(f"/rounds/{round_id}", "deliberated")


@router.post("/rounds/{round_id}/publication")
def publication(
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    rules: RulesDep,
    date: Annotated[str, Form()],
    where: Annotated[str, Form()],
) -> Response:
    publish(uow, clock, user.actor, round_id, read_date(date, "发布日期"), where, rules=rules)
    return back(f"/rounds/{round_id}", "published")


@router.post("/rounds/{round_id}/filing")
def filing(
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    to: Annotated[str, Form()],
    date: Annotated[str, Form()],
) -> Response:
    file_record(uow, clock, user.actor, round_id, to, read_date(date, "备案日期"))
    return back(f"/rounds/{round_id}", "filed")


@router.post("/rounds/{round_id}/archive")
def archive(round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, rules: RulesDep) -> Response:
    built = build_archive(uow, clock, user.actor, round_id, rules=rules, pdf=False)
    return Response(
        built.data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="archive-round-{round_id}.zip"'},
    )
