"""Replaying the trail rebuilds the state tables; rows recorded before comment content was hashed
(reply events with only a comment count) stay verifiable, by count."""

from __future__ import annotations

import json

from sqlalchemy import Engine, delete, select, update

from kernel.clock import FixedClock
from storage.audit import GENESIS_HASH, event_hash
from storage.models import AuditEvent, AuditHead, Comment
from storage.uow import UnitOfWork
from tests.support.audit_round import full_round
from workflow.services.audit import verify
from workflow.services.audit_state import verify_state

EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]


def _as_before_content_hashing(engine: Engine) -> None:
    """Rewrite the trail as the previous release wrote it: reply events carry a count, not the content."""
    with engine.begin() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(EVENTS).order_by(EVENTS.c.seq))]
        conn.execute(delete(EVENTS))
        prev = GENESIS_HASH
        for row in rows:
            payload = json.loads(row["payload"])
            if "comment_items" in payload:
                del payload["comment_items"]
                row["payload"] = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            row["prev_hash"] = prev
            fields = {k: v for k, v in row.items() if k != "hash"}
            row["hash"] = prev = event_hash(**fields)
            conn.execute(EVENTS.insert().values(**row))
        conn.execute(update(AuditHead.__table__).values(seq=len(rows), hash=prev))  # type: ignore[attr-defined]


def test_a_whole_round_replays_to_its_tables(engine: Engine, clock: FixedClock) -> None:
    full_round(engine, clock)
    with UnitOfWork(engine) as uow:
        report = verify_state(uow)
    assert report.ok, [d.message for d in report.differences]
    assert report.checked == {"recipients": 5, "comments": 5, "decisions": 4, "drafts": 1, "rounds": 1}


def test_older_reply_events_are_checked_by_their_comment_count(engine: Engine, clock: FixedClock) -> None:
    full_round(engine, clock)
    _as_before_content_hashing(engine)
    with UnitOfWork(engine) as uow:
        assert verify(uow).ok
        assert verify_state(uow).ok
    with engine.begin() as conn:
        conn.execute(update(Comment.__table__).values(text="改过的意见"))  # type: ignore[attr-defined]
    with UnitOfWork(engine) as uow:
        assert verify_state(uow).ok, "an older event cannot vouch for the text: only for how many"
    with engine.begin() as conn:
        first = conn.execute(select(Comment.__table__.c.id).limit(1)).scalar_one()  # type: ignore[attr-defined]
        conn.execute(
            delete(Comment.__table__).where(Comment.__table__.c.id == first)  # type: ignore[attr-defined]
        )
    with UnitOfWork(engine) as uow:
        [diff] = verify_state(uow).differences
    assert diff.field == "意见条数" and diff.entity.startswith("reply:")
