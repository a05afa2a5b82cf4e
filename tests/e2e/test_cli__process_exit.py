"""A command run as its own process closes its database connections before it exits.

The CLI skips the interpreter's last garbage collection (``gc.freeze()`` in ``entrypoints.cli.main``): it
walked every object SQLAlchemy and the services created, at every call. Connections left to that collection
would then not be closed; they are closed before it, so SQLite checkpoints its write-ahead log and removes it,
and what a command wrote is in the database file for the next one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kernel.clock import SystemClock
from tests.support.cli import Cli, write_config

ROOT = Path(__file__).resolve().parents[2]
UNITS_CSV = "名称,类别,别名,联系人,电话,邮箱,webhook\n市应急管理局,市直部门,,王科,0358-7600009,yjj@xiaoyi.example.cn,\n"


def _consultflow(config: Path, *args: str) -> object:
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli.main", "--json", "--config", str(config), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def test_a_command_process_closes_the_database_before_it_exits(tmp_path: Path) -> None:
    database = tmp_path / "cli.db"
    config = write_config(tmp_path / "config.toml", f"sqlite:///{database}")
    Cli(config, SystemClock()).ok("init")
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")

    assert _consultflow(config, "units", "import", str(tmp_path / "units.csv")) == {
        "created": 1, "updated": 0, "unchanged": 0, "new_categories": [],
    }  # fmt: skip
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("cli.db-"))
    assert leftovers == [], f"the command exited with the database open: {leftovers}"

    units = _consultflow(config, "units", "list")
    assert [u["name"] for u in units["units"]] == ["市应急管理局"]  # type: ignore[index]
    assert not (tmp_path / "cli.db-wal").exists()
