"""The decision queue as plain rows holds what the entity select held, on SQLite and PostgreSQL: the same
comments in the same order, each with every column of its comment, reply and decision, and its unit as the
round knew it; in an office's scope as unscoped."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from kernel.clock import FixedClock
from storage.models import Comment, Decision, Recipient, Reply, Unit
from storage.repositories.replies import in_queue
from storage.uow import UnitOfWork
from storage.views import CommentRow, DecisionRow, ReplyRow, UnitView
from tests.support.audit_round import full_round
from tests.support.scenario import demo_office_id


def _entity_queue(uow: UnitOfWork, round_id: int) -> list[tuple[Any, ...]]:
    """The queue as the repository built it before: one select of the entities."""
    rows = uow.session.exec(
        select(Comment, Reply, Unit, Decision, Recipient)  # type: ignore[call-overload]
        .join(Reply, Reply.id == Comment.reply_id)  # type: ignore[arg-type]
        .join(Recipient, Recipient.id == Reply.recipient_id)  # type: ignore[arg-type]
        .join(Unit, Unit.id == Recipient.unit_id)  # type: ignore[arg-type]
        .outerjoin(Decision, Decision.comment_id == Comment.id)  # type: ignore[arg-type]
        .where(Reply.round_id == round_id, in_queue())
        .order_by(Recipient.id, Reply.id, Comment.seq)  # type: ignore[arg-type]
    ).all()
    return [(c, r, UnitView.of(u, rec), d) for c, r, u, d, rec in rows]


def _values(row: Any, kind: type) -> dict[str, Any] | None:
    return None if row is None else {f.name: getattr(row, f.name) for f in fields(kind)}


def test_the_rows_hold_the_entities_values(engine: Engine, clock: FixedClock) -> None:
    built = full_round(engine, clock)
    for offices in (None, [demo_office_id(engine)]):
        with UnitOfWork(engine, offices=offices) as uow:
            rows = uow.replies.decision_queue(built.round_id)
            old = _entity_queue(uow, built.round_id)
            assert len(rows) == len(old) > 0
            assert any(d is not None for *_x, d in rows), "the round has decisions"
            for (c, r, u, d), (oc, or_, ou, od) in zip(rows, old, strict=True):
                assert asdict(c) == _values(oc, CommentRow)
                assert asdict(r) == _values(or_, ReplyRow)
                assert u == ou
                assert (None if d is None else asdict(d)) == _values(od, DecisionRow)
            # the plain classes name every column of their tables
            for kind, entity in ((CommentRow, Comment), (ReplyRow, Reply), (DecisionRow, Decision)):
                assert [f.name for f in fields(kind)] == [c.name for c in entity.__table__.columns]  # type: ignore[union-attr]


def test_the_queue_sees_a_decision_made_in_the_same_transaction(engine: Engine, clock: FixedClock) -> None:
    """Column selects autoflush as the entity select did: a decision staged but not flushed is in the queue."""
    built = full_round(engine, clock)
    with UnitOfWork(engine) as uow:
        rows = uow.replies.decision_queue(built.round_id)
        comment = next(c for c, *_x, d in rows if d is None) if any(d is None for *_x, d in rows) else None
        if comment is None:
            decided = next(d for *_x, d in rows if d is not None)
            stored = uow.session.get(Decision, decided.id)
            assert stored is not None
            stored.reason = "同一事务中修改的理由"
            uow.session.add(stored)
            again = {c.id: d for c, *_x, d in uow.replies.decision_queue(built.round_id)}
            assert again[decided.comment_id] is not None
            assert again[decided.comment_id].reason == "同一事务中修改的理由"  # type: ignore[union-attr]
        else:
            uow.session.add(
                Decision(comment_id=comment.id or 0, outcome="adopted", decided_by="t", decided_at=clock.now())
            )
            again = {c.id: d for c, *_x, d in uow.replies.decision_queue(built.round_id)}
            assert again[comment.id] is not None and again[comment.id].outcome == "adopted"  # type: ignore[union-attr]
        uow.session.rollback()
