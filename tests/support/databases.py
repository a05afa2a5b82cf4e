"""Real databases for tests: a fresh SQLite file, or a fresh PostgreSQL schema, per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

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


@contextmanager
def database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'consultflow.db'}"
        return
    require_pg()
    with pg_schema_url() as url:
        yield url
