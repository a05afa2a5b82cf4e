"""What the live benchmarks share: a database (SQLite file or a fresh PostgreSQL schema), an office with
units and an open round built through the real services, and a real ``consultflow serve`` process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, select

from kernel.actors import Actor, Role
from kernel.clock import Clock
from states.outbox import OutboxStatus
from storage.db import create_schema, make_engine
from storage.models import OutboxMessage
from storage.uow import UnitOfWork
from tests.support.databases import pg_available, pg_schema_url
from tests.support.scenario import new_round
from workflow.parsing.draft_text import parse_draft_text
from workflow.parsing.units_file import UnitRecord
from workflow.services.links import link_token
from workflow.services.offices import ensure_office
from workflow.services.units import import_units

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("CONSULTFLOW_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET = "benchmark-secret-key-benchmark-secret-key"
STAFF = Actor("赵健", Role.staff)
OFFICE = "孝义市安全生产委员会办公室"
DRAFT = parse_draft_text((ROOT / "workflow/demo/data/draft_2023_safety.txt").read_text("utf-8"))


def pg_reachable() -> bool:
    return pg_available(PG_URL)


@contextmanager
def database(kind: str, workdir: Path, name: str) -> Iterator[str]:
    """A fresh database URL: a SQLite file in ``workdir``, or a new PostgreSQL schema dropped afterwards."""
    if kind == "sqlite":
        path = workdir / f"{name}.db"
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    with pg_schema_url(PG_URL, prefix=f"bench_{name}") as url:
        yield url


def fresh_engine(url: str) -> Engine:
    engine = make_engine(url)
    create_schema(engine)
    return engine


def office_with_units(engine: Engine, clock: Clock, units: int, office: str = OFFICE) -> int:
    with UnitOfWork(engine) as uow:
        office_id = ensure_office(uow, clock, STAFF, office, "市安委办")
    records = [
        UnitRecord(f"单位{i:05d}", "市安委会成员单位", (), f"联系人{i}", f"0358-{i:07d}", f"u{i}@example.cn")
        for i in range(1, units + 1)
    ]
    with UnitOfWork(engine) as uow:
        import_units(uow, clock, STAFF, records, office_id=office_id)
    return office_id


def open_round(engine: Engine, clock: Clock, office_id: int, deadline: datetime, serial: int) -> int:
    """A draft with the seed's task table and a round asking every unit, through the services (as tests build it)."""
    return new_round(engine, clock, office_id, deadline, serial, secret=SECRET)


def tokens(engine: Engine, clock: Clock, round_id: int) -> list[str]:
    with UnitOfWork(engine) as uow:
        found = [link_token(uow, clock, SECRET, rec.id or 0) for rec, _u in uow.rounds.recipients(round_id)]
        uow.commit()
    return found


def wait_outbox_drained(engine: Engine, timeout: float = 600) -> float:
    """Wait until the server's relay has sent every queued notice (the solicitation notices of a round
    go out when it starts, hours before its deadline hour); returns the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        with UnitOfWork(engine) as uow:
            waiting = uow.session.execute(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status.in_([OutboxStatus.pending, OutboxStatus.sending]))  # type: ignore[attr-defined]
            ).scalar_one()
        if not waiting:
            return time.monotonic() - t0
        time.sleep(0.5)
    raise TimeoutError("the relay did not send the queued notices")


def write_config(workdir: Path, url: str, extra: str = "", office: str = OFFICE) -> Path:
    path = workdir / f"config-{uuid.uuid4().hex[:6]}.toml"
    path.write_text(
        f'''[database]
url = "{url}"

[office]
name = "{office}"
short_name = "市安委办"

[notifications]
enabled = ["console"]
console_only = true

[logging]
level = "WARNING"

[security]
secret_key = "{SECRET}"
# Every use of a link is still counted in the database; the threshold is raised so one load process on
# one address is not refused (the limit itself is what is measured, not its threshold).
link_requests_per_minute = 1000000
{extra}
''',
        encoding="utf-8",
    )
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def process(command: list[str], ready_url: str, log: Path, ready_timeout: float = 300) -> Iterator[int]:
    """A process on loopback, yielded (its pid) once ``ready_url`` answers below 500; stopped when the block
    ends. Its output goes to ``log``."""
    out = log.open("ab")
    proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        end = time.monotonic() + ready_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{command[2:4]} exited with {proc.returncode}; see {log.name}")
            try:
                if httpx.get(ready_url, timeout=2).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > end:
                raise TimeoutError(f"{ready_url} did not answer")
            time.sleep(0.1)
        yield proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        out.close()


@contextmanager
def serving(config: Path, workdir: Path, *args: str, ready_timeout: float = 300) -> Iterator[tuple[str, int]]:
    """``consultflow serve`` as a real process on loopback: (base URL, pid); stopped when the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "entrypoints.cli.main", "serve", "--port", str(port), "--config", str(config)]
    url = f"http://127.0.0.1:{port}"
    with process([*command, *args], url + "/login", workdir / f"serve-{port}.log", ready_timeout) as pid:
        yield url, pid


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set of a running process, from /proc (Linux)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
