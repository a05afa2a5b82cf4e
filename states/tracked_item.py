"""A tracked item (a task of an issued notice, or a measure of a rectification table): open until a
responsible unit reports it done, closed (销号) only when staff sign it off with evidence.

Overdue is not a state: an item is overdue while it is open and its due date has passed
(``is_overdue``), so it needs no sweep and cannot go stale. Supervision (挂牌督办) is a flag with a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from states.machine import StateMachine, Transition, guard


class TrackedItemState(StrEnum):
    open = "open"
    reported_done = "reported_done"
    closed = "closed"


class ProgressStatus(StrEnum):
    """What a unit reports per item each month."""

    not_started = "not_started"
    in_progress = "in_progress"
    done = "done"
    blocked = "blocked"


PROGRESS_STATUS_LABELS = {
    ProgressStatus.not_started: "未开始",
    ProgressStatus.in_progress: "推进中",
    ProgressStatus.done: "已完成",
    ProgressStatus.blocked: "受阻",
}


@dataclass(frozen=True)
class ItemContext:
    has_evidence: bool = False


@guard("SIGNOFF_EVIDENCE_REQUIRED", "销号须附完成佐证材料。")
def has_evidence(ctx: ItemContext) -> bool:
    return ctx.has_evidence


S = TrackedItemState

TRACKED_ITEM_MACHINE = StateMachine(
    name="tracked_item",
    states=TrackedItemState,
    initial=S.open,
    table=[
        Transition("report_done", (S.open, S.reported_done), S.reported_done),
        Transition("reopen", (S.reported_done,), S.open),
        Transition("close", (S.reported_done,), S.closed, (has_evidence,)),
    ],
    state_labels={"open": "推进中", "reported_done": "已报完成，待销号", "closed": "已销号"},
    trigger_labels={"report_done": "报告完成", "reopen": "重新推进", "close": "销号"},
)


def is_overdue(state: str, due: date | None, today: date) -> bool:
    """Past due and not done: still open after its due date (a day-dated item only)."""
    return due is not None and state == TrackedItemState.open and today > due
