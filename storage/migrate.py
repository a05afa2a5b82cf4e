"""Alembic, driven from code so ``consultflow init`` needs no alembic.ini next to the data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

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


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent).

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
                command.upgrade(cfg, "head")
                if sqlite:
                    broken = conn.execute(text("PRAGMA foreign_key_check")).all()
                    if broken:
                        raise RuntimeError(f"migration left rows pointing at nothing: {broken[:5]}")
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def is_initialised(engine: Engine) -> bool:
    """Tables exist (created by migrations, or directly by tests)."""
    inspector = inspect(engine)
    return inspector.has_table("round") and inspector.has_table("auditevent")
