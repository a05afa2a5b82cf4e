"""催办与消息: a round's messages per unit, a reminder sent now, and phone calls to units without an address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from entrypoints.web.deps import ClockDep, Id, ReadUowDep, SettingsDep, Staff, StaffWrite, UowDep
from entrypoints.web.form_page import refused
from entrypoints.web.pages_common import page
from kernel.errors import DomainError
from states.recipient import RecipientState
from storage.uow import UnitOfWork
from workflow.services.chasing import chase_log, record_phone_call, remind_now
from workflow.services.delivery_view import deliveries
from workflow.services.queries import round_summary

router = APIRouter(include_in_schema=False)
NOTICES = {"reminded": "催办提醒已进入发送队列。", "called": "电话催办已登记。"}


def _context(uow: UnitOfWork, round_id: int) -> dict[str, object]:
    sent = deliveries(uow, round_id)
    units = []
    for rec, unit in uow.rounds.recipients(round_id):
        units.append(
            {
                "recipient_id": rec.id,
                "name": unit.name,
                "phone": unit.phone,
                "contact": unit.contact,
                "silent": rec.state == RecipientState.pending,
                "has_address": bool(unit.email or unit.webhook),
                "messages": [d for d in sent if d["recipient_id"] == rec.id],
            }
        )
    office = [d for d in sent if d["recipient_id"] is None]
    return {
        "r": round_summary(uow, round_id),
        "units": units,
        "office_messages": office,
        "log": chase_log(uow, round_id),
    }


@router.get("/rounds/{round_id}/chase")
def chase_page(
    request: Request, round_id: Id, user: Staff, uow: ReadUowDep, ok: str = "", phoned: str = ""
) -> Response:
    context = _context(uow, round_id)
    return page(request, "round_chase.html", user, **context, done=NOTICES.get(ok, ""), to_phone=phoned)


@router.post("/rounds/{round_id}/chase/remind")
def chase_remind(round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep) -> Response:
    reminded = remind_now(uow, clock, user.actor, round_id, secret=settings.secret_key)
    phoned = "、".join(reminded.to_phone)
    return RedirectResponse(f"/rounds/{round_id}/chase?ok=reminded&phoned={phoned}", status_code=303)


@router.post("/rounds/{round_id}/chase/call")
async def chase_call(
    request: Request,
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    recipient_id: Annotated[int, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        record_phone_call(uow, clock, user.actor, round_id, recipient_id, note)
    except DomainError as exc:
        uow.rollback()
        form = await request.form()
        context = _context(uow, round_id)
        return refused(request, "round_chase.html", exc, form, user=user, calling=recipient_id, **context)
    return RedirectResponse(f"/rounds/{round_id}/chase?ok=called", status_code=303)
