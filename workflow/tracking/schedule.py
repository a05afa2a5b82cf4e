"""When a month's progress is due: ``[progress]`` in config.toml (an office's own rule, not a law's)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from kernel.errors import InvalidInput
from kernel.timefmt import beijing_to_utc

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class ProgressSettings:
    due_day: int = 25  # units report the month's progress by the 25th …
    due_time: time = time(17, 0)  # … at 17:00 Beijing time
    reminder_hours: float = 24.0  # one reminder this long before, to units not yet reported
    start_day: int = 1  # the scheduler starts the month's round from this day on (0: staff start it by hand)

    @classmethod
    def from_mapping(cls, section: dict) -> ProgressSettings:  # type: ignore[type-arg]
        try:
            hour, minute = str(section.get("due_time", "17:00")).split(":")
            day = int(section.get("due_day", 25))
            start = int(section.get("start_day", 1))
            if not 1 <= day <= 28 or not 0 <= start < day:
                raise ValueError
            return cls(day, time(int(hour), int(minute)), float(section.get("reminder_hours", 24)), start)
        except (TypeError, ValueError):
            raise InvalidInput(
                "PROGRESS_CONFIG_INVALID",
                "[progress] 配置无效：due_day 应为 1–28，start_day 应为 0（不自动发起）或早于 due_day 的日子，"
                "due_time 应为 HH:MM。",
            ) from None


def parse_month(text: str) -> tuple[int, int]:
    match = _MONTH.match((text or "").strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise InvalidInput("PROGRESS_MONTH_INVALID", f"月份“{text}”无效，应写作 2023-10。", month=text)
    return int(match[1]), int(match[2])


def month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_label(month: str) -> str:
    year, mon = parse_month(month)
    return f"{year}年{mon}月"


def default_due(month: str, settings: ProgressSettings) -> datetime:
    """The month's due instant (UTC): its ``due_day`` at ``due_time`` Beijing time."""
    year, mon = parse_month(month)
    day = min(settings.due_day, calendar.monthrange(year, mon)[1])
    return beijing_to_utc(date(year, mon, day), settings.due_time)


def read_day(text: str | None) -> date | None:
    """A document's date as staff type it (2024-06-01); None when not given."""
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("DOC_DATE_INVALID", f"日期“{text}”无效，应写作 2024-06-01。", value=text) from None
