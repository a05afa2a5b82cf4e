"""The scheduler says in its logs what it will do for each open round and when, and what it did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from structlog.testing import capture_logs

from kernel.clock import FixedClock
from storage.uow import uow_factory
from tests.support.scenario import new_round, setup_office
from workflow.scheduler import DeadlineScheduler, SchedulerSettings

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_plan_and_enforcement_are_logged(sqlite_engine: Engine) -> None:
    clock = FixedClock(T0)
    office = setup_office(sqlite_engine, clock, units=3)
    deadline = T0 + timedelta(days=2)
    rid = new_round(sqlite_engine, clock, office, deadline, 1)
    scheduler = DeadlineScheduler(uow_factory(sqlite_engine), clock, SchedulerSettings(reminder_hours=[24, 2]))
    with capture_logs() as logs:
        scheduler.resync()
        scheduler.resync()  # nothing changed: nothing re-planned
    planned = [e for e in logs if e["event"] == "round.scheduled"]
    assert planned == [
        {
            "event": "round.scheduled",
            "log_level": "info",
            "round_id": rid,
            "deadline": deadline.isoformat(),
            "actions": [
                ("reminder", (deadline - timedelta(hours=24)).isoformat()),
                ("reminder", (deadline - timedelta(hours=2)).isoformat()),
                ("deadline", deadline.isoformat()),
            ],
        }
    ]
    clock.set(deadline)
    with capture_logs() as logs:
        scheduler._enforce(rid)
        scheduler._enforce(rid)  # a second run of the job finds nothing to do and says nothing
    assert [(e["event"], e["round_id"], e["deemed"]) for e in logs] == [("deadline.enforced", rid, 3)]
