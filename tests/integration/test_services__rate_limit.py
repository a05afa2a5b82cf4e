"""Rate limits are counted in the database: shared by every process, sliding, and forgiving after a pause."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from kernel.clock import FixedClock
from storage.models import RateLimitCounter
from storage.uow import UnitOfWork
from workflow.services.ratelimit import RateRule, count_hit

RULE = RateRule("login", 5, "登录尝试过于频繁，请稍后再试。")


def _hit(engine: Engine, clock: FixedClock, key: str, rule: RateRule = RULE) -> bool:
    with UnitOfWork(engine) as uow:
        allowed = count_hit(uow, clock, rule, key)
        uow.commit()
    return allowed


def test_limit_per_key_and_recovery_after_the_window(engine: Engine) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, 10, tzinfo=UTC))
    assert [_hit(engine, clock, "10.0.0.1:zhaojian") for _ in range(7)] == [True] * 5 + [False] * 2
    assert _hit(engine, clock, "10.0.0.1:sifaju"), "another key has its own budget"
    assert _hit(engine, clock, "10.0.0.1:zhaojian", RateRule("reply_link", 5, "")), "and so has another bucket"
    clock.advance(timedelta(seconds=30))
    assert not _hit(engine, clock, "10.0.0.1:zhaojian"), "the previous window still weighs in"
    clock.advance(timedelta(minutes=2))
    assert _hit(engine, clock, "10.0.0.1:zhaojian")


def test_no_double_burst_at_a_window_edge(engine: Engine) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, 59, tzinfo=UTC))
    assert all(_hit(engine, clock, "k") for _ in range(5))
    clock.advance(timedelta(seconds=2))  # a new fixed window has begun
    assert not _hit(engine, clock, "k"), "a fixed window would allow five more here"


def test_keys_are_stored_hashed_and_old_windows_purged(engine: Engine) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    _hit(engine, clock, "10.0.0.1:secret-link-token")
    clock.advance(timedelta(minutes=5))
    _hit(engine, clock, "10.0.0.2:other")
    with UnitOfWork(engine) as uow:
        rows = uow.session.execute(select(RateLimitCounter.key_hash, RateLimitCounter.window_start)).all()
    assert len(rows) == 1 and "secret" not in rows[0][0] and len(rows[0][0]) == 64


def test_concurrent_hits_are_all_counted(engine: Engine) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    rule = RateRule("reply_link", 1000, "")
    threads = [threading.Thread(target=lambda: [_hit(engine, clock, "k", rule) for _ in range(10)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with UnitOfWork(engine) as uow:
        total = uow.session.execute(select(func.sum(RateLimitCounter.hits))).scalar_one()
    assert total == 40
