"""Online backup of the embedded SQLite database.

SQLite's backup API copies a consistent snapshot page by page while the server keeps running (a
plain file copy of a WAL database can miss committed pages). PostgreSQL has its own tool, pg_dump.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from storage.db import is_sqlite


class BackupUnsupported(Exception):
    """The database is not SQLite: use the server's own tool."""


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Write a snapshot of the database to ``target`` (which must not exist); returns its size in bytes."""
    if not is_sqlite(engine) or not engine.url.database or engine.url.database == ":memory:":
        raise BackupUnsupported(engine.dialect.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(engine.url.database, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            # In one step: under WAL a reader does not block writers, and a stepwise copy would
            # restart whenever another process commits.
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
    finally:
        source.close()
    return target.stat().st_size
