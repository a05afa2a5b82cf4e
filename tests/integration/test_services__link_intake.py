"""A link reply is one transaction, and every use of a link still counts: a refused one is rolled back and
counted on its own (issue 13 took the count out of its own transaction). SQLite writers of one process
queue on a lock and hand it over at commit or rollback."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, event, func, select

from kernel.clock import FixedClock
from kernel.errors import Forbidden, InvalidInput, NotFound
from storage.models import RateLimitCounter, Reply
from storage.uow import UnitOfWork
from tests.support.scenario import SECRET, new_round, setup_office
from workflow.comment_input import CommentInput
from workflow.services.link_replies import LinkReply, LinkVisit, submit_link_reply
from workflow.services.links import link_token
from workflow.services.ratelimit import RateRule

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
RULE = RateRule("reply_link", 60, "访问过于频繁。")
PROBES = RateRule("link_probe", 20, "无效回复链接的访问过于频繁。")
COMMENT = [CommentInput(target="序号1", text="建议补充具体措施。", basis="", reason="")]


def _world(engine: Engine) -> tuple[FixedClock, int, str]:
    clock = FixedClock(T0)
    office = setup_office(engine, clock, units=2)
    round_id = new_round(engine, clock, office, T0 + timedelta(days=1), 1)
    with UnitOfWork(engine) as uow:
        recipient = uow.rounds.recipients(round_id)[0][0]
        token = link_token(uow, clock, SECRET, recipient.id or 0)
        uow.commit()
    return clock, round_id, token


def _reply(engine: Engine, clock: FixedClock, token: str, reply: LinkReply) -> None:
    with UnitOfWork(engine) as uow:
        submit_link_reply(uow, clock, LinkVisit(token, "10.0.0.1", RULE, PROBES), reply)


def _counted(engine: Engine, bucket: str) -> int:
    with UnitOfWork(engine) as uow:
        total = uow.session.execute(
            select(func.sum(RateLimitCounter.hits)).where(RateLimitCounter.bucket == bucket)
        ).scalar_one()
    return int(total or 0)


def _replies(engine: Engine) -> int:
    with UnitOfWork(engine) as uow:
        return int(uow.session.execute(select(func.count()).select_from(Reply)).scalar_one())


def test_a_reply_is_stored_with_its_count_in_one_transaction(engine: Engine) -> None:
    clock, _round_id, token = _world(engine)
    begun: list[int] = []
    listener = lambda _conn: begun.append(1)  # noqa: E731
    event.listen(engine, "begin", listener)
    try:
        _reply(engine, clock, token, LinkReply(comments=COMMENT))
    finally:
        event.remove(engine, "begin", listener)
    assert len(begun) == 1, f"a link reply took {len(begun)} transactions"
    assert _counted(engine, "reply_link") == 1 and _replies(engine) == 1


def test_refused_uses_are_counted_and_store_nothing(engine: Engine) -> None:
    clock, _round_id, token = _world(engine)
    with pytest.raises(InvalidInput):  # no comments and not 无修改意见
        _reply(engine, clock, token, LinkReply())
    with pytest.raises(Forbidden):  # a form token that is not this link's
        _reply(engine, clock, token, LinkReply(comments=COMMENT, form_token="forged", form_secret="x"))
    assert _counted(engine, "reply_link") == 2, "every refused use counts against the limit"
    clock.advance(timedelta(days=2))  # a new window: the old counts are purged when it starts
    with pytest.raises(Forbidden):  # after the deadline the link only shows what was sent
        _reply(engine, clock, token, LinkReply(comments=COMMENT))
    assert _counted(engine, "reply_link") == 1, "a use refused after the deadline counts too"
    assert _replies(engine) == 0, "nothing of a refused reply is kept"


def test_an_unknown_token_counts_against_the_client(engine: Engine) -> None:
    clock, _round_id, _token = _world(engine)
    for _ in range(3):
        with pytest.raises(NotFound):
            _reply(engine, clock, "no-such-token", LinkReply(comments=COMMENT))
    assert _counted(engine, "link_probe") == 3 and _counted(engine, "reply_link") == 3


def test_sqlite_writers_of_one_process_wait_their_turn_and_the_lock_is_handed_back(sqlite_engine: Engine) -> None:
    """SQLite only: the process lock is SQLite's (PostgreSQL locks rows)."""
    engine = sqlite_engine
    clock = FixedClock(T0)
    setup_office(engine, clock, units=1)
    held = threading.Event()
    order: list[str] = []

    def first() -> None:
        with UnitOfWork(engine) as uow:
            uow.session.execute(select(1))  # BEGIN IMMEDIATE: this transaction holds the write lock
            held.set()
            time.sleep(0.3)
            order.append("first commits")
            uow.commit()

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(5)
    with UnitOfWork(engine) as uow:
        uow.session.execute(select(1))
        order.append("second begins")
    thread.join()
    assert order == ["first commits", "second begins"]
    with pytest.raises(RuntimeError), UnitOfWork(engine) as uow:  # left by an exception: rolled back
        uow.session.execute(select(1))
        raise RuntimeError("refused")
    done = threading.Event()

    def another() -> None:
        with UnitOfWork(engine) as uow:
            uow.session.execute(select(1))
        done.set()

    threading.Thread(target=another).start()
    assert done.wait(5), "a rolled-back transaction gave the lock back"


def test_revisions_sent_at_once_through_one_link_are_numbered_in_turn(engine: Engine) -> None:
    """A reply locks its recipient together with the link, and reads the last revision only after that
    lock: concurrent revisions get 1, 2, 3 … and only the newest one still counts."""
    clock, _round_id, token = _world(engine)
    rule = RateRule("reply_link", 1000, "访问过于频繁。")
    failures: list[BaseException] = []

    def replier(worker: int) -> None:
        for n in range(6):
            try:
                with UnitOfWork(engine) as uow:
                    comment = CommentInput(target="序号1", text=f"第{worker}组第{n}条意见。", basis="", reason="")
                    visit = LinkVisit(token, f"10.0.0.{worker}", rule, PROBES)
                    submit_link_reply(uow, clock, visit, LinkReply(comments=[comment]))
            except BaseException as exc:  # any failure (a duplicate revision would be an IntegrityError)
                failures.append(exc)

    threads = [threading.Thread(target=replier, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    with UnitOfWork(engine) as uow:
        rows = uow.session.execute(select(Reply.revision, Reply.superseded).order_by(Reply.revision)).all()
        assert uow.audit.verify().ok
    assert [r for r, _ in rows] == list(range(1, 25))
    assert [r for r, superseded in rows if not superseded] == [24]
