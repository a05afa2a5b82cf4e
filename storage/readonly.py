"""A read-only unit of work refuses to write, loudly and at once.

Why: on SQLite a read-only unit of work begins ``BEGIN`` (deferred), so it reads beside the writer instead
of queueing behind it (``storage.db``). A write inside such a transaction must upgrade its read lock to the
write lock, and that upgrade waits on the busy timeout, or fails at once with "database is locked" when
another writer committed since the read began: a request that stalls or fails only under load. So a write
in a read-only unit of work is a bug, and it is refused before any lock is asked for:

* by the session: a flush with new, changed or deleted rows, an ORM ``INSERT``/``UPDATE``/``DELETE``
  (``before_flush`` and ``do_orm_execute``), and the audit log's ``record`` (``storage.audit``);
* by the connection: any statement that is not a read, also one run on ``session.connection()``
  (``guard_engine``), and the plain DB-API helpers of ``storage.bulk`` (``refuse_sql``);
* by the database itself, for anything that slips past both: PostgreSQL runs the transaction ``READ ONLY``
  and SQLite's connection is ``query_only`` (``storage.db``). Its refusal is reported as the same error.

Each raises ``ReadOnlyViolation``: an internal error (a 500 with its traceback in the log), never a
``DB_UNAVAILABLE``, which would send people to wait for an outage that is not there.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

READ_ONLY_KEY = "read_only"
"""``Session.info`` key (the unit of work's mode) and engine execution option (the transaction's)."""

# What a read-only connection may run: reads, and the statements that begin and end its transaction.
_READ = re.compile(r"\s*(SELECT|WITH|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET\s+TRANSACTION|SHOW)\b", re.I)
_WRITE_IN_WITH = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.I)
_SQLITE_READONLY = 8  # SQLITE_READONLY: "attempt to write a readonly database" (query_only)
_PG_READ_ONLY_TRANSACTION = "25006"  # read_only_sql_transaction


class ReadOnlyViolation(RuntimeError):
    """A read-only unit of work was asked to write: the caller should have opened a writing one."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"read-only unit of work refused a write ({what}); a route that writes must ask for the writing "
            "unit of work (entrypoints.web.deps.UowDep), a service for UnitOfWork(engine)"
        )


def set_read_only(session: Session, read_only: bool) -> None:
    if read_only:
        session.info[READ_ONLY_KEY] = True
    else:
        session.info.pop(READ_ONLY_KEY, None)


def is_read_only(session: Session) -> bool:
    return bool(session.info.get(READ_ONLY_KEY))


def is_read_statement(sql: str) -> bool:
    """Whether ``sql`` only reads (a ``WITH`` that inserts, updates or deletes does not)."""
    found = _READ.match(sql)
    if found is None:
        return False
    return found.group(1).upper() != "WITH" or _WRITE_IN_WITH.search(sql) is None


def refuse(session: Session, what: str) -> None:
    """Raise ``ReadOnlyViolation`` if ``session`` belongs to a read-only unit of work."""
    if is_read_only(session):
        raise ReadOnlyViolation(what)


def refuse_sql(session: Session, sql: str) -> None:
    """For statements run on the raw DB-API cursor (``storage.bulk``), which no SQLAlchemy event sees."""
    if is_read_only(session) and not is_read_statement(sql):
        raise ReadOnlyViolation(_first_words(sql))


def _first_words(sql: str) -> str:
    return " ".join(sql.split()[:4])


@event.listens_for(Session, "before_flush")
def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if not is_read_only(session):
        return
    changed = [o for o in session.dirty if session.is_modified(o)]
    if session.new or session.deleted or changed:
        rows = [*session.new, *changed, *session.deleted]
        names = sorted({type(o).__name__ for o in rows})
        raise ReadOnlyViolation(f"flush of {len(rows)} row(s): {', '.join(names)}")


@event.listens_for(Session, "do_orm_execute")
def _refuse_orm_write(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and is_read_only(state.session):  # type: ignore[arg-type]
        # Named by kind and table, not by compiling the statement: an ORM bulk insert (a list of rows) cannot
        # be compiled outside its execution, and str() of it raised a KeyError instead of this refusal.
        kind = "INSERT" if state.is_insert else "UPDATE" if state.is_update else "DELETE"
        table = getattr(getattr(state.statement, "table", None), "name", "?")
        raise ReadOnlyViolation(f"{kind} {table}")


def guard_engine(engine: Engine) -> None:
    """Refuse writes on the engine's read-only connections (execution option ``read_only``), and report the
    database's own refusal of one as ``ReadOnlyViolation``."""

    @event.listens_for(engine, "before_cursor_execute")
    def _refuse_statement(
        conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if not conn.get_execution_options().get(READ_ONLY_KEY, False):
            return
        crud = context is not None and (context.isinsert or context.isupdate or context.isdelete)
        if crud or not is_read_statement(statement):
            raise ReadOnlyViolation(_first_words(statement))

    @event.listens_for(engine, "handle_error")
    def _database_refused(context: ExceptionContext) -> BaseException | None:
        conn = context.connection
        if conn is None or not conn.get_execution_options().get(READ_ONLY_KEY, False):
            return None
        if refused_as_read_only(context.original_exception):
            return ReadOnlyViolation(f"the database refused: {context.original_exception}")
        return None


def refused_as_read_only(exc: BaseException) -> bool:
    """Whether the database refused a write because the transaction (PostgreSQL ``READ ONLY``) or the
    connection (SQLite ``query_only``) is read-only."""
    if getattr(exc, "sqlite_errorcode", None) == _SQLITE_READONLY:
        return True
    return getattr(exc, "sqlstate", None) == _PG_READ_ONLY_TRANSACTION
