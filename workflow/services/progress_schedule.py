"""The scheduler starts each month's progress round itself, from ``[progress] start_day`` on.

For every office with items not yet signed off and no round for the current month (Beijing), the round is
started as staff would start it (``start_progress``, actor 系统). Exactly once, with several schedulers
and restarts: the read below is only a shortcut; the unique constraint on (office_id, month) decides, and
the process that loses the race rolls its whole transaction back (no requests, no audit event, no notices).
A round whose due time has already passed (the scheduler was down until after the 25th) is not started:
staff start it with their own due time.
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.actors import SYSTEM
from kernel.clock import Clock
from kernel.errors import DomainError
from kernel.timefmt import to_beijing
from storage.uow import UowFactory
from workflow.services.progress import StartProgress, start_progress
from workflow.tracking.schedule import ProgressSettings, default_due, month_text

# Refusals that mean "nothing to do this month", not a fault: another process was first, or nobody to ask.
NOTHING_TO_START = frozenset({"PROGRESS_ROUND_EXISTS", "PROGRESS_NOTHING_OPEN"})


@dataclass(frozen=True)
class ScheduledStart:
    office_id: int
    month: str
    outcome: str  # started | exists | nothing_open | due_passed
    round_id: int | None = None


def due_month(clock: Clock, settings: ProgressSettings) -> str | None:
    """The month whose round should exist by now ("2024-10"), or None before ``start_day`` (or when off)."""
    today = to_beijing(clock.now()).date()
    if not settings.start_day or today.day < settings.start_day:
        return None
    return month_text(today.year, today.month)


def start_due_progress(uows: UowFactory, clock: Clock, settings: ProgressSettings, secret: str) -> list[ScheduledStart]:
    """Start the current month's round for every office that should have one and has none."""
    month = due_month(clock, settings)
    if month is None:
        return []
    with uows() as uow:
        waiting = [
            o.id or 0
            for o in uow.directory.offices()
            if uow.tracking.round_by_month(o.id or 0, month) is None and uow.tracking.has_open_items(o.id or 0)
        ]
    out: list[ScheduledStart] = []
    for office_id in waiting:
        if default_due(month, settings) <= clock.now():
            out.append(ScheduledStart(office_id, month, "due_passed"))
            continue
        try:
            with uows() as uow:
                cmd = StartProgress(office_id, month, scheduled=True)
                started = start_progress(uow, clock, SYSTEM, cmd, settings, secret)
        except DomainError as exc:
            if exc.code not in NOTHING_TO_START:
                raise
            outcome = "exists" if exc.code == "PROGRESS_ROUND_EXISTS" else "nothing_open"
            out.append(ScheduledStart(office_id, month, outcome))
            continue
        out.append(ScheduledStart(office_id, month, "started", started.round_id))
    return out
