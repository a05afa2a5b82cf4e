"""Shared fixtures: a real database per test (SQLite, and PostgreSQL where marked), a movable clock."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from kernel.passwords import PasswordCost, use_cost
from storage.db import make_engine
from tests.support.databases import close_schema_pool, database_url, sqlite_template

TEST_PASSWORD_COST = PasswordCost(time_cost=1, memory_kib=64, parallelism=1)
"""Real Argon2id at its cheapest sensible cost: the default (64 MiB, three passes) took 0.1–0.9 s a hash,
and a web test makes three accounts and signs in one to three times. Tests of the cost itself set their own."""


@pytest.fixture(autouse=True)
def _cheap_password_hashes() -> None:
    use_cost(TEST_PASSWORD_COST)  # each test: a test that loads the shipped config sets the default cost


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    close_schema_pool()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2023, 2, 16, 1, 0, tzinfo=UTC))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(db_kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The test's database: with its tables when the test also uses ``engine`` (the same database), else
    empty (a test that runs ``consultflow init`` or the migrations on it)."""
    with database_url(db_kind, tmp_path, tables="engine" in request.fixturenames) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "unit.db"  # the name tests open it by (build_world's db_url)
    shutil.copyfile(sqlite_template(), path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()
