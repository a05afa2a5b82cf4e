"""Audit verification against a bare ``hashlib`` loop over the same bytes.

A SQLite trail of ``events`` events (a third of them replies carrying their comments, the rest deemed
recipients and other small events) is written through the real ``AuditLog``; then ``audit verify``'s chain
check (``storage.audit.verify_chain``) reads and re-hashes all of it. The baseline hashes the very bytes
each event's hash covers (``storage.audit.event_material``), already in memory: SHA-256 and nothing else, in
one process on one core. ``verify_chain`` is measured as ``audit verify`` runs it: on a trail this large it
cuts the seq range across the CPUs this process may use (``processes`` in the result), so on a machine of
several cores its rate can approach or pass the single-core bare loop's.
With a signing key, ``verify --checkpoint`` adds one Ed25519 check per checkpoint to the same chain walk."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from pathlib import Path
from typing import Any

from benchmarks.live import database
from storage.audit import GENESIS_HASH, PARALLEL_MIN, _ranges, _stored_at, canonical_payload, event_material
from storage.bulk import fetch_all
from storage.db import create_schema, make_engine
from storage.uow import UnitOfWork

CHUNK = 100_000
OFFICE = 1  # every event names its office (hashed after the other fields)


def _rows(start: int, count: int, at: datetime) -> list[tuple[Any, ...]]:
    rows = []
    for n in range(start, start + count):
        when = at + timedelta(seconds=n // 50)  # fifty events per transaction-time, as a sweep writes them
        if n % 3 == 0:
            payload = canonical_payload(
                {
                    "unit": f"单位{n % 500}",
                    "reply_id": n,
                    "revision": 1,
                    "kind": "with_comments",
                    "channel": "web",
                    "comments": 2,
                    "comment_items": [
                        {
                            "id": 2 * n,
                            "seq": 1,
                            "target": "序号1",
                            "text": "建议补充具体措施。",
                            "basis": "",
                            "reason": "",
                        },
                        {
                            "id": 2 * n + 1,
                            "seq": 2,
                            "target": "序号2",
                            "text": "表述建议修改。",
                            "basis": "",
                            "reason": "",
                        },
                    ],
                }
            )
            rows.append(
                (
                    when,
                    "单位",
                    "unit",
                    "reply.submitted",
                    f"recipient:{n}",
                    n // 50,
                    "pending",
                    "with_comments",
                    payload,
                    False,
                    OFFICE,
                )
            )
        else:
            payload = canonical_payload(
                {"unit_id": n % 500, "deadline": at.isoformat(), "enforced_at": when.isoformat()}
            )
            state = "deemed_no_objection"
            rows.append(
                (
                    when,
                    "系统",
                    "system",
                    f"recipient.{state}",
                    f"recipient:{n}",
                    n // 50,
                    "pending",
                    state,
                    payload,
                    False,
                    OFFICE,
                )
            )
    return rows


def bench_audit(workdir: Path, events: int) -> dict[str, float]:
    at = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    with database("sqlite", workdir, "audit") as url:
        engine = make_engine(url)
        create_schema(engine)
        t0 = time.perf_counter()
        for start in range(0, events, CHUNK):
            with UnitOfWork(engine) as uow:
                uow.audit.record_rows(_rows(start, min(CHUNK, events - start), at))
                uow.commit()
        written = time.perf_counter() - t0

        processes = len(verify_ranges(engine))
        with UnitOfWork(engine) as uow:
            t0 = time.perf_counter()
            verdict = uow.audit.verify()
            verified = time.perf_counter() - t0
        assert verdict.ok and verdict.checked == events, verdict

        # The baseline: the same bytes, read and built beforehand (not timed), hashed in a plain loop.
        bare = 0.0
        last = 0
        prev = GENESIS_HASH
        with UnitOfWork(engine) as uow:
            while True:
                rows = fetch_all(
                    uow.session,
                    "SELECT seq, at, actor, role, action, entity, round_id, from_state, to_state, payload, imported, "
                    "prev_hash, hash, office_id FROM auditevent WHERE seq > ? ORDER BY seq LIMIT 50000",
                    (last,),
                )
                if not rows:
                    break
                materials = [
                    event_material(
                        r[0],
                        _stored_at(r[1]),
                        r[2],
                        r[3],
                        r[4],
                        r[5],
                        r[6],
                        r[7],
                        r[8],
                        r[9],
                        bool(r[10]),
                        r[11],
                        r[13],
                    )
                    for r in rows
                ]
                t0 = time.perf_counter()
                for material in materials:
                    prev = sha256(material).hexdigest()
                bare += time.perf_counter() - t0
                last = rows[-1][0]
        assert prev == rows_last_hash(engine), "the bare loop hashed the same bytes"
        engine.dispose()
    return {
        "events": events,
        "write_seconds": written,
        "seconds": verified,
        "rate": events / verified,
        "bare_seconds": bare,
        "bare_rate": events / bare,
        "ratio": bare / verified,
        "per_million": verified / events * 1_000_000,
        "processes": processes,
    }


def verify_ranges(engine: Any) -> list[tuple[int, int | None]]:
    """The seq ranges ``audit verify`` checks side by side on this trail (one per process)."""
    with UnitOfWork(engine) as uow:
        cursor = uow.session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            return _ranges(uow.session, cursor, None, PARALLEL_MIN)
        finally:
            cursor.close()


def rows_last_hash(engine: Any) -> str:
    with UnitOfWork(engine) as uow:
        head = uow.audit.head()
    assert head is not None
    return head[1]
