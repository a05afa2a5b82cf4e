"""A round that starts close to its deadline is not sent a reminder right after its invitation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workflow.schedule_plan import plan_round

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _reminders(deadline: datetime, now: datetime) -> list[str]:
    return [a.offset for a in plan_round(deadline, now, [24, 2], START) if a.kind == "reminder"]


def test_a_round_due_in_ninety_minutes_gets_no_two_hour_reminder() -> None:
    deadline = START + timedelta(minutes=90)
    assert _reminders(deadline, START) == []
    assert _reminders(deadline, START + timedelta(minutes=5)) == [], "not on the next scheduler pass either"


def test_a_round_of_five_hours_gets_only_the_two_hour_reminder() -> None:
    deadline = START + timedelta(hours=5)
    planned = [a for a in plan_round(deadline, START, [24, 2], START) if a.kind == "reminder"]
    assert [(a.offset, a.at) for a in planned] == [("2h", deadline - timedelta(hours=2))]


def test_a_long_round_keeps_both_reminders_and_a_late_start_catches_up_once() -> None:
    deadline = START + timedelta(days=3)
    assert _reminders(deadline, START) == ["24h", "2h"]
    late = deadline - timedelta(hours=1)  # nothing ran for a while: the latest passed reminder now, once
    assert _reminders(deadline, late) == ["2h"]


def test_naive_start_times_from_sqlite_count_as_utc() -> None:
    deadline = START + timedelta(minutes=90)
    naive = START.replace(tzinfo=None)
    assert [a for a in plan_round(deadline, START, [2], naive) if a.kind == "reminder"] == []
