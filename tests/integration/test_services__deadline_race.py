"""Replies racing the deadline sweep from several threads: one final state per recipient, and
every acknowledged reply stored — on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from kernel.clock import SystemClock
from kernel.errors import DomainError
from storage.audit import verify_chain
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import STAFF, new_round, setup_office
from workflow.services.deadlines import sweep
from workflow.services.replies import CommentInput, SubmitReply, submit_reply

pytestmark = pytest.mark.xdist_group("realtime")
CLOCK = SystemClock()
UNITS = 24


def test_replies_racing_the_sweep(engine: Engine) -> None:
    office = setup_office(engine, CLOCK, units=UNITS)
    deadline = datetime.now(UTC) + timedelta(seconds=1.5)
    rid = new_round(engine, CLOCK, office, deadline, 1)
    acknowledged: list[tuple[str, int, bool]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    stop = threading.Event()

    def replier(worker: int) -> None:
        rng = random.Random(worker)
        while not stop.is_set():
            unit = f"测试单位{rng.randint(1, UNITS):03d}"
            with_comments = rng.random() < 0.5
            cmd = SubmitReply(
                round_id=rid,
                unit_name=unit,
                no_comments=not with_comments,
                comments=[CommentInput("序号3", f"线程{worker}的意见")] if with_comments else [],
            )
            try:
                with UnitOfWork(engine) as uow:
                    result = submit_reply(uow, CLOCK, STAFF, cmd)
                with lock:
                    acknowledged.append((unit, result.reply_id, result.late))
            except DomainError as exc:
                errors.append(exc)
            time.sleep(rng.random() * 0.05)

    def sweeper() -> None:
        while not stop.is_set():
            sweep(uow_factory(engine), CLOCK, notify=True)
            time.sleep(0.01)

    threads = [threading.Thread(target=replier, args=(i,)) for i in range(6)] + [threading.Thread(target=sweeper)]
    for t in threads:
        t.start()
    time.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 1.0)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    sweep(uow_factory(engine), CLOCK)

    assert errors == []
    assert any(late for *_x, late in acknowledged) and any(not late for *_x, late in acknowledged)
    with UnitOfWork(engine) as uow:
        recipients = {u.name: r for r, u in uow.rounds.recipients(rid)}
        replies = {r.id: r for r, _ in uow.replies.for_round(rid)}
        assert all(r.state in ("with_comments", "no_comments", "deemed_no_objection") for r in recipients.values())
        for unit, reply_id, late in acknowledged:
            stored = replies[reply_id]  # every acknowledged reply is stored
            assert stored.late == late
            assert (stored.received_at < deadline) == (not late)
            if recipients[unit].state == "deemed_no_objection":
                assert late, f"{unit} was deemed but has an on-time reply"
        for rec in recipients.values():
            on_time = [r for r in replies.values() if r.recipient_id == rec.id and not r.late]
            if rec.state != "deemed_no_objection":
                assert on_time and on_time[-1].kind == rec.state  # the last on-time revision counts
                assert [r.superseded for r in on_time] == [True] * (len(on_time) - 1) + [False]
        assert verify_chain(uow.session).ok
