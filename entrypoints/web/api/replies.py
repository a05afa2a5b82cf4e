"""Replies registered by staff (web, paper, email; a filled-in Word 回复表), and admitting late ones."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from entrypoints.web.api.bodies import AdmitBody, ReplyBody, comment_inputs
from entrypoints.web.api.schemas import FormReplyStored, LateAdmitted, ReplyStored
from entrypoints.web.deps import ClockDep, Id, StaffWrite, UowDep
from entrypoints.web.forms import parsed_reply_form
from kernel.timefmt import read_instant
from workflow.services.replies import SubmitReply, admit_late_reply, submit_reply

router = APIRouter(tags=["回复"])


@router.post("/rounds/{round_id}/replies", status_code=201)
def api_reply(round_id: Id, body: ReplyBody, user: StaffWrite, uow: UowDep, clock: ClockDep) -> ReplyStored:
    cmd = SubmitReply(
        round_id=round_id,
        unit_name=body.unit,
        no_comments=body.no_comments,
        comments=comment_inputs(body.comments),
        channel=body.channel,
        received_at=read_instant(body.received_at, "收到时间") if body.received_at else None,
        sealed=body.sealed,
    )
    stored = submit_reply(uow, clock, user.actor, cmd)
    return ReplyStored(reply_id=stored.reply_id, late=stored.late, revision=stored.revision, state=stored.state)


@router.post("/rounds/{round_id}/replies/form", status_code=201)
async def api_reply_form(
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    unit: Annotated[str, Form()],
    file: Annotated[UploadFile, File(description="单位填好的回复表（.docx）")],
    channel: Annotated[str, Form()] = "email",
    received_at: Annotated[str, Form()] = "",
    sealed: Annotated[bool, Form()] = False,
) -> FormReplyStored:
    """Register a reply from a unit's filled-in Word 回复表; the file is kept with its SHA-256."""
    received = read_instant(received_at, "收到时间") if received_at else None
    base = SubmitReply(round_id=round_id, unit_name=unit, channel=channel, received_at=received, sealed=sealed)
    cmd = await parsed_reply_form(base, file)
    stored = submit_reply(uow, clock, user.actor, cmd)
    return FormReplyStored(
        reply_id=stored.reply_id,
        late=stored.late,
        revision=stored.revision,
        state=stored.state,
        comments=len(cmd.comments),
    )


@router.post("/replies/{reply_id}/admit")
def api_admit(reply_id: Id, body: AdmitBody, user: StaffWrite, uow: UowDep, clock: ClockDep) -> LateAdmitted:
    admit_late_reply(uow, clock, user.actor, reply_id, body.reason)
    return LateAdmitted(reply_id=reply_id, admitted=True)
