"""Next scheduled actions of a round, for `consultflow status` and the round page."""

from __future__ import annotations

from typing import Any

from kernel.clock import Clock
from kernel.timefmt import iso_beijing
from states.round import RoundState
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.schedule_plan import plan_round
from workflow.services._common import load_round


def reminder_hours(settings: Settings) -> list[float]:
    return [float(h) for h in settings.section("scheduler").get("reminder_offsets_hours", [24, 2])]


def next_actions(uow: UnitOfWork, clock: Clock, settings: Settings, round_id: int) -> list[dict[str, Any]]:
    rnd = load_round(uow, round_id)
    if rnd.state != RoundState.open:
        return []
    return [
        {"kind": a.kind, "label": a.label, "at": iso_beijing(a.at), "offset": a.offset}
        for a in plan_round(rnd.deadline, clock.now(), reminder_hours(settings), rnd.created_at)
    ]
