"""Real databases for tests: a fresh SQLite file, or a fresh PostgreSQL schema, per test.

A test that wants the tables made gets them the cheap way, with the same result: the SQLite file is a copy
of one made once per process, and the PostgreSQL schema comes from this process's pool, emptied after its
last test (every row deleted, every sequence back at 1). Creating 41 tables with their indexes cost about
0.1 s on SQLite and 0.5–1 s on PostgreSQL per test; emptying a used schema costs a few milliseconds.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

PG_URL = os.environ.get("CONSULTFLOW_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pg_available(base: str = PG_URL) -> bool:
    try:
        engine = create_engine(base, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


def require_pg() -> None:
    """In CI a missing PostgreSQL fails the run; on a laptop it skips with the reason."""
    if pg_available():
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL is required in CI but not reachable at {PG_URL}")
    pytest.skip(reason=f"postgres not reachable at {PG_URL}")


@contextmanager
def pg_schema_url(base: str = PG_URL, prefix: str = "t") -> Iterator[str]:
    """A URL (on the server of ``base``) whose search_path is a new, empty schema, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _with_search_path(base: str, schema: str) -> str:
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@contextmanager
def database_url(kind: str, tmp_path: Path, *, tables: bool = False) -> Iterator[str]:
    """A database of its own for one test: empty, or with every table made (``tables``)."""
    if kind == "sqlite":
        path = tmp_path / "consultflow.db"
        if tables:
            shutil.copyfile(sqlite_template(), path)
        yield f"sqlite:///{path}"
        return
    require_pg()
    if tables:
        with _POOL.schema() as url:
            yield url
        return
    with pg_schema_url() as url:
        yield url


def _made(url: str) -> None:
    from storage.db import create_schema, make_engine  # the product's own way of making the tables

    engine = make_engine(url)
    try:
        create_schema(engine)
    finally:
        engine.dispose()


_TEMPLATE: list[Path] = []


def sqlite_template() -> Path:
    """A SQLite file with every table, made once per process (WAL mode is kept in the file); closed, so the
    copy holds everything (SQLite folds the log into the file when the last connection closes)."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="consultflow-template-"))
        atexit.register(shutil.rmtree, folder, True)
        _made(f"sqlite:///{folder / 'template.db'}")
        _TEMPLATE.append(folder / "template.db")
    return _TEMPLATE[0]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


class _SchemaPool:
    """PostgreSQL schemas with every table made, reused by this process's tests one at a time.

    A schema goes back to the pool only once it is empty again: one transaction deletes every row (foreign
    keys not checked, as every table is emptied) and sets every sequence back to 1, so ids start at 1 as
    in a new schema. If that fails (a lock still held after 5 s, a table changed) the schema is dropped
    instead. Whatever is left in the pool is dropped when the process ends.
    """

    def __init__(self) -> None:
        self._free: list[str] = []
        self._all: list[str] = []
        self._admin: Engine | None = None

    def _engine(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(PG_URL)
            atexit.register(self.close)
            self._drop_orphans()
        return self._admin

    def _drop_orphans(self) -> None:
        """Pools of test processes that died before tidying up (killed runs): their pid is in the name."""
        with self._engine().begin() as conn:
            names = conn.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pool\\_%'")).scalars()
            orphans = [n for n in names if not _alive(int(n.split("_")[1]))]
        for name in orphans:
            with suppress(DBAPIError), self._engine().begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))

    @contextmanager
    def schema(self) -> Iterator[str]:
        name = self._free.pop() if self._free else self._new()
        ok = False
        try:
            yield _with_search_path(PG_URL, name)
            ok = True
        finally:
            if ok and self._emptied(name):
                self._free.append(name)
            else:
                self._drop(name)

    def _new(self) -> str:
        name = f"pool_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with self._engine().begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        self._all.append(name)
        _made(_with_search_path(PG_URL, name))
        return name

    def _emptied(self, name: str) -> bool:
        from sqlmodel import SQLModel

        from storage import models

        models.load_all()
        expected = {t.name for t in SQLModel.metadata.sorted_tables}
        try:
            with self._engine().begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '5s'"))
                found = set(
                    conn.execute(
                        text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": name}
                    ).scalars()
                )
                if found != expected:
                    return False
                sequences = conn.execute(
                    text("SELECT sequencename FROM pg_sequences WHERE schemaname = :s"), {"s": name}
                ).scalars()
                statements = ["SET LOCAL session_replication_role = replica"]
                statements += [f'DELETE FROM "{name}"."{table}"' for table in sorted(expected)]
                statements += [f"SELECT setval('\"{name}\".\"{seq}\"', 1, false)" for seq in sequences]
                conn.exec_driver_sql("; ".join(statements))
            return True
        except DBAPIError:
            return False

    def _drop(self, name: str) -> None:
        with self._engine().begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        if name in self._all:
            self._all.remove(name)

    def close(self) -> None:
        for name in list(self._all):
            with suppress(DBAPIError):  # the server went away first: nothing left to tidy
                self._drop(name)
        if self._admin is not None:
            self._admin.dispose()
            self._admin = None


_POOL = _SchemaPool()


def close_schema_pool() -> None:
    """Drop this process's pooled schemas: at the end of the test session (``tests/conftest.py``), while the
    worker is still in it; the exit hook is only the fallback (a worker busy dropping schemas at exit gets
    interrupted by pytest-xdist)."""
    _POOL.close()
