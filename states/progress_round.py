"""Monthly progress rounds (当月工作开展情况) and the request each responsible unit gets in one.

A request is pending until the unit reports; at the round's due time a silent unit is recorded as
``not_reported`` (未报送) — counted and shown, never deemed to have reported anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from states.machine import StateMachine, Transition, guard


class ProgressRoundState(StrEnum):
    open = "open"
    closed = "closed"


class ProgressRequestState(StrEnum):
    pending = "pending"
    reported = "reported"
    not_reported = "not_reported"


@dataclass(frozen=True)
class ProgressContext:
    now: datetime
    due: datetime


@guard("PROGRESS_AFTER_DUE", "本月进展报送已截止，不能再报送。")
def before_due(ctx: ProgressContext) -> bool:
    return ctx.now < ctx.due


@guard("PROGRESS_DUE_NOT_REACHED", "尚未到报送截止时间。")
def due_reached(ctx: ProgressContext) -> bool:
    return ctx.now >= ctx.due


R, Q = ProgressRoundState, ProgressRequestState

PROGRESS_ROUND_MACHINE = StateMachine(
    name="progress_round",
    states=ProgressRoundState,
    initial=R.open,
    table=[Transition("close", (R.open,), R.closed, (due_reached,))],
    state_labels={"open": "报送中", "closed": "已截止"},
    trigger_labels={"close": "截止"},
)

PROGRESS_REQUEST_MACHINE = StateMachine(
    name="progress_request",
    states=ProgressRequestState,
    initial=Q.pending,
    table=[
        Transition("report", (Q.pending, Q.reported), Q.reported, (before_due,)),
        Transition("mark_not_reported", (Q.pending,), Q.not_reported, (due_reached,)),
    ],
    state_labels={"pending": "待报送", "reported": "已报送", "not_reported": "未报送"},
    trigger_labels={"report": "报送进展", "mark_not_reported": "记为未报送"},
)
