"""Shared fixtures: a real database per test (SQLite, and PostgreSQL where marked), a movable clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from storage.db import create_schema, make_engine
from tests.support.databases import database_url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2023, 2, 16, 1, 0, tzinfo=UTC))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(db_kind: str, tmp_path: Path) -> Iterator[str]:
    with database_url(db_kind, tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    create_schema(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'unit.db'}")
    create_schema(eng)
    yield eng
    eng.dispose()
