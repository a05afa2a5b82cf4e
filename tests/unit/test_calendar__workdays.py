"""Working-day arithmetic against the State Council's 2026 notices, and the unknown-year rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kernel.errors import InvalidInput
from workflow.calendar import CalendarConfig, WorkCalendar, deadline_after_workdays

CAL = WorkCalendar()


@pytest.mark.parametrize(
    ("start", "n", "end"),
    [
        (date(2026, 9, 30), 3, date(2026, 10, 10)),  # National Day: 10-01..07 off, 10-10 (Sat) worked
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Spring Festival: Saturday 2-14 is a working day
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # 2-15..2-23 off
        (date(2026, 2, 27), 1, date(2026, 2, 28)),  # Saturday 2-28 is a working day
        (date(2026, 3, 2), 5, date(2026, 3, 9)),  # a plain week with a weekend inside
        (date(2023, 2, 17), 1, date(2023, 2, 20)),  # the seed's letter date: Friday → Monday
    ],
)
def test_add_workdays_follows_the_notices(start: date, n: int, end: date) -> None:
    assert CAL.add_workdays(start, n).end == end


def test_national_day_reasoning_names_holidays_and_swapped_day() -> None:
    lines = CAL.add_workdays(date(2026, 9, 30), 3).reasoning_zh()
    assert "2026年10月1日（星期四）国庆节放假，不计入" in lines
    assert "2026年10月7日（星期三）国庆节放假，不计入" in lines
    assert "2026年10月10日（星期六）调休上班，计入" in lines
    assert lines[-1] == "自2026年9月30日起第3个工作日为2026年10月10日（星期六）"


def test_spring_festival_2026_facts() -> None:
    assert CAL.is_workday(date(2026, 2, 14)) and CAL.is_workday(date(2026, 2, 28))
    assert not any(CAL.is_workday(date(2026, 2, d)) for d in range(15, 24))


def test_unknown_year_fails_clearly_without_overrides() -> None:
    with pytest.raises(InvalidInput) as err:
        CAL.add_workdays(date(2026, 12, 30), 5)
    assert err.value.code == "CALENDAR_YEAR_UNKNOWN"
    assert "2027" in err.value.message and "config.toml" in err.value.message


def test_unknown_year_works_with_the_office_override() -> None:
    config = CalendarConfig.from_mapping({"years": {"2027": {"holidays": ["2027-01-01"], "workdays": []}}})
    result = WorkCalendar(config).add_workdays(date(2026, 12, 31), 1)
    assert result.end == date(2027, 1, 4)  # 1-1 off, 1-2/1-3 weekend
    assert result.warnings == ()
    assert "2027年1月1日（星期五）放假，不计入" in result.reasoning_zh()


def test_weekend_fallback_is_explicit_and_warned() -> None:
    result = WorkCalendar(CalendarConfig.from_mapping({"weekend_fallback": True})).add_workdays(date(2027, 5, 3), 2)
    assert result.end == date(2027, 5, 5)
    assert result.warnings == ("2027年节假日数据未录入，按周一至周五计算（仅供参考）",)


@pytest.mark.parametrize("n", [0, -1, 61, 10**9])
def test_absurd_counts_are_refused(n: int) -> None:
    with pytest.raises(InvalidInput) as err:
        CAL.add_workdays(date(2026, 3, 2), n)
    assert err.value.code == "WORKDAYS_INVALID"


@pytest.mark.parametrize(
    "section",
    [
        {"deadline_time": "5pm"},
        {"max_workdays": 0},
        {"years": {"2027": {"holidays": ["2027-02-30"]}}},
        {"years": {"2027": {"holidays": ["2028-01-01"]}}},
        {"years": {"2027": {"holidays": ["2027-02-06"], "workdays": ["2027-02-06"]}}},
        {"years": {"twenty": {}}},
    ],
)
def test_invalid_calendar_config_is_refused(section: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidInput) as err:
        CalendarConfig.from_mapping(section)
    assert err.value.code == "CALENDAR_CONFIG_INVALID"


def test_deadline_falls_at_the_configured_beijing_hour() -> None:
    at, result = deadline_after_workdays(date(2026, 9, 30), 3, WorkCalendar())
    assert result.end == date(2026, 10, 10)
    assert at == datetime(2026, 10, 10, 9, 0, tzinfo=UTC)  # 17:00 Beijing
