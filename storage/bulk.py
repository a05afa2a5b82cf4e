"""The plain DB-API path, in one place: ``executemany`` and ``UPDATE … RETURNING`` for bulk writes, and
single statements for the hottest request (a link reply runs a dozen).

Why not the ORM here: a deadline sweep writes a million recipients, audit events and notices in one
go, and per-row ORM or type processing would dominate its cost; for one small statement SQLAlchemy's own
Python (compiling or looking up the statement, the session's execute events, result processing) cost
several times what the database took. Timestamps are written in the form ``UTCDateTime`` stores them
(naive UTC; text on SQLite) and read back as aware UTC (``from_stamp``), so ORM reads of these rows see
the same values. Statements run on the session's own connection, in its transaction; they do not flush
objects pending in the session, and objects it holds are not refreshed by them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from storage.readonly import refuse_sql

CHUNK = 10000


@contextmanager
def _as_sqlalchemy_errors(session: Session, sql: str, params: Any) -> Iterator[None]:
    """A raw cursor's errors raised as SQLAlchemy's (``OperationalError``, ``IntegrityError`` …), as the same
    statement run through SQLAlchemy would raise them: callers, and the mapping of an unreachable, read-only or
    full database to DB_UNAVAILABLE (``storage.db.unavailable``), see one kind of error whichever path ran."""
    try:
        yield
    except Exception as exc:
        dbapi = session.get_bind().dialect.dbapi
        if dbapi is not None and isinstance(exc, dbapi.Error):
            raise DBAPIError.instance(sql, params, exc, dbapi.Error) from exc
        raise


def _dialect(session: Session) -> str:
    """The name of the session's database dialect, without asking the session for its connection."""
    bind = session.bind if session.bind is not None else session.get_bind()
    return bind.dialect.name


def placeholder(session: Session) -> str:
    """The DB-API parameter mark of this session's database."""
    return "?" if _dialect(session) == "sqlite" else "%s"


def db_stamp(session: Session, at: datetime) -> Any:
    """An instant as ``UTCDateTime`` stores it: naive UTC, as text on SQLite."""
    naive = at.astimezone(UTC).replace(tzinfo=None)
    if _dialect(session) == "sqlite":
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f")
    return naive


_PG_MARKS: dict[str, str] = {}


def _prepared(session: Session) -> tuple[Any, str]:
    """The DB-API connection of the session's transaction and its dialect's name."""
    connection = session.connection()
    return connection.connection.dbapi_connection, connection.dialect.name


def _marked(sql: str, dialect: str) -> str:
    """``sql`` written with ``?`` marks, in the dialect's paramstyle (psycopg's ``%s``; cached)."""
    if dialect == "sqlite":
        return sql
    found = _PG_MARKS.get(sql)
    if found is None:
        if len(_PG_MARKS) > 4096:  # statements vary with a count (comments, offices): keep it bounded
            _PG_MARKS.clear()
        found = _PG_MARKS[sql] = sql.replace("%", "%%").replace("?", "%s")
    return found


def fetch_rows(session: Session, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Every row of one statement written with ``?`` marks (a SELECT, or a write with RETURNING)."""
    refuse_sql(session, sql)  # no SQLAlchemy event sees a DB-API cursor: a read-only unit of work checks here
    raw, dialect = _prepared(session)
    cursor = raw.cursor()
    try:
        with _as_sqlalchemy_errors(session, sql, params):
            cursor.execute(_marked(sql, dialect), params)
            return cursor.fetchall() if cursor.description is not None else []
    finally:
        cursor.close()


def fetch_one(session: Session, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
    """The first row of ``fetch_rows``, or None."""
    rows = fetch_rows(session, sql, params)
    return tuple(rows[0]) if rows else None


def execute(session: Session, sql: str, params: Sequence[Any] = ()) -> int:
    """One write written with ``?`` marks; how many rows it changed."""
    refuse_sql(session, sql)
    raw, dialect = _prepared(session)
    cursor = raw.cursor()
    try:
        with _as_sqlalchemy_errors(session, sql, params):
            cursor.execute(_marked(sql, dialect), params)
        return int(cursor.rowcount)
    finally:
        cursor.close()


def on_sqlite(session: Session) -> bool:
    return _dialect(session) == "sqlite"


def from_stamp(value: Any) -> datetime | None:
    """An instant as ``UTCDateTime`` reads it back (aware UTC) from the plain value a DB-API row holds."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def execute_many(session: Session, sql: str, rows: Sequence[Sequence[Any]], chunk: int = CHUNK) -> None:
    """``executemany`` in chunks on the session's own connection (same transaction). One row is a plain
    ``execute``: psycopg runs ``executemany`` in pipeline mode, whose extra sync cost a round trip's worth for
    the one audit event and head update of every reply."""
    refuse_sql(session, sql)  # no SQLAlchemy event sees a DB-API cursor: a read-only unit of work checks here
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with _as_sqlalchemy_errors(session, sql, rows[:1]):
            if len(rows) == 1:
                cursor.execute(sql, rows[0])
                return
            for start in range(0, len(rows), chunk):
                cursor.executemany(sql, rows[start : start + chunk])
    finally:
        cursor.close()


def fetch_all(session: Session, sql: str, params: Iterable[Any]) -> list[tuple[Any, ...]]:
    """Run one statement with RETURNING (or a SELECT) and fetch its rows as plain tuples."""
    refuse_sql(session, sql)
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    values = tuple(params)
    try:
        with _as_sqlalchemy_errors(session, sql, values):
            cursor.execute(sql, values)
            return [tuple(r) for r in cursor.fetchall()]
    finally:
        cursor.close()


IN_CHUNK = 500
"""Ids bound per statement by ``fetch_all_in``: well under SQLite's and PostgreSQL's parameter limits."""


def fetch_all_in(
    session: Session, sql: str, params: Sequence[Any], ids: Sequence[int], chunk: int = IN_CHUNK
) -> list[tuple[Any, ...]]:
    """``fetch_all`` for a statement over a list of ids, ``IN ({ids})`` in ``sql`` standing for the ids' own
    placeholders: run once per chunk of ids (``params`` bound before them), every chunk's rows returned.
    The sweep's set-wise conditional updates (RETURNING what they changed) go through it."""
    mark = placeholder(session)
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        rows.extend(fetch_all(session, sql.replace("{ids}", ", ".join([mark] * len(part))), (*params, *part)))
    return rows
