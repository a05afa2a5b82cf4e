"""What is due for a round and when: one pure function shared by the scheduler and `status`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class PlannedAction:
    kind: str  # "reminder" | "deadline"
    at: datetime
    label: str  # Chinese, for people
    offset: str = ""  # reminder key part, e.g. "24h"


def offset_label(hours: float) -> str:
    return f"{hours:g}h"


# A reminder is only worth sending some time after the invitation: a round started 90 minutes before
# its deadline gets no "截止前2小时" reminder right after the notice itself.
MIN_AFTER_START = timedelta(hours=1)


def plan_round(
    deadline: datetime, now: datetime, reminder_hours: Sequence[float], started: datetime | None = None
) -> list[PlannedAction]:
    """Future actions of an open round, soonest first.

    A reminder whose time passed while nothing ran is still due now if the deadline is ahead,
    but only the latest such one: a unit is not sent a stale 24-hour reminder 1 hour before.
    A reminder whose moment falls before the round started (or less than ``MIN_AFTER_START`` after)
    is not planned at all.
    """
    actions: list[PlannedAction] = []
    passed: list[PlannedAction] = []
    for hours in sorted(set(reminder_hours), reverse=True):
        at = deadline - timedelta(hours=hours)
        if started is not None and at < _aware(started) + MIN_AFTER_START:
            continue
        action = PlannedAction("reminder", at, f"截止前{hours:g}小时提醒未回复单位", offset_label(hours))
        (passed if at <= now else actions).append(action)
    if passed and now < deadline:
        latest = passed[-1]
        actions.insert(0, PlannedAction("reminder", now, latest.label, latest.offset))
    actions.append(PlannedAction("deadline", deadline, "截止：逾期未回复单位视为无意见"))
    return sorted(actions, key=lambda a: a.at)


def _aware(at: datetime) -> datetime:
    """SQLite gives naive UTC datetimes back; compare them as UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)
