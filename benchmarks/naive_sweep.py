"""The baseline: what a straightforward per-row ORM implementation of the sweep does.

One Machine per recipient (as binding transitions to each row would), each row loaded and saved
through the ORM, each audit event chained by reading the head, one commit per round.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, select
from transitions import Machine

from storage.audit import GENESIS_HASH, canonical_payload, event_hash
from storage.models import AuditEvent, AuditHead, Draft, Recipient, Round


class _Row:
    def __init__(self, state: str) -> None:
        self.state = state


def naive_sweep(engine: Engine, now: datetime, round_limit: int) -> int:
    deemed = 0
    with Session(engine) as session:
        rounds = session.exec(
            select(Round).where(Round.state == "open", Round.deadline <= now).order_by(Round.id).limit(round_limit)
        ).all()  # type: ignore[arg-type]
        for rnd in rounds:
            for rec in session.exec(select(Recipient).where(Recipient.round_id == rnd.id)).all():
                model = _Row(rec.state)
                Machine(
                    model=model,
                    states=["pending", "deemed_no_objection"],
                    initial=rec.state,
                    transitions=[["deem", "pending", "deemed_no_objection"]],
                    auto_transitions=False,
                )
                if model.state != "pending":
                    continue
                model.deem()  # type: ignore[attr-defined]
                rec.state = model.state
                rec.deemed_at = now
                session.add(rec)
                head = session.get(AuditHead, 1) or AuditHead(id=1, seq=0, hash=GENESIS_HASH)
                payload = canonical_payload(
                    {"unit_id": rec.unit_id, "deadline": rnd.deadline.isoformat(), "enforced_at": now.isoformat()}
                )
                seq = head.seq + 1
                digest = event_hash(
                    seq=seq,
                    at=now,
                    actor="系统",
                    role="system",
                    action="recipient.deemed_no_objection",
                    entity=f"recipient:{rec.id}",
                    round_id=rnd.id,
                    from_state="pending",
                    to_state="deemed_no_objection",
                    payload=payload,
                    imported=False,
                    prev_hash=head.hash or GENESIS_HASH,
                )
                session.add(
                    AuditEvent(
                        seq=seq,
                        at=now,
                        actor="系统",
                        role="system",
                        action="recipient.deemed_no_objection",
                        entity=f"recipient:{rec.id}",
                        round_id=rnd.id,
                        from_state="pending",
                        to_state="deemed_no_objection",
                        payload=payload,
                        imported=False,
                        prev_hash=head.hash or GENESIS_HASH,
                        hash=digest,
                    )
                )
                head.seq, head.hash = seq, digest
                session.add(head)
                session.flush()
                deemed += 1
            rnd.state, rnd.enforced_at = "closed", now
            draft = session.get(Draft, rnd.draft_id)
            if draft is not None:
                draft.state = "deciding"
            session.commit()
    return deemed
