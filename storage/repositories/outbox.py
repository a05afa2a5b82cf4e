"""The outbox: queued messages, their claims by relays, and every delivery attempt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select, update
from sqlmodel import Session

from states.outbox import DUE, RETRYABLE, UNSENT, OutboxStatus
from storage import models as m
from storage.bulk import db_stamp, execute_many, fetch_rows, placeholder
from storage.repositories._rows import get

if TYPE_CHECKING:
    from storage.models import DeliveryAttempt, OutboxMessage

_ENQUEUE_COLUMNS = (
    "key",
    "kind",
    "round_id",
    "recipient_id",
    "unit_id",
    "channel",
    "address",
    "context",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "created_at",
    "claimed_by",
)
_ENQUEUE_VALUES = f"({', '.join('?' * len(_ENQUEUE_COLUMNS))})"
_ENQUEUE = (
    f"INSERT INTO outboxmessage ({', '.join(_ENQUEUE_COLUMNS)}) VALUES {{}} ON CONFLICT (key) DO NOTHING RETURNING id"
)
"""Plain SQL (``storage.bulk``): every reply queues its receipt, and SQLAlchemy's own work for the statement
cost more than running it. 500 messages (7,000 parameters) per statement, within every database's limit."""
_ENQUEUE_CHUNK = 500


class OutboxRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert messages (rows as ``messages.outbox_row`` makes them), silently skipping keys already queued
        (never twice); how many were queued."""
        total = 0
        for start in range(0, len(rows), _ENQUEUE_CHUNK):
            chunk = rows[start : start + _ENQUEUE_CHUNK]
            sql = _ENQUEUE.format(", ".join([_ENQUEUE_VALUES] * len(chunk)))
            params: list[Any] = []
            for row in chunk:
                params += (
                    row["key"],
                    row["kind"],
                    row["round_id"],
                    row["recipient_id"],
                    row["unit_id"],
                    row["channel"],
                    row["address"],
                    row["context"],
                    str(row["status"]),
                    row["attempts"],
                    db_stamp(self.session, row["next_attempt_at"]),
                    row["last_error"],
                    db_stamp(self.session, row["created_at"]),
                    "",  # claimed_by: no relay has it yet
                )
            total += len(fetch_rows(self.session, sql, params))
        return total

    def enqueue_rows(self, rows: Sequence[tuple[Any, ...]], now: datetime) -> int:
        """Bulk path (key, kind, round_id, recipient_id, unit_id, channel, address, context, status,
        last_error): plain executemany with ON CONFLICT DO NOTHING; returns how many rows were offered."""
        if not rows:
            return 0
        mark = placeholder(self.session)
        when = db_stamp(self.session, now)
        sql = (
            "INSERT INTO outboxmessage (key, kind, round_id, recipient_id, unit_id, channel, address, context, status, "
            f"last_error, attempts, next_attempt_at, created_at, claimed_by) VALUES ({', '.join([mark] * 14)}) "
            "ON CONFLICT (key) DO NOTHING"
        )
        execute_many(self.session, sql, [(*r, 0, when, when, "") for r in rows])
        return len(rows)

    def due_since(self, before: datetime) -> int:
        """Messages that have been due to send since ``before`` or earlier (a relay should have taken them)."""
        stmt = select(func.count(m.OutboxMessage.id)).where(
            m.OutboxMessage.status.in_(DUE),  # type: ignore[attr-defined]
            m.OutboxMessage.next_attempt_at <= before,  # type: ignore[operator]
        )
        return int(self.session.execute(stmt).scalar_one())

    def claim(self, now: datetime, worker: str, lease_until: datetime, limit: int) -> list[OutboxMessage]:
        """Take due messages for one relay: pending/failed ones whose retry time came, or whose
        previous claimant's lease ran out (a relay that crashed mid-send)."""
        stmt = (
            select(m.OutboxMessage)
            .where(
                or_(
                    (m.OutboxMessage.status.in_(DUE)) & (m.OutboxMessage.next_attempt_at <= now),  # type: ignore[attr-defined]
                    (m.OutboxMessage.status == OutboxStatus.sending) & (m.OutboxMessage.claimed_until <= now),  # type: ignore[operator]
                )
            )
            .order_by(m.OutboxMessage.id)  # type: ignore[arg-type]
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(self.session.execute(stmt).scalars())
        for row in rows:
            row.status = OutboxStatus.sending
            row.claimed_by = worker
            row.claimed_until = lease_until
        self.session.flush()
        return rows

    def get(self, message_id: int) -> OutboxMessage | None:
        return get(self.session, m.OutboxMessage, message_id)

    def add_attempt(self, attempt: DeliveryAttempt) -> None:
        self.session.add(attempt)

    def save(self, row: OutboxMessage) -> None:
        self.session.add(row)
        self.session.flush()

    def for_round(self, round_id: int) -> list[OutboxMessage]:
        return list(
            self.session.execute(
                select(m.OutboxMessage).where(m.OutboxMessage.round_id == round_id).order_by(m.OutboxMessage.id)  # type: ignore[arg-type]
            ).scalars()
        )

    def for_recipients(self, round_id: int, recipient_ids: Sequence[int]) -> list[OutboxMessage]:
        """``for_round``'s messages to some of the round's recipients only (a page of them)."""
        if not recipient_ids:
            return []
        stmt = (
            select(m.OutboxMessage)
            .where(m.OutboxMessage.round_id == round_id, m.OutboxMessage.recipient_id.in_(list(recipient_ids)))  # type: ignore[union-attr]
            .order_by(m.OutboxMessage.id)  # type: ignore[arg-type]
        )
        return list(self.session.execute(stmt).scalars())

    def unit_ids_with_status(self, round_id: int, status: str) -> list[int]:
        """The units a message of the round in ``status`` was for (e.g. undeliverable: no address)."""
        stmt = (
            select(m.OutboxMessage.unit_id)
            .where(m.OutboxMessage.round_id == round_id, m.OutboxMessage.status == status)
            .where(m.OutboxMessage.unit_id.is_not(None))  # type: ignore[union-attr]
            .distinct()
        )
        return [int(u) for u in self.session.execute(stmt).scalars() if u is not None]

    def of_kind(self, kind: str) -> list[OutboxMessage]:
        """Messages of one kind (progress notices belong to no solicitation round)."""
        stmt = select(m.OutboxMessage).where(m.OutboxMessage.kind == kind).order_by(m.OutboxMessage.id)
        return list(self.session.execute(stmt).scalars())

    def attempts(self, message_id: int) -> list[DeliveryAttempt]:
        return list(
            self.session.execute(
                select(m.DeliveryAttempt)
                .where(m.DeliveryAttempt.message_id == message_id)
                .order_by(m.DeliveryAttempt.id)  # type: ignore[arg-type]
            ).scalars()
        )

    def failures(self) -> list[OutboxMessage]:
        return list(
            self.session.execute(
                select(m.OutboxMessage)
                .where(m.OutboxMessage.status.in_(UNSENT))  # type: ignore[attr-defined]
                .order_by(m.OutboxMessage.id)  # type: ignore[arg-type]
            ).scalars()
        )

    def requeue(self, message_id: int, now: datetime) -> bool:
        result = self.session.execute(
            update(m.OutboxMessage)
            .where(m.OutboxMessage.id == message_id, m.OutboxMessage.status.in_(RETRYABLE))  # type: ignore[attr-defined]
            .values(status=OutboxStatus.pending, next_attempt_at=now, attempts=0)
        )
        return bool(result.rowcount)
