"""Engines for the embedded default (SQLite in WAL mode) and the scale-out database (PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, InternalError, OperationalError
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from kernel.errors import Unavailable


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and write transactions that lock at BEGIN.

    ``BEGIN IMMEDIATE`` makes SQLite writers queue up front instead of failing with
    "database is locked" when two processes upgrade read locks at once.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MB: sweeps and exports touch many pages
            cur.execute("PRAGMA temp_store=MEMORY")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            # A read-only unit of work (public pages) begins deferred: under WAL it reads beside writers
            # instead of queueing behind them for the write lock.
            read_only = conn.get_execution_options().get("read_only", False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10)


def create_schema(engine: Engine) -> None:
    """Create all tables directly (tests); deployments use Alembic (``consultflow init``)."""
    SQLModel.metadata.create_all(engine)


def drop_schema(engine: Engine) -> None:
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
