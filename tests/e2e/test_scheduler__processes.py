"""Deadline enforcement by real processes on the real clock: on time, after downtime, and exactly
once with several schedulers on one database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from kernel.clock import SystemClock
from storage.audit import verify_chain
from storage.db import create_schema, make_engine
from storage.models import AuditEvent, Recipient, Round
from storage.uow import UnitOfWork
from tests.support.cli import write_config
from tests.support.processes import free_port, running, wait_http, wait_until
from tests.support.scenario import new_round, setup_office

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("realtime")]
CLOCK = SystemClock()


@pytest.fixture
def live(tmp_path: Path, db_url: str) -> tuple[Engine, Path, int]:
    engine = make_engine(db_url)
    create_schema(engine)
    office = setup_office(engine, CLOCK, units=6)
    config = write_config(
        tmp_path / "config.toml", db_url, "\n[scheduler]\nsweep_interval_seconds = 60\nresync_interval_seconds = 0.5\n"
    )
    yield engine, config, office
    engine.dispose()


def _round(engine: Engine, round_id: int) -> Round:
    """A detached copy of the round row (safe to read after the session is gone)."""
    with UnitOfWork(engine) as uow:
        row = uow.rounds.get(round_id)
        assert row is not None
        return Round.model_validate(row.model_dump())


def _events(engine: Engine, action: str) -> list[AuditEvent]:
    with UnitOfWork(engine) as uow:
        rows = uow.session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()  # type: ignore[call-overload]
        return [AuditEvent.model_validate(r.model_dump()) for r in rows]


def test_serve_enforces_a_deadline_within_two_seconds(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine, config, office = live
    port = free_port()
    with running("serve", "--port", str(port), "--config", str(config), log=tmp_path / "serve.log"):
        wait_http(f"http://127.0.0.1:{port}/healthz")
        deadline = datetime.now(UTC) + timedelta(seconds=3)
        rid = new_round(engine, CLOCK, office, deadline, 1)
        assert wait_until(lambda: _round(engine, rid).state == "closed", timeout=12)
    row = _round(engine, rid)
    assert row.enforced_at is not None
    lag = (row.enforced_at - row.deadline).total_seconds()
    assert 0 <= lag <= 2.0, lag
    with UnitOfWork(engine) as uow:
        states = {r.state for r, _ in uow.rounds.recipients(rid)}
    assert states == {"deemed_no_objection"}


def test_catch_up_after_downtime_records_both_times(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine, config, office = live
    deadline = datetime.now(UTC) + timedelta(seconds=1)
    rid = new_round(engine, CLOCK, office, deadline, 2)
    wait_until(lambda: datetime.now(UTC) > deadline + timedelta(seconds=1), timeout=5)
    assert _round(engine, rid).state == "open"  # nothing ran meanwhile
    started = datetime.now(UTC)
    # Catch-up happens at start-up, not at the next sweep (60 s away): the bound is well below the sweep
    # interval but leaves room for a slow process start on a loaded machine.
    with running("scheduler", "--config", str(config), log=tmp_path / "sched.log"):
        assert wait_until(lambda: _round(engine, rid).state == "closed", timeout=20)
    assert (_round(engine, rid).enforced_at - started).total_seconds() <= 20  # type: ignore[operator]
    [event] = [e for e in _events(engine, "round.deadline_enforced") if e.round_id == rid]
    import json

    payload = json.loads(event.payload)
    assert datetime.fromisoformat(payload["deadline"]) == deadline
    assert datetime.fromisoformat(payload["enforced_at"]) > deadline


def test_two_scheduler_processes_enforce_exactly_once(live, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine, config, office = live
    logs = (tmp_path / "a.log", tmp_path / "b.log")
    with (
        running("scheduler", "--config", str(config), log=logs[0]),
        running("scheduler", "--config", str(config), log=logs[1]),
    ):
        # Both must be running before the deadlines come, or one process may simply have won by starting
        # first (on a loaded machine a start can take seconds); the rounds reach them by the resync.
        assert wait_until(lambda: all("scheduler.started" in f.read_text() for f in logs if f.exists()), timeout=30)
        base = datetime.now(UTC) + timedelta(seconds=3)
        rounds = [new_round(engine, CLOCK, office, base + timedelta(milliseconds=150 * i), 10 + i) for i in range(8)]

        def all_closed() -> bool:
            with UnitOfWork(engine) as uow:
                return not uow.rounds.open_rounds()

        assert wait_until(all_closed, timeout=20)
    deemed = _events(engine, "recipient.deemed_no_objection")
    assert len(deemed) == 8 * 6
    assert len({e.entity for e in deemed}) == len(deemed)  # one event per recipient
    assert sorted(e.round_id for e in _events(engine, "round.deadline_enforced")) == sorted(rounds)
    with UnitOfWork(engine) as uow:
        pending = uow.session.exec(
            select(func.count()).select_from(Recipient).where(Recipient.state == "pending")
        ).one()
        assert pending == 0
        verdict = verify_chain(uow.session)
    assert verdict.ok, verdict
    assert "".join(f.read_text() for f in logs).count("scheduler.started") == 2
