"""Which deadline a request means: an explicit date and time, or N working days from today.

The one place that decides it, for the CLI, the pages and the API alike: exactly one of the two
must be given, a day count must be a whole number, and a day count carries the calendar's
reasoning (holidays skipped, swapped working days) and its warnings (years counted Monday–Friday).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kernel.clock import Clock
from kernel.errors import InvalidInput
from kernel.timefmt import to_beijing
from workflow.calendar import CalendarConfig, WorkCalendar, deadline_after_workdays, read_deadline


@dataclass(frozen=True)
class DeadlineSpec:
    """A deadline as someone asked for it. Blank text counts as not given (an empty form field)."""

    deadline_text: str | None = None
    workdays: int | str | None = None  # a form sends text; it must read as a whole number
    start: date | None = None  # count working days after this day; default: today, Beijing time


@dataclass(frozen=True)
class ResolvedDeadline:
    at: datetime  # UTC
    warnings: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)  # the calendar's explanation, one line each
    start: date | None = None  # for a day count: the day counted from
    end: date | None = None  # for a day count: the last working day

    @property
    def warning(self) -> str:
        """The warnings as one line, as a round stores them."""
        return "；".join(self.warnings)


def _given(value: int | str | None) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _whole_number(value: int | str) -> int:
    if isinstance(value, bool):
        raise InvalidInput("WORKDAYS_INVALID", "工作日数须为整数。", field="workdays")
    if isinstance(value, int):
        return value
    try:
        return int(value.strip())
    except ValueError:
        raise InvalidInput("WORKDAYS_INVALID", "工作日数须为整数。", workdays=value, field="workdays") from None


def resolve_deadline(spec: DeadlineSpec, clock: Clock, calendar_section: Mapping[str, Any]) -> ResolvedDeadline:
    """The UTC instant ``spec`` names.

    ``DEADLINE_REQUIRED`` when neither is given, ``DEADLINE_AMBIGUOUS`` when both are (never a silent pick).
    """
    has_text, has_days = _given(spec.deadline_text), _given(spec.workdays)
    if has_text and has_days:
        raise InvalidInput(
            "DEADLINE_AMBIGUOUS",
            f"截止时间（{str(spec.deadline_text).strip()}）和工作日数（{spec.workdays}）只能填写一项，请删去其中一项。",
            fields={"deadline": "截止时间和工作日数只能填写一项。", "workdays": "请删去其中一项。"},
        )
    if not (has_text or has_days):
        raise InvalidInput("DEADLINE_REQUIRED", "请指定截止时间或工作日数（二者选一）。")
    if has_text:
        return ResolvedDeadline(read_deadline(str(spec.deadline_text).strip(), calendar_section))
    n = _whole_number(spec.workdays)  # type: ignore[arg-type]  # has_days: not None
    return workdays_deadline(n, clock, calendar_section, start=spec.start)


def workdays_deadline(
    n: int, clock: Clock, calendar_section: Mapping[str, Any], *, start: date | None = None
) -> ResolvedDeadline:
    """The n-th working day after ``start`` (default today in Beijing) at the configured hour."""
    calendar = WorkCalendar(CalendarConfig.from_mapping(calendar_section))
    begin = start or to_beijing(clock.now()).date()
    at, result = deadline_after_workdays(begin, n, calendar)
    return ResolvedDeadline(at, list(result.warnings), result.reasoning_zh(), begin, result.end)
