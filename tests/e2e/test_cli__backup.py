"""Online backup of the embedded database: a consistent copy that works on its own, audited."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kernel.clock import FixedClock
from tests.support.cli import Cli, write_config
from tests.support.databases import pg_schema_url, require_pg

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_backup_of_the_demo_is_a_working_database(tmp_path: Path) -> None:
    cli = Cli(write_config(tmp_path / "config.toml", f"sqlite:///{tmp_path / 'live.db'}"), FixedClock(NOW))
    cli.ok("init")
    cli.ok("demo")
    target = tmp_path / "backups" / "consultflow-2026-03-02.db"
    result = cli.ok("backup", "--output", str(target))
    assert result["output"] == str(target) and result["audit_ok"] is True and result["bytes"] > 0
    assert not Path(f"{target}-wal").exists(), "one self-contained file"

    restored = Cli(write_config(tmp_path / "restored.toml", f"sqlite:///{target}"), FixedClock(NOW))
    assert restored.ok("audit", "verify")["ok"] is True
    assert restored.ok("round", "list") == cli.ok("round", "list")
    adoption = restored.ok("report", "--round", "1", "--kind", "adoption", "--format", "json")
    assert [g["count"] for g in adoption["groups"]] == [
        g["count"] for g in cli.ok("report", "--round", "1", "--kind", "adoption", "--format", "json")["groups"]
    ]
    events = cli.ok("audit", "export", "--format", "json")["events"]
    assert events[-1]["action"] == "database.backup" and events[-1]["payload"]["output"] == str(target.resolve())

    again = cli.error("backup", "--output", str(target))
    assert again["code"] == "BACKUP_TARGET_EXISTS"


@pytest.mark.postgres
def test_postgres_is_backed_up_with_pg_dump(tmp_path: Path) -> None:
    require_pg()
    with pg_schema_url() as url:
        cli = Cli(write_config(tmp_path / "config.toml", url), FixedClock(NOW))
        cli.ok("init")
        error = cli.error("backup", "--output", str(tmp_path / "x.db"))
    assert error["code"] == "BACKUP_USE_PG_DUMP" and "pg_dump" in error["message"]
    assert not (tmp_path / "x.db").exists()


def test_a_tampered_trail_is_reported_by_the_backup(tmp_path: Path) -> None:
    from sqlalchemy import text

    from storage.db import make_engine

    url = f"sqlite:///{tmp_path / 'live.db'}"
    cli = Cli(write_config(tmp_path / "config.toml", url), FixedClock(NOW))
    cli.ok("init")
    cli.ok("demo")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE auditevent SET actor = '某人' WHERE seq = 5"))
    engine.dispose()
    target = tmp_path / "copy.db"
    error = cli.error("backup", "--output", str(target))
    assert error["code"] == "BACKUP_AUDIT_BROKEN" and "第一条异常记录序号 5" in error["message"]
    assert target.exists(), "the copy is written; the office learns the live trail is damaged"
