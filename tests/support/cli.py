"""Run the real ``consultflow`` CLI in-process, with a clock the test controls."""

from __future__ import annotations

import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, func, select

from entrypoints.cli.main import main
from entrypoints.cli.runtime import Runtime
from kernel.clock import Clock


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


PROFILES = Path(__file__).resolve().parents[2] / "profiles"
DEMO_PROFILE_FILE = PROFILES / "demo-safety-office.toml"


def write_config(path: Path, db_url: str, extra: str = "", *, profiles: tuple[Path, ...] = ()) -> Path:
    """A config for tests: the demo office (the seed's) first, then any ``profiles`` given."""
    listed = ", ".join(f'"{p}"' for p in (DEMO_PROFILE_FILE, *profiles))
    path.write_text(
        f'''[database]
url = "{db_url}"

[offices]
default = "xiaoyi-safety"
profiles = [{listed}]

[notifications]
enabled = ["console"]
console_only = true

[security.password_hash]  # real Argon2id at its cheapest (tests/conftest.py TEST_PASSWORD_COST)
time_cost = 1
memory_kib = 64
parallelism = 1
{extra}
''',
        encoding="utf-8",
    )
    return path


class Cli:
    """``cli("round", "list", json=True)`` → CliResult; every call is a fresh invocation."""

    def __init__(self, config: Path, clock: Clock) -> None:
        self.config = config
        self.clock = clock

    def __call__(self, *args: str, json: bool = True) -> CliResult:
        argv = [*args, "--config", str(self.config)] + (["--json"] if json else [])
        runtime = Runtime(clock=self.clock)
        out, err = io.StringIO(), io.StringIO()
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(argv, runtime=runtime)
            except SystemExit as exc:
                code = int(exc.code or 0)
            finally:
                if "engine" in runtime.__dict__:
                    runtime.engine.dispose()
        return CliResult(code, out.getvalue(), err.getvalue())

    def ok(self, *args: str) -> Any:
        result = self(*args)
        assert result.exit_code == 0, f"{args} failed: {result.stdout} {result.stderr}"
        return result.json

    def error(self, *args: str) -> dict[str, Any]:
        result = self(*args)
        assert result.exit_code != 0, f"{args} should fail but printed {result.stdout}"
        return result.json["error"]


def table_counts(engine: Engine) -> dict[str, int]:
    """Row count of every table: the 'nothing was written' check for refused commands."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in meta.tables.items()
            if name != "alembic_version"
        }
