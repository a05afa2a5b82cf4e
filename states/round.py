"""A solicitation round: open until its deadline is enforced, then closed for good."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from states.machine import StateMachine, Transition, guard


class RoundState(StrEnum):
    open = "open"
    closed = "closed"
    withdrawn = "withdrawn"


@dataclass(frozen=True)
class RoundContext:
    now: datetime
    deadline: datetime
    new_deadline: datetime | None = None


@guard("DEADLINE_NOT_REACHED", "尚未到截止时间，不能截止征求意见。")
def deadline_reached(ctx: RoundContext) -> bool:
    return ctx.now >= ctx.deadline


@guard("DEADLINE_IN_PAST", "新的截止时间必须晚于当前时间。")
def new_deadline_in_future(ctx: RoundContext) -> bool:
    return ctx.new_deadline is not None and ctx.new_deadline > ctx.now


@guard("DEADLINE_PASSED", "截止时间已过，征求意见应予截止，不能再调整截止时间。")
def still_before_deadline(ctx: RoundContext) -> bool:
    return ctx.now < ctx.deadline


S = RoundState

ROUND_MACHINE = StateMachine(
    name="round",
    states=RoundState,
    initial=S.open,
    table=[
        Transition("close", (S.open,), S.closed, (deadline_reached,)),
        Transition("change_deadline", (S.open,), S.open, (still_before_deadline, new_deadline_in_future)),
        Transition("withdraw", (S.open,), S.withdrawn),
    ],
    state_labels={"open": "征求意见中", "closed": "已截止", "withdrawn": "已撤回"},
    trigger_labels={"close": "截止", "change_deadline": "调整截止时间", "withdraw": "撤回"},
)
