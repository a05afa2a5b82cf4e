"""The load process: ``python -m benchmarks.load URL JOBS.json OUT.json --concurrency N``.

A separate process on loopback (so the server's figures do not include the client's work), a bounded
list of requests, a fixed number of threads each with its own keep-alive connection. A job may carry a
wall-clock time ``at`` before which it is not sent (the deadline-hour burst). Each answer is recorded
with when it was sent and when it came back (wall clock, comparable with the server's)."""

from __future__ import annotations

import argparse
import json
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("jobs", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    jobs: list[dict[str, Any]] = json.loads(args.jobs.read_text(encoding="utf-8"))
    local = threading.local()
    results: list[dict[str, Any] | None] = [None] * len(jobs)
    # One client per thread, made before the clock starts: making one (its TLS context) takes tens of
    # milliseconds, and eight made at once took about 200 ms, which was counted as the first eight answers'
    # latency (and in every run's p99: 8 of the 10 slowest of 1,000).
    idle: queue.SimpleQueue[httpx.Client] = queue.SimpleQueue()
    for _ in range(args.concurrency):
        idle.put(httpx.Client(base_url=args.url, timeout=60))

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = idle.get_nowait()
        return local.client  # type: ignore[no-any-return]

    def send(index: int) -> None:
        job = jobs[index]
        wait = job.get("at", 0) - time.time()
        if wait > 0:
            time.sleep(wait)
        sent = time.time()
        t0 = time.perf_counter()
        record: dict[str, Any]
        try:
            response = client().request(job.get("method", "GET"), job["path"], json=job.get("json"))
            record = {"status": response.status_code}
            if response.status_code == 201:
                body = response.json()
                record |= {"reply_id": body.get("reply_id"), "late": body.get("late")}
        except httpx.HTTPError as exc:
            record = {"status": 0, "error": type(exc).__name__}
        record |= {"sent": sent, "done": time.time(), "latency": time.perf_counter() - t0}
        results[index] = record

    t0 = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(send, range(len(jobs))))
    elapsed = time.perf_counter() - t0
    args.out.write_text(json.dumps({"seconds": elapsed, "results": results}), encoding="utf-8")


if __name__ == "__main__":
    main()
