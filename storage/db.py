"""Engines for the embedded default (SQLite in WAL mode) and the scale-out database (PostgreSQL)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import deque
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, InternalError, OperationalError
from sqlmodel import SQLModel

from kernel.errors import Unavailable
from storage import models
from storage.readonly import READ_ONLY_KEY, guard_engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


BUSY_SECONDS = 30
"""How long a writer waits for another before giving up with "database is locked" (→ ``DB_UNAVAILABLE``)."""


class _FairLock:
    """A lock taken in the order it was asked for. ``threading.Lock`` lets the thread that just released it
    take it straight back, so a busy relay or sweep running one transaction after another kept replies
    waiting for seconds; here ``release`` hands the lock to the longest waiter."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=timeout):
            return True  # handed over by release()
        with self._mutex:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
                return False
        return True  # handed over just as the wait ran out: it is ours now

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # still held: now by the next in line
            else:
                self._held = False


_WRITE_LOCKS: dict[str, _FairLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(database: str) -> _FairLock | None:
    """The one lock of this process for a SQLite database file (shared by every engine opened on it);
    None for an in-memory database, which no other connection can see."""
    if not database or database == ":memory:" or "mode=memory" in database:
        return None
    key = database if database.startswith("file:") else os.path.realpath(database)
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, _FairLock())


class _QueuedConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions queue on a lock of this process before ``BEGIN
    IMMEDIATE``, and give it back when they commit or roll back (or the connection closes).

    Why: SQLite lets one writer in at a time, and a writer that finds the database locked polls with
    growing sleeps (its busy handler: 1, 2, 5 … 100 ms). Under eight concurrent replies that polling, not
    the work, made the p99 1.3–1.5 s (issue 13). Threads of one process now wait on a lock that hands over
    the moment the writer is done; ``BEGIN IMMEDIATE`` and the busy timeout still order writers of
    *different* processes (a CLI command beside ``serve``). Nothing about what a transaction sees or keeps
    changes: it is the same SQLite locking, entered in the order asked for (``_FairLock``)."""

    write_lock: _FairLock | None = None
    _holding = False
    query_only = False  # PRAGMA query_only, as last set (a read-only unit of work's transactions set it)

    def set_query_only(self, on: bool) -> None:
        """SQLite's own read-only switch for this connection: a write then fails at once (SQLITE_READONLY)
        instead of upgrading the read lock (``storage.readonly``). Only issued when it changes."""
        if self.query_only != on:
            self.execute(f"PRAGMA query_only={int(on)}")
            self.query_only = on

    def acquire_write(self) -> None:
        if self.write_lock is None:
            return
        if not self.write_lock.acquire(timeout=BUSY_SECONDS):
            raise sqlite3.OperationalError("database is locked")
        self._holding = True

    def release_write(self) -> None:
        if self._holding:
            self._holding = False
            assert self.write_lock is not None
            self.write_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.release_write()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.release_write()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_write()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets the settings below and write transactions that lock at BEGIN.

    SQLite, and why each setting is safe:

    * ``journal_mode=WAL``: readers never block the writer nor it them, and a commit appends to the log
      instead of rewriting pages; the backup command copies through SQLite's backup API for this reason.
    * ``synchronous=NORMAL``: in WAL mode a commit is written to the log but not fsynced; the log is
      fsynced at each checkpoint. A crash of the process (kill -9, tests/e2e/test_serve__crash.py) loses
      nothing committed; only a power cut or an OS crash can lose the last commits before a checkpoint,
      never corrupt the database. ``FULL`` (an fsync per commit) is the setting for a machine without a
      reliable power supply.
    * ``busy_timeout=30000`` and ``BEGIN IMMEDIATE``: writers of different processes queue (up to 30 s)
      up front instead of failing with "database is locked" when two upgrade read locks at once; inside
      one process they queue on a lock instead (``_QueuedConnection``).
    * ``foreign_keys=ON`` (off by default in SQLite), a 64 MB page cache and temporary tables in memory.

    A read-only unit of work (execution option ``read_only``) begins ``BEGIN`` (deferred) under
    ``query_only`` on SQLite and ``READ ONLY`` on PostgreSQL, and every engine refuses its writes
    (``storage.readonly.guard_engine``).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        lock = _write_lock(database)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"timeout": BUSY_SECONDS, "check_same_thread": False, "factory": _QueuedConnection},
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            dbapi_conn.write_lock = lock
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MB: sweeps and exports touch many pages
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            # A read-only unit of work (GET pages) begins deferred: under WAL it reads beside writers instead
            # of queueing behind them for the write lock; query_only makes SQLite refuse any write in it.
            dbapi_conn = conn.connection.dbapi_connection
            if conn.get_execution_options().get(READ_ONLY_KEY, False):
                dbapi_conn.set_query_only(True)
                conn.exec_driver_sql("BEGIN")
                return
            dbapi_conn.set_query_only(False)
            dbapi_conn.acquire_write()
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                dbapi_conn.release_write()
                raise

        guard_engine(engine)
        return engine
    # PostgreSQL: up to 15 connections per process (uvicorn runs sync routes on 40 threads; the scheduler
    # and relay need a few), checked before use so a restarted server is not an error.
    engine = create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10)

    @event.listens_for(engine, "begin")
    def _on_pg_begin(conn: Any) -> None:
        # A read-only unit of work's transaction is READ ONLY: PostgreSQL itself refuses any write in it.
        if conn.get_execution_options().get(READ_ONLY_KEY, False):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    guard_engine(engine)
    return engine


def create_schema(engine: Engine) -> None:
    """Create all tables directly (tests); deployments use Alembic (``consultflow init``)."""
    models.load_all()
    SQLModel.metadata.create_all(engine)


def drop_schema(engine: Engine) -> None:
    models.load_all()
    SQLModel.metadata.drop_all(engine)


def unavailable(exc: BaseException) -> Unavailable | None:
    """``DB_UNAVAILABLE`` when ``exc`` says the database cannot serve (gone, read-only, disk full, locked),
    ``None`` for any other error (a constraint or SQL error is a bug, not an outage). The one mapping used
    by the web app's exception handler and the CLI, so no route or command maps it on its own."""
    if isinstance(exc, OperationalError | InterfaceError | InternalError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    ):
        return Unavailable(
            "DB_UNAVAILABLE",
            "数据库暂时不可用（无法连接、只读或磁盘已满），本次操作未保存，请稍后重试或联系系统管理员。",
            reason=exc.__class__.__name__,
        )
    return None
