"""Chinese working days for deadlines ("N个工作日内"), with official holidays and 调休.

The ``chinesecalendar`` package knows the years the State Council has published. For a later
year the office types the notice into ``config.toml``; or it opts into counting Monday–Friday
only, which is then shown as a warning wherever the date appears::

    [calendar]
    deadline_time = "17:00"      # the hour a day-count deadline falls on, Beijing time
    max_workdays = 60            # larger counts are refused as mistakes
    weekend_fallback = false     # true: unknown years count Monday–Friday (with a warning)
    [calendar.years.2027]
    holidays = ["2027-01-01"]    # days off, including weekdays made holidays
    workdays = ["2027-02-20"]    # swapped working days (调休上班), usually weekends
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import chinese_calendar

from kernel.errors import InvalidInput
from kernel.timefmt import beijing_to_utc, cn_date, read_instant

WEEKDAYS = "一二三四五六日"
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class YearOverride:
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()


@dataclass(frozen=True)
class CalendarConfig:
    deadline_time: time = time(17, 0)
    max_workdays: int = 60
    weekend_fallback: bool = False
    overrides: dict[int, YearOverride] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> CalendarConfig:
        def bad(message: str) -> InvalidInput:
            return InvalidInput("CALENDAR_CONFIG_INVALID", f"config.toml [calendar] 配置错误：{message}")

        try:
            hour, minute = str(section.get("deadline_time", "17:00")).split(":")
            deadline_time = time(int(hour), int(minute))
        except ValueError:
            raise bad(f"deadline_time“{section.get('deadline_time')}”应为 HH:MM。") from None
        max_workdays = section.get("max_workdays", 60)
        if not isinstance(max_workdays, int) or max_workdays <= 0:
            raise bad(f"max_workdays“{max_workdays}”应为正整数。")
        overrides: dict[int, YearOverride] = {}
        for year_text, spec in dict(section.get("years", {})).items():
            try:
                year = int(year_text)
            except ValueError:
                raise bad(f"年份“{year_text}”无效。") from None
            days: dict[str, frozenset[date]] = {}
            for key in ("holidays", "workdays"):
                parsed = set()
                for text in spec.get(key, []):
                    try:
                        day = date.fromisoformat(str(text))
                    except ValueError:
                        raise bad(f"[calendar.years.{year}] {key} 中的日期“{text}”无效，应为 YYYY-MM-DD。") from None
                    if day.year != year:
                        raise bad(f"日期 {text} 不属于 {year} 年。")
                    parsed.add(day)
                days[key] = frozenset(parsed)
            both = days["holidays"] & days["workdays"]
            if both:
                raise bad(f"{sorted(both)[0]} 同时列为放假日和调休上班日。")
            overrides[year] = YearOverride(days["holidays"], days["workdays"])
        return cls(deadline_time, max_workdays, bool(section.get("weekend_fallback", False)), overrides)


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reason_zh: str


@dataclass(frozen=True)
class WorkdayResult:
    start: date
    n: int
    end: date
    skipped: tuple[SkippedDay, ...]
    swapped_workdays: tuple[date, ...]
    warnings: tuple[str, ...]

    def reasoning_zh(self) -> list[str]:
        lines = [f"{_day(s.day)}{s.reason_zh}，不计入" for s in self.skipped if s.reason_zh != "周末"]
        weekends = [s for s in self.skipped if s.reason_zh == "周末"]
        if weekends:
            lines.append(f"其间周末 {len(weekends)} 天不计入")
        lines += [f"{_day(d)}调休上班，计入" for d in self.swapped_workdays]
        lines.append(f"自{cn_date(self.start)}起第{self.n}个工作日为{_day(self.end)}")
        return lines + list(self.warnings)


def _day(day: date) -> str:
    return f"{cn_date(day)}（星期{WEEKDAYS[day.weekday()]}）"


class WorkCalendar:
    def __init__(self, config: CalendarConfig | None = None) -> None:
        self.config = config or CalendarConfig()

    def _known_by_package(self, day: date) -> bool:
        try:
            chinese_calendar.is_workday(day)
            return True
        except NotImplementedError:
            return False

    def describe(self, day: date) -> tuple[bool, str, bool]:
        """(is a working day, reason in Chinese for a day off or a swapped workday, by fallback)."""
        override = self.config.overrides.get(day.year)
        if override is not None:
            if day in override.holidays:
                return False, "放假", False
            if day in override.workdays:
                return True, "调休上班", False
            return day.weekday() < 5, "" if day.weekday() < 5 else "周末", False
        if self._known_by_package(day):
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            if on_holiday:
                label = HOLIDAY_NAMES.get(str(name), "") if name else ""
                return False, (f"{label}放假" if label else "周末"), False
            return True, "调休上班" if day.weekday() >= 5 else "", False
        if self.config.weekend_fallback:
            return day.weekday() < 5, "" if day.weekday() < 5 else "周末", True
        raise InvalidInput(
            "CALENDAR_YEAR_UNKNOWN",
            f"尚无{day.year}年的节假日安排数据，无法按工作日计算。请在 config.toml 的 [calendar.years.{day.year}] "
            "中录入国务院办公厅通知的放假和调休日期，或显式启用 weekend_fallback。",
            year=day.year,
        )

    def is_workday(self, day: date) -> bool:
        return self.describe(day)[0]

    def add_workdays(self, start: date, n: int) -> WorkdayResult:
        """The n-th working day after ``start`` (the start day itself is not counted)."""
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= self.config.max_workdays:
            raise InvalidInput(
                "WORKDAYS_INVALID", f"工作日数须为1至{self.config.max_workdays}之间的整数，收到“{n}”。", n=n
            )
        day, counted = start, 0
        skipped: list[SkippedDay] = []
        swapped: list[date] = []
        fallback_years: set[int] = set()
        while counted < n:
            day += timedelta(days=1)
            working, reason, fallback = self.describe(day)
            if fallback:
                fallback_years.add(day.year)
            if working:
                counted += 1
                if reason == "调休上班":
                    swapped.append(day)
            else:
                skipped.append(SkippedDay(day, reason or "周末"))
        warnings = tuple(f"{y}年节假日数据未录入，按周一至周五计算（仅供参考）" for y in sorted(fallback_years))
        return WorkdayResult(start, n, day, tuple(skipped), tuple(swapped), warnings)


def deadline_after_workdays(start: date, n: int, calendar: WorkCalendar) -> tuple[datetime, WorkdayResult]:
    """The UTC instant of the n-th working day at the configured hour, Beijing time."""
    result = calendar.add_workdays(start, n)
    return beijing_to_utc(result.end, calendar.config.deadline_time), result


def read_deadline(text: str, section: Mapping[str, Any]) -> datetime:
    """A deadline as staff type it; a date alone falls at ``[calendar] deadline_time`` (17:00)."""
    return read_instant(text, "截止时间", date_only_at=CalendarConfig.from_mapping(section).deadline_time)
