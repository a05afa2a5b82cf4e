"""Logs are JSON lines in production (one object per line, Chinese kept readable) and respect the level."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from kernel.clock import FixedClock
from tests.e2e.test_cli__journey import DRAFT, UNITS_CSV
from tests.support.cli import Cli, write_config


def _due_round(cli: Cli, clock: FixedClock, tmp_path: Path) -> None:
    cli.ok("init")
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    cli.ok("units", "import", str(tmp_path / "units.csv"))
    draft = cli.ok("draft", "import", str(DRAFT), "--title", "关于做好安全生产工作的通知", "--issuer", "孝义市人民政府")
    cli.ok(
        "round", "start", "--draft", str(draft["draft_id"]), "--doc-number", "孝安办函〔2023〕1号",
        "--deadline", (clock.now() + timedelta(hours=1)).isoformat(), "--unit", "交通局",
        "--contact", "赵健", "--phone", "18335877837",
    )  # fmt: skip
    clock.advance(timedelta(hours=2))


def test_json_logs_in_production(
    tmp_path: Path, db_url: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONSULTFLOW_LOG_FORMAT", "json")
    cli = Cli(write_config(tmp_path / "config.toml", db_url), clock)
    _due_round(cli, clock, tmp_path)
    result = cli("scheduler", "--once")
    assert result.exit_code == 0 and result.json["enforced_rounds"] == 1
    events = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    swept = next(e for e in events if e["event"] == "deadline.swept")
    assert swept["level"] == "info" and swept["deemed"] == 1 and swept["timestamp"].endswith("Z")
    assert any("征求意见" in json.dumps(e, ensure_ascii=False) for e in events), "Chinese is not escaped away"


def test_the_level_filters(tmp_path: Path, db_url: str, clock: FixedClock) -> None:
    config = write_config(tmp_path / "config.toml", db_url, '\n[logging]\nformat = "json"\nlevel = "WARNING"\n')
    cli = Cli(config, clock)
    _due_round(cli, clock, tmp_path)
    result = cli("scheduler", "--once")
    assert result.exit_code == 0 and result.json["enforced_rounds"] == 1
    assert "deadline.swept" not in result.stderr
