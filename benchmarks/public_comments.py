"""Public comments under a burst: comments per second and p99 latency on a real ``consultflow serve``
(rate limits, checks, one row and one hash-chained audit event per comment, SQLite WAL) against a bare
endpoint (``benchmarks.bare_app``: the same framework and server, no database), and the public draft page's
latency while the burst runs. Not a test: figures go to ``benchmarks/RESULTS.md``.

``python -m benchmarks.public_comments [--comments N] [--concurrency C]`` runs it alone; ``benchmarks.run``
calls :func:`bench_public` and :func:`update_results` too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from benchmarks.live import free_port, process
from kernel.actors import Actor, Role
from kernel.clock import SystemClock
from storage.db import make_engine
from storage.migrate import upgrade
from storage.uow import UnitOfWork
from workflow.parsing.draft_text import parse_draft_text
from workflow.profiles import load_profile_file
from workflow.public.consultations import PublicTerms
from workflow.public.opening import OpenPublic, open_public
from workflow.services.drafts import import_draft
from workflow.services.offices import ensure_office

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "RESULTS.md"
HEADING = "## Public comments under a burst"
STAFF = Actor("基准测试", Role.staff)


def _prepare(work: Path) -> tuple[Path, int]:
    """A database with one open public consultation, and a config that believes X-Forwarded-For from
    127.0.0.1 (so each simulated person is its own client, as behind the office's reverse proxy)."""
    db = work / "public.db"
    config = work / "config.toml"
    config.write_text(
        f"""[database]
url = "sqlite:///{db}"
[office]
name = "孝义市安全生产委员会办公室"
[security]
secret_key = "benchmark-secret-key-that-is-long-enough-1234567890"
trusted_proxies = ["127.0.0.1"]
[public]
comments_per_round_per_minute = 1000000
[notifications]
enabled = ["console"]
console_only = true
""",
        encoding="utf-8",
    )
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    clock = SystemClock()
    profile = load_profile_file(ROOT / "profiles/demo-safety-office.toml")
    with UnitOfWork(engine) as uow:
        office = ensure_office(uow, clock, STAFF, profile.name, profile=profile)
    parsed = parse_draft_text((ROOT / "workflow/demo/data/draft_2023_safety.txt").read_text("utf-8"))
    with UnitOfWork(engine) as uow:
        draft = import_draft(uow, clock, STAFF, parsed, title="某市城市绿化管理办法", issuer="某市人民政府",
                             filename="draft.txt", office_id=office)
    with UnitOfWork(engine) as uow:
        started = open_public(
            uow, clock, STAFF,
            OpenPublic(draft.draft_id, office, datetime.now(UTC) + timedelta(days=30), PublicTerms("起草说明")),
            secret="benchmark",
        )
    engine.dispose()
    return config, started.consultation_id or 0


def _burst(url: str, n: int, concurrency: int, body: dict[str, str], forwarded: bool) -> dict[str, float]:
    """``n`` POSTs from ``concurrency`` threads; per-request latency, overall rate, and the answers' codes."""
    latencies: list[float] = []
    codes: dict[int, int] = {}
    lock = threading.Lock()
    local = threading.local()

    def one(i: int) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(timeout=60)
        headers = {"X-Forwarded-For": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"} if forwarded else {}
        payload = {**body, "text": f"{body['text']}（第{i}位）"}
        t0 = time.perf_counter()
        answer = client.post(url, json=payload, headers=headers)
        spent = time.perf_counter() - t0
        with lock:
            latencies.append(spent)
            codes[answer.status_code] = codes.get(answer.status_code, 0) + 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    wall = time.perf_counter() - t0
    return {"n": n, "rate": n / wall, **_percentiles(latencies), "ok": codes.get(201, 0), "codes": str(codes)}  # type: ignore[dict-item]


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "max": ordered[-1],
    }


def _page_under_burst(page: str, stop: threading.Event) -> list[float]:
    seen: list[float] = []
    with httpx.Client(timeout=60) as client:
        while not stop.is_set():
            t0 = time.perf_counter()
            assert client.get(page).status_code == 200
            seen.append(time.perf_counter() - t0)
    return seen


def bench_public(work: Path, comments: int = 2000, concurrency: int = 16) -> dict[str, object]:
    config, cid = _prepare(work)
    body = {"kind": "citizen", "target": "序号5", "text": "建议第五项明确牵头部门和完成时限"}
    port, bare_port = free_port(), free_port()
    serve = [sys.executable, "-m", "entrypoints.cli.main", "serve", "--config", str(config), "--port", str(port),
             "--no-scheduler"]
    bare = [sys.executable, "-m", "uvicorn", "benchmarks.bare_app:app", "--port", str(bare_port), "--log-level",
            "warning"]
    base = f"http://127.0.0.1:{port}"
    with process(serve, f"{base}/public", work / "serve.log"):
        page = f"{base}/public/{cid}"
        idle = [_timed_get(page) for _ in range(20)]
        stop = threading.Event()
        watched: list[float] = []
        watcher = threading.Thread(target=lambda: watched.extend(_page_under_burst(page, stop)))
        watcher.start()
        real = _burst(f"{base}/api/v1/public/consultations/{cid}/comments", comments, concurrency, body, True)
        stop.set()
        watcher.join()
    with process(bare, f"http://127.0.0.1:{bare_port}/docs", work / "bare.log"):
        floor = _burst(f"http://127.0.0.1:{bare_port}/comments", comments, concurrency, body, False)
    return {
        "load": os.getloadavg()[0],  # the machine is shared: figures under load are lower and noisier
        "comments": comments,
        "concurrency": concurrency,
        "serve": real,
        "bare": floor,
        "page_idle": _percentiles(idle),
        "page_burst": _percentiles(watched or idle),
        "page_requests": len(watched),
    }


def _timed_get(url: str) -> float:
    t0 = time.perf_counter()
    assert httpx.get(url, timeout=60).status_code == 200
    return time.perf_counter() - t0


def section(f: dict[str, object]) -> str:
    serve, bare = f["serve"], f["bare"]
    idle, burst = f["page_idle"], f["page_burst"]
    assert isinstance(serve, dict) and isinstance(bare, dict) and isinstance(idle, dict) and isinstance(burst, dict)
    def row(label: str, x: dict[str, float], extra: str = "") -> str:
        times = " | ".join(f"{x[k] * 1000:.0f} ms" for k in ("p50", "p99", "max"))
        return f"| {label} | {extra}{times} |"

    return f"""{HEADING}

{f["comments"]:,} comments POSTed to `/api/v1/public/consultations/{{id}}/comments` by {f["concurrency"]} concurrent
clients (each with its own address, through `[security] trusted_proxies`), against `consultflow serve --no-scheduler`
on SQLite (WAL): per comment two rate-limit counters, the checks, one row and one hash-chained audit event, committed.
Baseline: `benchmarks/bare_app.py`, the same FastAPI/uvicorn stack validating the same JSON body, no database.
Meanwhile one client reads the public draft page (`/public/{{id}}`) in a loop; the public pages read in a deferred
(read-only) transaction, so they do not queue behind the writers. (`python -m benchmarks.public_comments`;
load average {f["load"]:.1f} on the 2-core VM when this run ended.)

| endpoint | comments/s | p50 | p99 | max | answered 201 |
|---|---:|---:|---:|---:|---:|
{row("consultflow serve", serve, f"{serve['rate']:,.0f} | ")} {serve["ok"]:,} |
{row("bare endpoint", bare, f"{bare['rate']:,.0f} | ")} {bare["ok"]:,} |

| public draft page | p50 | p99 | max |
|---|---:|---:|---:|
{row("idle", idle)}
{row(f"during the burst ({f['page_requests']} reads)", burst)}
"""


def update_results(text: str) -> None:
    """Replace (or append) this section of RESULTS.md, leaving the others as they are."""
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if HEADING in current:
        before, _, rest = current.partition(HEADING)
        after = rest[rest.find("\n## ") :] if "\n## " in rest else ""
        current = before.rstrip() + "\n\n" + text.rstrip() + "\n" + after
    else:
        current = current.rstrip() + "\n\n" + text
    RESULTS.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = bench_public(Path(tmp), args.comments, args.concurrency)
    print(figures, flush=True)
    update_results(section(figures))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
