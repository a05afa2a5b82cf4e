"""A unit asked in a round: pending until it replies or the deadline deems it to agree.

A unit may revise its reply until the deadline; the last revision counts. What decides is when a
reply was *received*: a sealed paper form that arrived before the deadline but is registered by
staff after the sweep corrects deemed_no_objection, since the unit did reply in time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from states.machine import StateMachine, Transition, guard


class RecipientState(StrEnum):
    pending = "pending"
    with_comments = "with_comments"
    no_comments = "no_comments"
    deemed_no_objection = "deemed_no_objection"


@dataclass(frozen=True)
class RecipientContext:
    now: datetime  # for a reply: when it was received; for the sweep: when it runs
    deadline: datetime


@guard("REPLY_AFTER_DEADLINE", "已过截止时间，回复按逾期处理。")
def before_deadline(ctx: RecipientContext) -> bool:
    return ctx.now < ctx.deadline


@guard("DEADLINE_NOT_REACHED", "尚未到截止时间，不能视为无意见。")
def deadline_reached(ctx: RecipientContext) -> bool:
    return ctx.now >= ctx.deadline


S = RecipientState
_MAY_REPLY = (S.pending, S.with_comments, S.no_comments, S.deemed_no_objection)

RECIPIENT_MACHINE = StateMachine(
    name="recipient",
    states=RecipientState,
    initial=S.pending,
    table=[
        Transition("reply_with_comments", _MAY_REPLY, S.with_comments, (before_deadline,)),
        Transition("reply_no_comments", _MAY_REPLY, S.no_comments, (before_deadline,)),
        Transition("deem_no_objection", (S.pending,), S.deemed_no_objection, (deadline_reached,)),
    ],
    state_labels={
        "pending": "待回复",
        "with_comments": "有修改意见",
        "no_comments": "无修改意见",
        "deemed_no_objection": "逾期未回复，视为无意见",
    },
    trigger_labels={
        "reply_with_comments": "提交修改意见",
        "reply_no_comments": "回复无修改意见",
        "deem_no_objection": "视为无意见",
    },
)
