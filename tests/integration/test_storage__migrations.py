"""Alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

from storage.db import make_engine
from storage.migrate import is_initialised, upgrade


def test_upgrade_matches_models_and_is_idempotent(db_url: str) -> None:
    engine: Engine = make_engine(db_url)
    assert not is_initialised(engine)
    upgrade(engine)
    upgrade(engine)
    assert is_initialised(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), SQLModel.metadata)
    assert diff == [], diff
    assert {"auditevent", "outboxmessage", "recipient", "round"} <= set(inspect(engine).get_table_names())
    engine.dispose()
