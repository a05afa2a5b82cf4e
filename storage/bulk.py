"""The bulk-write path, in one place: plain DB-API ``executemany`` and ``UPDATE … RETURNING``.

Why not the ORM here: a deadline sweep writes a million recipients, audit events and notices in one
go, and per-row ORM or type processing would dominate its cost. Timestamps are written in the form
``UTCDateTime`` stores them (naive UTC; text on SQLite), so ORM reads of these rows see the same values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from storage.readonly import refuse_sql

CHUNK = 10000


def placeholder(session: Session) -> str:
    """The DB-API parameter mark of this session's database."""
    return "?" if session.connection().dialect.name == "sqlite" else "%s"


def db_stamp(session: Session, at: datetime) -> Any:
    """An instant as ``UTCDateTime`` stores it: naive UTC, as text on SQLite."""
    naive = at.astimezone(UTC).replace(tzinfo=None)
    if session.connection().dialect.name == "sqlite":
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f")
    return naive


def upsert_insert(session: Session) -> Callable[..., Any] | None:
    """The ``INSERT … ON CONFLICT`` constructor of this session's database, or None for another database.
    Imported here, not at the top: the engine has loaded its own dialect already, and loading the other
    one cost every CLI command 30 ms (PostgreSQL's dialect package imports its async drivers' modules)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert
    return None


def execute_many(session: Session, sql: str, rows: Sequence[tuple[Any, ...]], chunk: int = CHUNK) -> None:
    """``executemany`` in chunks on the session's own connection (same transaction)."""
    refuse_sql(session, sql)  # no SQLAlchemy event sees a DB-API cursor: a read-only unit of work checks here
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, len(rows), chunk):
            cursor.executemany(sql, rows[start : start + chunk])
    finally:
        cursor.close()


def fetch_all(session: Session, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Run one statement with RETURNING (or a SELECT) and fetch its rows as plain tuples."""
    refuse_sql(session, sql)
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, tuple(params))
        return [tuple(r) for r in cursor.fetchall()]
    finally:
        cursor.close()
