"""Alembic, driven from code so ``consultflow init`` needs no alembic.ini next to the data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    # Alembic (80 ms of imports) is loaded only to migrate: every CLI command checks is_initialised().
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, *, from_models: bool = True) -> None:
    """Bring the schema to the newest revision (idempotent).

    A database without any table is built from the models in one transaction and stamped at the newest
    revision, Alembic's recipe for a database built from scratch: replaying every migration took most of
    ``consultflow init`` (about 2 s of 2.1). ``tests/integration/test_storage__migrations.py`` proves the
    migrations build exactly the models' schema, so both ways end in the same database;
    ``from_models=False`` replays them even on an empty database (that test).

    On SQLite a migration that rebuilds a table other tables point at (copy, drop, rename) must run with
    foreign-key enforcement off, as SQLite's own ALTER TABLE procedure says: dropping the old table would
    otherwise fail on the rows that reference it. The pragma only takes effect outside a transaction, so
    it is set on the raw connection before BEGIN, the references are checked before the commit, and
    enforcement is back on before the connection returns to the pool.
    """
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.dbapi_connection
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                if from_models and not inspect(conn).get_table_names():
                    _create_from_models(conn)
                    command.stamp(cfg, "head")
                else:
                    command.upgrade(cfg, "head")
                if sqlite:
                    broken = conn.execute(text("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"migration left rows pointing at nothing: {broken[:5]}")
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def _create_from_models(conn: Connection) -> None:
    from sqlmodel import SQLModel

    # Imported here: every CLI command imports this module (is_initialised), only init builds tables.
    from storage import models

    models.load_all()
    SQLModel.metadata.create_all(conn, checkfirst=False)


def is_initialised(engine: Engine) -> bool:
    """Tables exist (created by migrations, or directly by tests)."""
    inspector = inspect(engine)
    return inspector.has_table("round") and inspector.has_table("auditevent")
