"""CLI start-up: whole ``consultflow`` processes against ``python -c pass`` on the same interpreter.

``--help``, a calendar command (``--json workdays``, no database) and a database command (``--json round
list`` on an initialised SQLite file), each run several times; the best and the median wall time. ``python -c
"import sqlmodel"`` (the ORM and Pydantic a database command cannot do without) is measured beside them."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.live import ROOT, database, write_config

CLI = [sys.executable, "-m", "entrypoints.cli.main"]


# As installed: byte-code cached (a shell with PYTHONDONTWRITEBYTECODE set would compile every module of the
# project on every call, and measure the compiler).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _wall(command: list[str], runs: int) -> dict[str, float]:
    times = []
    for n in range(runs + 1):
        t0 = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if n:  # the first run writes the byte-code caches
            times.append(time.perf_counter() - t0)
    return {"best": min(times), "median": statistics.median(times)}


def bench_cli(workdir: Path, runs: int) -> dict[str, Any]:
    with database("sqlite", workdir, "cli") as url:
        config = write_config(workdir, url)
        subprocess.run(
            [*CLI, "init", "--config", str(config)], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL
        )
        figures = {
            "python": _wall([sys.executable, "-c", "pass"], runs),
            "sqlmodel": _wall([sys.executable, "-c", "import sqlmodel"], runs),
            "help": _wall([*CLI, "--help"], runs),
            "workdays": _wall([*CLI, "--json", "workdays", "--from", "2026-09-25", "--add", "10"], runs),
            "database": _wall([*CLI, "--json", "--config", str(config), "round", "list"], runs),
        }
    return figures
