"""The CLI imports what a command needs when it runs: `consultflow --help` loads no database, web or
document library (issue 13: every call once paid 1.2 s for FastAPI, Alembic, python-docx and SQLModel).

Checked by what a fresh interpreter has in ``sys.modules``, not by timing: the figures are in
``make bench`` (benchmarks/cli_startup.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("fastapi", "starlette", "docx", "openpyxl", "alembic", "sqlalchemy", "sqlmodel", "structlog", "apscheduler")
PROBE = """
import json, sys
from entrypoints.cli.main import main
try:
    main({argv!r})
except SystemExit:
    pass
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})), file=sys.stderr)
"""


def _loaded_after(argv: list[str]) -> set[str]:
    """Top-level packages loaded once the CLI ran ``argv`` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_loads_no_database_web_or_document_library() -> None:
    loaded = _loaded_after(["--help"])
    assert "typer" in loaded, "the probe ran the CLI"
    assert not loaded & set(HEAVY), f"`consultflow --help` imported {sorted(loaded & set(HEAVY))}"
    assert not {"workflow", "storage", "notifications", "documents"} & loaded, "no service is needed for help"


def test_a_subcommands_help_loads_none_either() -> None:
    loaded = _loaded_after(["round", "start", "--help"])
    assert not loaded & set(HEAVY), f"`round start --help` imported {sorted(loaded & set(HEAVY))}"


def test_a_calendar_command_does_not_load_the_database(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = "sqlite:///unused.db"\n', encoding="utf-8")
    loaded = _loaded_after(["--json", "--config", str(config), "workdays", "--from", "2026-01-05", "--add", "3"])
    assert "workflow" in loaded, "the command ran"
    assert not loaded & set(HEAVY), f"`workdays` imported {sorted(loaded & set(HEAVY))}"
