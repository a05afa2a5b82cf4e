"""`make bench`: every figure people wait for, each against a baseline measured in the same run.

The deadline sweep and its latency, the dashboard, reply intake over HTTP (SQLite and PostgreSQL) and the
deadline-hour burst, a whole round against SpiffWorkflow, audit verification against a bare hashlib loop,
pages and documents against a person's patience, the server's memory, and CLI start-up. Results go to
benchmarks/RESULTS.md with the machine, date and commit. ``--scale 0.1`` shrinks every size for a quick
look; ``--only intake,cli`` runs some of them. Benchmarks are never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from benchmarks import report
from benchmarks.audit_verify import bench_audit
from benchmarks.cli_startup import bench_cli
from benchmarks.intake import bench_burst, bench_intake
from benchmarks.live import pg_reachable
from benchmarks.memory import bench_memory
from benchmarks.naive_dashboard import naive_dashboard
from benchmarks.naive_sweep import naive_sweep
from benchmarks.pages import bench_pages
from benchmarks.public_comments import bench_public
from benchmarks.round_vs_spiff import bench_whole_round
from benchmarks.sweep_fixture import add_replies, load_overdue
from kernel.clock import FixedClock, SystemClock
from storage.db import create_schema, make_engine
from storage.models import AuditEvent, Round
from storage.uow import UnitOfWork, uow_factory
from workflow.logging import configure_logging
from workflow.scheduler import DeadlineScheduler, SchedulerSettings
from workflow.services.dashboard import dashboard
from workflow.services.deadlines import sweep

RESULTS = Path(__file__).parent / "RESULTS.md"
DEADLINE = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def bench_sweep(workdir: Path, rounds: int, per_round: int, naive_rounds: int, notify: bool) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{workdir / f'sweep-{notify}.db'}")
    create_schema(engine)
    load_overdue(engine, rounds, per_round, DEADLINE)
    clock = FixedClock(DEADLINE + timedelta(minutes=1))
    t0 = time.perf_counter()
    result = sweep(uow_factory(engine), clock, batch=1000, notify=notify)
    fast = time.perf_counter() - t0
    with engine.connect() as conn:
        events = conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    assert result.deemed_no_objection == rounds * per_round
    assert events >= rounds * per_round
    engine.dispose()

    naive_engine = make_engine(f"sqlite:///{workdir / f'naive-{notify}.db'}")
    create_schema(naive_engine)
    load_overdue(naive_engine, naive_rounds, per_round, DEADLINE)
    t0 = time.perf_counter()
    naive_deemed = naive_sweep(naive_engine, DEADLINE + timedelta(minutes=1), naive_rounds)
    slow = time.perf_counter() - t0
    naive_engine.dispose()
    fast_rate = result.deemed_no_objection / fast
    slow_rate = naive_deemed / slow
    return {
        "recipients": result.deemed_no_objection,
        "rounds": result.enforced_rounds,
        "seconds": fast,
        "rate": fast_rate,
        "naive_recipients": naive_deemed,
        "naive_seconds": slow,
        "naive_rate": slow_rate,
        "ratio": fast_rate / slow_rate,
    }


def bench_latency(workdir: Path, rounds: int, spread_seconds: float) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{workdir / 'latency.db'}")
    create_schema(engine)
    start = datetime.now(UTC) + timedelta(seconds=3)
    load_overdue(engine, rounds, 5, start)  # loads with one deadline; spread them below
    with engine.begin() as conn:
        for i in range(1, rounds + 1):
            conn.execute(
                Round.__table__.update()
                .where(Round.__table__.c.id == i)
                .values(  # type: ignore[attr-defined]
                    deadline=start + timedelta(seconds=spread_seconds * i / rounds)
                )
            )
    scheduler = DeadlineScheduler(
        uow_factory(engine),
        SystemClock(),
        SchedulerSettings(sweep_interval_seconds=60, resync_interval_seconds=1, reminder_hours=[]),
    )
    scheduler.start()
    deadline_end = start + timedelta(seconds=spread_seconds + 10)
    try:
        while datetime.now(UTC) < deadline_end:
            with UnitOfWork(engine) as uow:
                if not uow.rounds.open_rounds():
                    break
            time.sleep(0.2)
    finally:
        scheduler.shutdown()
    with UnitOfWork(engine) as uow:
        rows = [(r.deadline, r.enforced_at) for r in uow.rounds.all()]
        pending = sum(waiting for _total, waiting in uow.rounds.recipient_tallies().values())
    engine.dispose()
    lags = sorted((e - d).total_seconds() for d, e in rows if e is not None)
    assert len(lags) == rounds and pending == 0, "every round must be enforced"
    return {
        "rounds": rounds,
        "p50": statistics.median(lags),
        "p99": lags[max(0, int(len(lags) * 0.99) - 1)],
        "max": lags[-1],
    }


def bench_dashboard(workdir: Path, rounds: int, per_round: int) -> dict[str, float]:
    """The staff dashboard over many rounds: grouped queries against the first per-round version."""
    engine = make_engine(f"sqlite:///{workdir / 'dashboard.db'}")
    create_schema(engine)
    load_overdue(engine, rounds, per_round, DEADLINE)
    add_replies(engine, repliers_per_round=per_round // 3, comments_per_reply=2, at=DEADLINE - timedelta(hours=2))
    clock = FixedClock(DEADLINE - timedelta(hours=1))

    def timed(view: Callable[[UnitOfWork, FixedClock], dict[str, Any]]) -> tuple[float, dict[str, Any]]:
        best, board = float("inf"), {}
        for _ in range(3):
            t0 = time.perf_counter()
            with UnitOfWork(engine) as uow:
                board = view(uow, clock)
            best = min(best, time.perf_counter() - t0)
        return best, board

    fast, board = timed(dashboard)
    slow, naive = timed(naive_dashboard)
    engine.dispose()
    assert board["totals"] == naive["totals"], "both variants must show the same figures"
    return {
        "rounds": rounds,
        "recipients": rounds * per_round,
        "seconds": fast,
        "naive_seconds": slow,
        "ratio": slow / fast,
    }


BENCHMARKS = (
    "sweep", "latency", "dashboard", "intake", "burst", "public", "round", "audit", "pages", "memory", "cli",
)  # fmt: skip


def _sized(scale: float, full: int, least: int) -> int:
    return max(least, int(full * scale))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the results (Markdown)")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help="comma-separated: " + ", ".join(BENCHMARKS))
    args = parser.parse_args()
    only = set(args.only.split(","))
    configure_logging("console", "WARNING")  # the in-process scheduler's info lines are not results
    scale = args.scale
    found: dict[str, Any] = {}
    started = time.perf_counter()
    load_before = os.getloadavg()

    def run(name: str, bench: Callable[[], Any]) -> None:
        if name in only:
            t0 = time.perf_counter()
            found[name] = bench()
            print(f"{name} ({time.perf_counter() - t0:.0f} s):", found[name], flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rounds = _sized(scale, 20_000, 10)
        run("sweep", lambda: (
            bench_sweep(work, rounds, 50, _sized(scale, 200, 4), notify=False),
            bench_sweep(work, rounds, 50, _sized(scale, 200, 4), notify=True),
        ))  # fmt: skip
        run("latency", lambda: bench_latency(work, 200, 10.0))
        run("dashboard", lambda: bench_dashboard(work, _sized(scale, 2_000, 10), 30))
        kinds = ["sqlite", "postgresql"] if pg_reachable() else ["sqlite"]
        run("intake", lambda: [bench_intake(work, k, _sized(scale, 2_000, 200), _sized(scale, 500, 50)) for k in kinds])
        run("burst", lambda: bench_burst(work, "sqlite", _sized(scale, 2_000, 100), max(10.0, 60.0 * scale)))
        run("public", lambda: bench_public(work, _sized(scale, 2_000, 100)))  # issue 16: public comments
        run("round", lambda: bench_whole_round(work, _sized(scale, 10, 2)))
        run("audit", lambda: bench_audit(work, _sized(scale, 1_000_000, 20_000)))
        run("pages", lambda: bench_pages(work, _sized(scale, 10_000, 100), _sized(scale, 500, 20), 4))
        run("memory", lambda: bench_memory(work, _sized(scale, 10_000, 100), 50))
        run("cli", lambda: bench_cli(work, 5))
    total = time.perf_counter() - started
    print(f"all benchmarks: {total:.0f} s", flush=True)
    args.output.write_text(report.render(found, scale, total, _context(load_before)), encoding="utf-8")
    print(f"wrote {args.output}")


def _context(load_before: tuple[float, float, float]) -> dict[str, str]:
    """Where and when: the machine, its load, the interpreter, the commit."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=RESULTS.parent, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") + (
        " (with uncommitted changes)" if git("status", "--porcelain") else ""
    )

    def loads(values: tuple[float, float, float]) -> str:
        return ", ".join(f"{x:.1f}" for x in values)

    load = f"{loads(load_before)} at the start, {loads(os.getloadavg())}"
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.release()}",
        "commit": commit,
        "load": load,
    }


if __name__ == "__main__":
    main()
