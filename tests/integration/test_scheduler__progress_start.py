"""The scheduler starts the month's progress round itself from ``[progress] start_day`` on: once per office and
month, across reruns, restarts and two schedulers at the same moment (the unique constraint on (office_id,
month) decides) — on a moved clock, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from kernel.actors import SYSTEM
from kernel.clock import FixedClock
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import SECRET
from tests.support.tracking import demo_office, small_measures
from workflow.scheduler import DeadlineScheduler, SchedulerSettings
from workflow.services.progress_schedule import ScheduledStart, start_due_progress
from workflow.tracking.schedule import ProgressSettings

SETTINGS = ProgressSettings(due_day=25, start_day=3)


def beijing(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}:00+08:00").astimezone(UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(beijing("2024-06-01", 9))


def scheduler(engine: Engine, clock: FixedClock, secret: str = SECRET) -> DeadlineScheduler:
    return DeadlineScheduler(uow_factory(engine), clock, SchedulerSettings(), progress=SETTINGS, secret=secret)


def rounds(engine: Engine) -> list[tuple[str, int]]:
    """(month, number of requests) of every progress round."""
    with UnitOfWork(engine) as uow:
        office = uow.directory.first_office()
        return [(r.month, len(uow.tracking.requests(r.id or 0))) for r in uow.tracking.rounds(office.id or 0)]


def started_events(engine: Engine) -> list[dict[str, object]]:
    with UnitOfWork(engine) as uow:
        return [
            {"actor": e.actor, **json.loads(e.payload)} for e in uow.audit.events() if e.action == "progress.started"
        ]


def test_the_month_is_started_once_from_its_start_day_across_reruns_and_restarts(
    engine: Engine, clock: FixedClock
) -> None:
    small_measures(engine, clock)
    clock.set(beijing("2024-10-02", 23, 59))
    scheduler(engine, clock).run_once()
    assert rounds(engine) == [], "not before the start day (Beijing)"

    clock.set(beijing("2024-10-03", 0, 1))
    first = scheduler(engine, clock)
    first.run_once()
    first.run_once()
    scheduler(engine, clock).run_once()  # a restarted process
    assert rounds(engine) == [("2024-10", 3)]
    [event] = started_events(engine)
    assert event["actor"] == SYSTEM.name and event["scheduled"] is True and event["month"] == "2024-10"
    with UnitOfWork(engine) as uow:
        assert len(uow.outbox.of_kind("progress_request")) == 3, "each unit asked once"

    clock.set(beijing("2024-10-20", 9))
    scheduler(engine, clock).run_once()
    clock.set(beijing("2024-11-03", 8))
    scheduler(engine, clock).run_once()
    assert [m for m, _n in rounds(engine)] == ["2024-10", "2024-11"]
    assert len(started_events(engine)) == 2


def test_nothing_is_started_without_open_items_after_the_due_time_or_when_switched_off(
    engine: Engine, clock: FixedClock
) -> None:
    demo_office(engine, clock)
    clock.set(beijing("2024-10-05", 9))
    assert start_due_progress(uow_factory(engine), clock, SETTINGS, SECRET) == [], "an office with nothing to chase"

    office, _items = small_measures(engine, clock)
    clock.set(beijing("2024-10-25", 17))  # the scheduler was down until the due time itself
    assert start_due_progress(uow_factory(engine), clock, SETTINGS, SECRET) == [
        ScheduledStart(office, "2024-10", "due_passed")
    ]
    clock.set(beijing("2024-11-05", 9))
    off = ProgressSettings(due_day=25, start_day=0)
    assert start_due_progress(uow_factory(engine), clock, off, SECRET) == []
    assert scheduler(engine, clock, secret="").start_progress_rounds() == [], "no link key, no links"
    assert rounds(engine) == []
    [started] = scheduler(engine, clock).start_progress_rounds()
    assert started.outcome == "started" and rounds(engine) == [("2024-11", 3)]


def race(engine: Engine, clock: FixedClock, meanwhile: Callable[[], None] | None = None) -> list[list[ScheduledStart]]:
    """Two schedulers' start jobs at the same moment, each on its own connection; what each one did."""
    results: list[list[ScheduledStart]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def attempt() -> None:
        try:
            barrier.wait()
            results.append(start_due_progress(uow_factory(engine), clock, SETTINGS, SECRET))
        except BaseException as exc:  # collected: the test reports it, not the thread
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    if meanwhile is not None:
        meanwhile()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    return results


def test_two_schedulers_at_the_same_moment_start_one_round(engine: Engine, clock: FixedClock) -> None:
    small_measures(engine, clock)
    clock.set(beijing("2024-10-03", 9))
    results = race(engine, clock)
    outcomes = sorted(s.outcome for r in results for s in r)
    assert outcomes.count("started") == 1 and set(outcomes) <= {"started", "exists"}
    assert rounds(engine) == [("2024-10", 3)]
    assert len(started_events(engine)) == 1
    with UnitOfWork(engine) as uow:
        assert len(uow.outbox.of_kind("progress_request")) == 3
        assert uow.audit.verify().ok


# PostgreSQL only: SQLite writers queue at BEGIN IMMEDIATE, so the second never reads before the first commits
# (that order is covered by the tests above on both databases).
@pytest.mark.parametrize("db_kind", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_on_postgresql_the_unique_constraint_decides_when_both_found_no_round(
    engine: Engine, clock: FixedClock, db_kind: str
) -> None:
    """Both schedulers read "no round yet" and both insert; PostgreSQL makes the second wait for the first
    and refuses it, and its whole transaction (requests, audit event, notices) rolls back."""
    small_measures(engine, clock)
    clock.set(beijing("2024-10-03", 9))
    with engine.connect() as blocker:
        blocker.execute(text("LOCK TABLE progress_round IN SHARE MODE"))  # reads pass, inserts wait

        def both_waiting_to_insert() -> None:
            deadline = time.monotonic() + 30
            query = text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO progress_round%'"
            )
            with engine.connect() as probe:
                while probe.execute(query).scalar_one() < 2:
                    assert time.monotonic() < deadline, "both schedulers should be inserting by now"
                    time.sleep(0.05)
                    probe.rollback()
            blocker.rollback()  # release: one insert wins, the other meets the unique constraint

        results = race(engine, clock, both_waiting_to_insert)
    assert sorted(s.outcome for r in results for s in r) == ["exists", "started"]
    assert rounds(engine) == [("2024-10", 3)]
    assert len(started_events(engine)) == 1
    with UnitOfWork(engine) as uow:
        assert len(uow.outbox.of_kind("progress_request")) == 3
        assert uow.audit.verify().ok
