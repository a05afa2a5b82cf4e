"""Monthly progress rounds (当月工作开展情况) and the request each responsible unit gets in one.

A request is pending until the unit reports; at the round's due time a silent unit is recorded as
``not_reported`` (未报送) — counted and shown, never deemed to have reported anything.

A unit that answers after the due time is not turned away: its report is kept as ``reported_late``
(逾期报送, with its time), from ``pending`` (the sweep has not run yet) or ``not_reported``, and may be
revised while late. For that month it still counts as 未报送 (``COUNTED_NOT_REPORTED``): at the
deadline it had not reported. A report sent on time cannot be changed after the due time.
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
    reported_late = "reported_late"


@dataclass(frozen=True)
class ProgressContext:
    now: datetime
    due: datetime


@guard("PROGRESS_AFTER_DUE", "本月进展已按时报送，报送截止后不能再修改。")
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
        Transition("report_late", (Q.pending, Q.not_reported, Q.reported_late), Q.reported_late, (due_reached,)),
        Transition("mark_not_reported", (Q.pending,), Q.not_reported, (due_reached,)),
    ],
    state_labels={"pending": "待报送", "reported": "已报送", "not_reported": "未报送", "reported_late": "逾期报送"},
    trigger_labels={"report": "报送进展", "report_late": "逾期报送进展", "mark_not_reported": "记为未报送"},
)

# Who the month's summary counts as 未报送: silent at the due time, whether or not a late report came after.
COUNTED_NOT_REPORTED = frozenset({Q.not_reported, Q.reported_late})
