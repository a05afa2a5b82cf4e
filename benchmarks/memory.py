"""Peak memory of ``consultflow serve`` holding many open rounds and their scheduler jobs.

The rounds are bulk-loaded (``sweep_fixture``) with deadlines spread over the coming weeks, so the
scheduler in the server plans a deadline job and two reminders for each. Once the server answers (it
schedules every round before it starts serving), a few pages are read and the scheduler's per-second
resync runs a while; then the process's peak resident set (VmHWM) is read from /proc. The baseline is the
same server over an empty database, measured in the same run."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update

from benchmarks.live import database, office_with_units, peak_rss_mb, serving, write_config
from benchmarks.sweep_fixture import load_overdue
from kernel.clock import SystemClock
from storage.db import create_schema, make_engine
from storage.models import Round

SETTLE_SECONDS = 5.0


def _measure(workdir: Path, url: str) -> dict[str, float]:
    config = write_config(workdir, url, office="基准测试办公室")
    t0 = time.monotonic()
    with serving(config, workdir, ready_timeout=900) as (base, pid):
        ready = time.monotonic() - t0
        with httpx.Client(base_url=base, timeout=120) as client:
            for path in ("/healthz", "/login", "/static/app.css"):
                client.get(path)
        time.sleep(SETTLE_SECONDS)  # a few of the scheduler's per-second resyncs
        rss, peak = peak_rss_mb(pid)
    return {"ready_seconds": ready, "rss_mb": rss, "peak_mb": peak}


def bench_memory(workdir: Path, rounds: int, per_round: int) -> dict[str, Any]:
    with database("sqlite", workdir, "memory-empty") as url:
        engine = make_engine(url)
        create_schema(engine)
        office_with_units(engine, SystemClock(), 1, "基准测试办公室")
        engine.dispose()
        empty = _measure(workdir, url)
    with database("sqlite", workdir, "memory") as url:
        engine = make_engine(url)
        create_schema(engine)
        start = datetime.now(UTC) + timedelta(days=2)
        load_overdue(engine, rounds, per_round, start)
        with engine.begin() as conn:  # from two days on, a thousand rounds due each minute: each its own jobs
            for first in range(1, rounds + 1, 1000):
                conn.execute(
                    update(Round.__table__)  # type: ignore[arg-type]
                    .where(Round.__table__.c.id.between(first, first + 999))  # type: ignore[attr-defined]
                    .values(deadline=start + timedelta(minutes=first // 1000))
                )
        engine.dispose()
        full = _measure(workdir, url)
    return {
        "rounds": rounds,
        "recipients": rounds * per_round,
        "empty": empty,
        "full": full,
        "per_round_kb": (full["rss_mb"] - empty["rss_mb"]) * 1024 / rounds,
    }
