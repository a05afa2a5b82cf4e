"""A read-only unit of work refuses every write at once with ``ReadOnlyViolation``, whichever way the write is
made; the database refuses what would slip past (PostgreSQL: a ``READ ONLY`` transaction, SQLite:
``query_only``), also at once while another connection holds SQLite's write lock, where a write upgrading a
read lock would wait out the busy timeout. A writing unit of work after a read-only one on the same pooled
connection writes as before, and ``allow_writes`` turns a read-only unit of work into a writing one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, insert, select, text

from storage.audit import PendingEvent
from storage.bulk import execute_many, placeholder
from storage.db import create_schema, is_sqlite, make_engine
from storage.models import AuditEvent, RateLimitCounter
from storage.readonly import ReadOnlyViolation, refused_as_read_only
from storage.uow import UnitOfWork
from tests.support.databases import pg_schema_url, require_pg

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
TABLE = RateLimitCounter.__table__  # type: ignore[attr-defined]


def _counters(engine: Engine) -> int:
    with UnitOfWork(engine, read_only=True) as uow:
        return int(uow.session.execute(select(func.count()).select_from(RateLimitCounter)).scalar_one())


def _events(engine: Engine) -> int:
    with UnitOfWork(engine, read_only=True) as uow:
        return int(uow.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def _change_a_stored_row(uow: UnitOfWork) -> None:
    row = uow.session.get(RateLimitCounter, ("stored", "k", T))
    assert row is not None
    row.hits += 1
    uow.commit()


def _plain_statement(uow: UnitOfWork) -> None:
    mark = placeholder(uow.session)
    sql = f"INSERT INTO rate_limit_counter (bucket, key_hash, window_start, hits) VALUES ({mark}, {mark}, {mark}, 1)"
    execute_many(uow.session, sql, [("t", "plain", T.replace(tzinfo=None))])


WRITES: dict[str, Callable[[UnitOfWork], object]] = {
    "a new row flushed": lambda uow: uow.save(RateLimitCounter(bucket="t", key_hash="new", window_start=T, hits=1)),
    "an ORM insert (a rate-limit hit)": lambda uow: uow.rate_limits.hit("t", "hit", T),
    "an ORM bulk insert (a list of rows)": lambda uow: uow.session.execute(
        insert(RateLimitCounter), [{"bucket": "t", "key_hash": "bulk", "window_start": T, "hits": 1}]
    ),
    "a statement on the session's connection": lambda uow: uow.session.connection().execute(
        insert(TABLE).values(bucket="t", key_hash="conn", window_start=T, hits=1)
    ),
    "a plain DB-API statement (storage.bulk)": _plain_statement,
    "an audit event": lambda uow: uow.audit.record(PendingEvent(T, "赵健", "staff", "test.recorded", "test:1")),
    "a stored row changed, then committed": _change_a_stored_row,
}


def test_a_read_only_unit_of_work_refuses_every_kind_of_write(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.save(RateLimitCounter(bucket="stored", key_hash="k", window_start=T, hits=1))
        uow.commit()
    events = _events(engine)
    accepted = []
    for what, write in WRITES.items():
        with UnitOfWork(engine, read_only=True) as uow:
            try:
                write(uow)
            except ReadOnlyViolation:
                continue
            accepted.append(what)
    assert accepted == []
    assert _counters(engine) == 1 and _events(engine) == events, "nothing was written"
    with UnitOfWork(engine, read_only=True) as uow:
        assert uow.session.get(RateLimitCounter, ("stored", "k", T)).hits == 1  # type: ignore[union-attr]


def test_a_read_only_unit_of_work_may_end_its_transaction_with_commit(engine: Engine) -> None:
    """Services end their reads with ``commit()`` too: with nothing to write that only ends the transaction."""
    with UnitOfWork(engine, read_only=True) as uow:
        assert uow.rate_limits.hits("t", "k", T) == 0
        uow.commit()
        assert uow.rate_limits.hits("t", "k", T) == 0


def test_the_database_itself_refuses_a_write_in_a_read_only_transaction(engine: Engine) -> None:
    """Past every check of this code base (a DB-API cursor of its own): PostgreSQL's READ ONLY transaction
    and SQLite's query_only refuse the write."""
    with UnitOfWork(engine, read_only=True) as uow:
        if not is_sqlite(engine):
            assert uow.session.execute(text("SHOW transaction_read_only")).scalar_one() == "on"
        uow.session.execute(select(1))
        cursor = uow.session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with pytest.raises(Exception) as refused:
            cursor.execute("INSERT INTO rate_limit_counter (bucket, key_hash, window_start, hits) VALUES ('t', 'x', '2026-03-02 01:00:00', 1)")  # noqa: E501
        assert refused_as_read_only(refused.value), refused.value
    assert _counters(engine) == 0


def test_a_write_only_postgresql_sees_is_reported_as_a_read_only_violation() -> None:
    """``nextval`` reads like a SELECT, so only the database can tell it writes; its refusal is reported as
    the bug it is (``ReadOnlyViolation``), not as a database that is unavailable. PostgreSQL only: SQLite has
    no statement that reads like a SELECT and writes."""
    require_pg()
    with pg_schema_url() as url:
        engine = make_engine(url)
        create_schema(engine)
        try:
            with UnitOfWork(engine, read_only=True) as uow, pytest.raises(ReadOnlyViolation):
                uow.session.execute(text("SELECT nextval(pg_get_serial_sequence('round', 'id'))"))
        finally:
            engine.dispose()


def test_a_writing_unit_of_work_after_a_read_only_one_writes(engine: Engine) -> None:
    for n in range(3):  # the pool hands the same connection back and forth
        with UnitOfWork(engine, read_only=True) as uow:
            assert uow.rate_limits.hits("t", "k", T) == n
        with UnitOfWork(engine) as uow:
            if is_sqlite(engine):
                assert uow.session.execute(text("PRAGMA query_only")).scalar_one() == 0
            else:
                assert uow.session.execute(text("SHOW transaction_read_only")).scalar_one() == "off"
            uow.rate_limits.hit("t", "k", T)
            uow.commit()
    assert _counters(engine) == 1


def test_allow_writes_turns_a_read_only_unit_of_work_into_a_writing_one(engine: Engine) -> None:
    with UnitOfWork(engine, read_only=True) as uow:
        assert uow.rate_limits.hits("t", "k", T) == 0  # a read in its read-only transaction
        uow.allow_writes()
        assert not uow.read_only
        assert uow.rate_limits.hit("t", "k", T) == 1
        uow.audit.record(PendingEvent(T, "赵健", "staff", "test.recorded", "test:1"))
        uow.commit()
    assert _counters(engine) == 1 and _events(engine) == 1


def test_sqlite_refuses_at_once_while_another_connection_holds_the_write_lock(sqlite_engine: Engine) -> None:
    """The stall this prevents: a write in a deferred transaction waits (up to the 30 s busy timeout) for the
    writer that holds the lock. Refused here before it asks, and reading goes on meanwhile."""
    held, release = threading.Event(), threading.Event()

    def writer() -> None:
        with UnitOfWork(sqlite_engine) as uow:
            uow.rate_limits.hit("t", "writer", T)  # BEGIN IMMEDIATE: this transaction holds the write lock
            held.set()
            release.wait(30)
            uow.commit()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with UnitOfWork(sqlite_engine, read_only=True) as uow:
            assert uow.rate_limits.hits("t", "writer", T) == 0, "reads the last commit, beside the writer"
            with pytest.raises(ReadOnlyViolation):
                uow.rate_limits.hit("t", "reader", T)
            cursor = uow.session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            with pytest.raises(Exception) as refused:
                cursor.execute("DELETE FROM rate_limit_counter")
            assert refused_as_read_only(refused.value), refused.value
        assert time.monotonic() - started < 2, "refused at once, not after waiting for the lock"
    finally:
        release.set()
        thread.join(10)
    assert _counters(sqlite_engine) == 1
