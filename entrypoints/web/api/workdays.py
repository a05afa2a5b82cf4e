"""The working-day calculator: the N-th working day, with the holidays skipped and why."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from entrypoints.web.api.schemas import Workdays
from entrypoints.web.deps import ClockDep, SettingsDep, Staff
from kernel.timefmt import cn_datetime, iso_beijing
from workflow.services.deadline_spec import workdays_deadline

router = APIRouter(tags=["工作日"])


@router.get("/workdays")
def api_workdays(user: Staff, clock: ClockDep, settings: SettingsDep, add: int, start: date | None = None) -> Workdays:
    resolved = workdays_deadline(add, clock, settings.section("calendar"), start=start)
    return Workdays(
        from_=(resolved.start or start or date.min).isoformat(),
        add=add,
        date=(resolved.end or date.min).isoformat(),
        deadline=iso_beijing(resolved.at),
        deadline_text=cn_datetime(resolved.at),
        reasoning=resolved.reasoning,
        warnings=resolved.warnings,
    )
