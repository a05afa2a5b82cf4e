"""The ``OutboxMessage`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from states.outbox import OutboxStatus
from storage.types import at_column


class OutboxMessage(SQLModel, table=True):
    """A message to send, written in the same transaction as the change that causes it.

    ``key`` is the idempotency key: the same notice is never queued twice, and channels that
    can de-duplicate (Message-ID, Idempotency-Key) receive it with every retry.
    """

    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    kind: str
    round_id: int | None = Field(default=None, index=True)
    recipient_id: int | None = Field(default=None, index=True)
    unit_id: int | None = None
    channel: str  # email | webhook | wecom | dingtalk | console | none
    address: str = ""
    context: str = Field(default="{}", sa_type=Text)  # JSON: ids and values frozen at enqueue time
    status: str = OutboxStatus.pending.value  # see states.outbox
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=at_column())
    last_error: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(sa_column=at_column())
    sent_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
    claimed_by: str = ""
    claimed_until: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
