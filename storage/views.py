"""Read-only views that combine rows for readers (reports, pages, messages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only named in annotations: importing this module creates no table class (storage.models)
    from storage.models import Recipient, Unit


@dataclass(frozen=True)
class UnitView:
    """A unit as one round knows it: the name and category it had when asked, today's addresses.

    Immutable and detached, so a reader can never write it back by accident.
    """

    id: int | None
    name: str
    category: str
    aliases: str
    contact: str
    phone: str
    email: str
    webhook: str
    active: bool

    @classmethod
    def of(cls, unit: Unit, recipient: Recipient | None = None) -> UnitView:
        name = (recipient.unit_name if recipient else "") or unit.name
        category = (recipient.unit_category if recipient else "") or unit.category
        return cls(
            unit.id, name, category, unit.aliases, unit.contact, unit.phone, unit.email, unit.webhook, unit.active
        )


# The decision queue's rows as plain, detached values (``ReplyRepo.decision_queue``): the same fields and
# values as the tables' rows, without building thousands of ORM instances for a read-only page.


@dataclass(frozen=True, slots=True)
class CommentRow:
    """A comment row (every column of ``Comment``), read-only."""

    id: int | None
    reply_id: int
    round_id: int
    seq: int
    target: str
    task_number: int | None
    anchor_seq: int | None
    text: str
    basis: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReplyRow:
    """A reply row (every column of ``Reply``), read-only; the comments of one reply share one."""

    id: int | None
    recipient_id: int
    round_id: int
    revision: int
    kind: str
    channel: str
    received_at: datetime
    recorded_at: datetime
    recorded_by: str
    sealed: bool
    late: bool
    superseded: bool
    admitted: bool
    attachment_name: str
    attachment_sha256: str


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """A decision row (every column of ``Decision``), read-only."""

    id: int | None
    comment_id: int
    outcome: str
    reason: str
    change_task_number: int | None
    decided_by: str
    decided_at: datetime
