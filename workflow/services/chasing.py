"""催办: reminding silent units now, by message or by phone, with everything on the record.

A manual reminder goes to every unit still silent that has an address (the outbox, in this transaction);
units without one must be phoned, and the call is recorded (who called, which unit, what was said).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.ids import ref
from kernel.timefmt import cn_datetime
from states.recipient import RecipientState
from states.round import RoundState
from storage.uow import UnitOfWork
from workflow.services._common import load_round, record
from workflow.services.messages import queue_reminders


@dataclass(frozen=True)
class Reminded:
    queued: int  # messages queued to units with an address
    to_phone: list[str]  # silent units without an address: call them


def _open_round(uow: UnitOfWork, round_id: int) -> None:
    if load_round(uow, round_id).state != RoundState.open:
        raise Conflict("ROUND_NOT_OPEN", "只有征求意见中的轮次才能催办。")


def remind_now(uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, *, secret: str) -> Reminded:
    """Queue a reminder to every silent unit with an address now; say which ones must be phoned."""
    _open_round(uow, round_id)
    now = clock.now()
    silent = [(r, u) for r, u in uow.rounds.recipients(round_id) if r.state == RecipientState.pending]
    if not silent:
        raise Conflict("NOBODY_TO_REMIND", "所有单位均已回复，无需催办。")
    queued = queue_reminders(uow, round_id, f"manual-{now.isoformat()}", now, secret=secret)
    to_phone = [u.name for _, u in silent if not (u.email or u.webhook)]
    record(
        uow, actor, now, "round.reminder_sent", ref("round", round_id),
        round_id=round_id, messages=queued, to_phone=to_phone,
    )  # fmt: skip
    uow.commit()
    return Reminded(queued, to_phone)


def record_phone_call(
    uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, recipient_id: int, note: str
) -> None:
    """电话催办: the call is on the record, with what the unit said."""
    _open_round(uow, round_id)
    if not note.strip():
        raise InvalidInput(
            "CALL_NOTE_REQUIRED", "请写明通话情况（如：已告知截止时间，对方答复今天回复）。", field="note"
        )
    recipient = uow.rounds.recipient_by_id(recipient_id)
    if recipient is None or recipient.round_id != round_id:
        raise NotFound("NOT_A_RECIPIENT", "该单位不是本轮的征求对象。")
    record(
        uow, actor, clock.now(), "recipient.phoned", ref("recipient", recipient_id),
        round_id=round_id, note=note.strip(),
    )  # fmt: skip
    uow.commit()


def chase_log(uow: UnitOfWork, round_id: int) -> list[dict[str, str]]:
    """Reminders sent by hand and calls made, newest first, for the 催办 page."""
    names = {r.id: u.name for r, u in uow.rounds.recipients(round_id)}
    out = []
    for e in uow.audit.events(round_id=round_id):
        if e.action not in ("round.reminder_sent", "recipient.phoned"):
            continue
        payload = json.loads(e.payload or "{}")
        if e.action == "recipient.phoned":
            unit = names.get(int(e.entity.split(":")[1]), "")
            what = f"电话催办{unit}：{payload.get('note', '')}"
        else:
            what = f"发送催办提醒{payload.get('messages', 0)}条"
            if payload.get("to_phone"):
                what += "；需电话通知：" + "、".join(payload["to_phone"])
        out.append({"at": cn_datetime(e.at), "who": e.actor, "what": what})
    return list(reversed(out))
