"""Reply intake over HTTP: link replies against a bare endpoint of the same ``consultflow serve``, and the
deadline-hour burst (every unit replying in the last minute while the sweep fires)."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from benchmarks.live import (
    ROOT,
    database,
    fresh_engine,
    office_with_units,
    open_round,
    serving,
    tokens,
    wait_outbox_drained,
    write_config,
)
from kernel.clock import SystemClock
from states.outbox import OutboxStatus
from storage.models import AuditEvent, Comment, OutboxMessage, Recipient, Reply
from storage.uow import UnitOfWork

CLOCK = SystemClock()
CONCURRENCY = 8


def _reply_body(n: int) -> dict[str, Any]:
    """Two comments, on tasks the seed draft has."""
    return {
        "comments": [
            {"target": "序号1", "text": f"建议补充第{n}项具体措施。", "basis": "", "reason": "便于落实"},
            {"target": "序号2", "text": f"第{n}条表述建议修改。", "basis": "", "reason": ""},
        ]
    }


def run_load(url: str, jobs: list[dict[str, Any]], workdir: Path, name: str, concurrency: int) -> dict[str, Any]:
    """Send ``jobs`` from a separate process; the answers, each with its timings."""
    spec, out = workdir / f"{name}-jobs.json", workdir / f"{name}-out.json"
    spec.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    command = [sys.executable, "-m", "benchmarks.load", url, str(spec), str(out), "--concurrency", str(concurrency)]
    subprocess.run(command, cwd=ROOT, check=True)
    return json.loads(out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _stats(run: dict[str, Any]) -> dict[str, Any]:
    results = run["results"]
    latencies = sorted(r["latency"] for r in results)
    return {
        "count": len(results),
        "statuses": dict(Counter(r["status"] for r in results)),
        "rate": len(results) / run["seconds"],
        "p50": statistics.median(latencies),
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)],
    }


def notices_sent(engine: Any) -> None:
    """The round's solicitation notices went out when it started, days before its deadline hour: they are
    recorded as sent, so the server's relay is not composing them (with their DOCX attachments) meanwhile."""
    with UnitOfWork(engine) as uow:
        uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.pending).values(status=OutboxStatus.sent)  # type: ignore[arg-type]
        )
        uow.session.commit()


def bench_intake(workdir: Path, kind: str, replies: int, units: int) -> dict[str, Any]:
    """``replies`` link replies (two comments each, ``units`` units replying in turn, so later ones are
    revisions) against ``/healthz`` (a write probe and the health queries) and a static file (no database)
    of the same server, at the same concurrency; then check every acknowledged reply is stored and audited."""
    with database(kind, workdir, "intake") as url:
        engine = fresh_engine(url)
        office = office_with_units(engine, CLOCK, units)
        round_id = open_round(engine, CLOCK, office, datetime.now(UTC) + timedelta(hours=2), 1)
        links = tokens(engine, CLOCK, round_id)
        config = write_config(workdir, url)
        notices_sent(engine)
        with serving(config, workdir) as (base, _pid):
            drained = wait_outbox_drained(engine)
            # Warm-up: the server's first requests build FastAPI's route tables and SQLAlchemy's statement cache.
            warm = [{"path": "/healthz"}] * 50 + [{"path": f"/api/v1/links/{t}"} for t in links[:50]]
            run_load(base, warm, workdir, "warm", CONCURRENCY)
            bare = _stats(run_load(base, [{"path": "/healthz"}] * replies, workdir, f"{kind}-bare", CONCURRENCY))
            static = _stats(
                run_load(base, [{"path": "/static/app.css"}] * replies, workdir, f"{kind}-static", CONCURRENCY)
            )
            jobs = [
                {"method": "POST", "path": f"/api/v1/links/{links[n % units]}/replies", "json": _reply_body(n)}
                for n in range(replies)
            ]
            run = run_load(base, jobs, workdir, f"{kind}-replies", CONCURRENCY)
        acknowledged = sum(1 for r in run["results"] if r["status"] == 201)
        with UnitOfWork(engine) as uow:
            stored = uow.session.execute(select(func.count()).select_from(Reply)).scalar_one()
            comments = uow.session.execute(select(func.count()).select_from(Comment)).scalar_one()
            audited = uow.session.execute(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "reply.submitted")
            ).scalar_one()
            chain = uow.audit.verify()
        engine.dispose()
    assert acknowledged == replies, f"every reply acknowledged: {Counter(r['status'] for r in run['results'])}"
    assert stored == audited == acknowledged and comments == 2 * acknowledged, "acknowledged = stored = audited"
    assert chain.ok, chain
    reply = _stats(run)
    return {
        "kind": kind,
        "replies": replies,
        "units": units,
        "reply": reply,
        "bare": bare,
        "static": static,
        "ratio": reply["rate"] / bare["rate"],
        "ratio_static": reply["rate"] / static["rate"],
        "notices_seconds": drained,
    }


def bench_burst(workdir: Path, kind: str, units: int, window: float) -> dict[str, Any]:
    """Every unit replies once within the last ``window`` seconds before the deadline (and a few just
    after) while the scheduler in the same server enforces it. No reply acknowledged before the deadline
    may be judged late; every unit ends replied or deemed, each deemed once."""
    with database(kind, workdir, "burst") as url:
        engine = fresh_engine(url)
        office = office_with_units(engine, CLOCK, units)
        setup_margin = 20.0 + units / 100  # serve starts and schedules the round before the window opens
        deadline = datetime.now(UTC) + timedelta(seconds=setup_margin + window)
        round_id = open_round(engine, CLOCK, office, deadline, 1)
        links = tokens(engine, CLOCK, round_id)
        config = write_config(workdir, url, "\n[scheduler]\nsweep_interval_seconds = 60\n")
        notices_sent(engine)
        with serving(config, workdir) as (base, _pid):
            start = deadline.timestamp() - window
            spread = window * 1.05  # the last 5% of the sends fall after the deadline
            jobs = [
                {
                    "method": "POST",
                    "path": f"/api/v1/links/{links[n]}/replies",
                    "json": _reply_body(n),
                    "at": start + spread * n / units,
                }
                for n in range(units)
            ]
            # Warm-up (FastAPI's route tables, SQLAlchemy's statement cache): the link views of a few units.
            run_load(base, [{"path": f"/api/v1/links/{t}"} for t in links[:20]], workdir, "burst-warm", 4)
            if time.time() > start:
                raise RuntimeError("set-up took longer than the margin; lower --scale")
            run = run_load(base, jobs, workdir, f"{kind}-burst", 32)
            time.sleep(2)  # the deadline job has fired by now (p99 5 ms in the latency benchmark)
        results = run["results"]
        cutoff = deadline.timestamp()
        acked_before = [r for r in results if r["status"] == 201 and r["done"] < cutoff]
        judged_late = [r for r in acked_before if r["late"]]
        around = sorted(r["latency"] for r in results if abs(r["sent"] - cutoff) < 2)
        with UnitOfWork(engine) as uow:
            states = Counter(
                s for (s,) in uow.session.execute(select(Recipient.state).where(Recipient.round_id == round_id))
            )
            deemed_events = Counter(
                e
                for (e,) in uow.session.execute(
                    select(AuditEvent.entity).where(AuditEvent.action == "recipient.deemed_no_objection")
                )
            )
            late_replies = uow.session.execute(
                select(func.count()).select_from(Reply).where(Reply.late.is_(True))  # type: ignore[attr-defined]
            ).scalar_one()
            rnd = uow.rounds.get(round_id)
            chain = uow.audit.verify()
        engine.dispose()
    assert not judged_late, f"{len(judged_late)} replies acknowledged before the deadline were judged late"
    assert states["pending"] == 0 and rnd is not None and rnd.state == "closed", f"enforced: {states}"
    assert all(n == 1 for n in deemed_events.values()), "each silent unit deemed once"
    assert chain.ok, chain
    stats = _stats(run)
    return {
        "kind": kind,
        "units": units,
        "window": window,
        "burst": stats,
        "acknowledged_before": len(acked_before),
        "judged_late_of_those": len(judged_late),
        "late_replies": late_replies,
        "deemed": states["deemed_no_objection"],
        "p99_around_deadline": around[max(0, int(len(around) * 0.99) - 1)] if around else 0.0,
        "around_count": len(around),
    }
