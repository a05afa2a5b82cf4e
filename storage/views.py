"""Read-only views that combine rows for readers (reports, pages, messages)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.bulk import from_stamp

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
    def of(cls, unit: Unit | UnitRow, recipient: Recipient | RecipientRow | None = None) -> UnitView:
        name = (recipient.unit_name if recipient else "") or unit.name
        category = (recipient.unit_category if recipient else "") or unit.category
        return cls(
            unit.id, name, category, unit.aliases, unit.contact, unit.phone, unit.email, unit.webhook, unit.active
        )


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit row (every column of ``Unit``), read-only: what a reply reads of its unit under its lock."""

    id: int | None
    office_id: int
    name: str
    category: str
    aliases: str
    contact: str
    phone: str
    email: str
    webhook: str
    active: bool

    @classmethod
    def from_db(cls, v: Sequence[Any]) -> UnitRow:
        """From a DB-API row's plain values of every column, in this order."""
        return cls(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], bool(v[9]))


@dataclass(frozen=True, slots=True)
class RecipientRow:
    """A recipient row (every column of ``Recipient``) as it was read, read-only: a later write in the same
    transaction does not change it, and a round's documents read their 500 recipients without an ORM
    instance each."""

    id: int | None
    round_id: int
    unit_id: int
    state: str
    replied_at: datetime | None
    deemed_at: datetime | None
    late: bool
    revisions: int
    unit_name: str
    unit_category: str

    @classmethod
    def from_db(cls, v: Sequence[Any]) -> RecipientRow:
        """From a DB-API row's plain values of every column, in this order."""
        return cls(v[0], v[1], v[2], v[3], from_stamp(v[4]), from_stamp(v[5]), bool(v[6]), v[7], v[8], v[9])


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
    change_item_version: int | None
    change_item_seq: int | None
    change_item_label: str | None
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewQueueRow:
    """One round of the reviewer's queue: the round, its draft (None where the scope hides it, as loading it
    would), and its latest legality review (the highest id: a resubmission after a return is a new review)."""

    round_id: int
    doc_number: str
    office_id: int
    draft_title: str | None
    draft_state: str | None
    issued_doc_number: str | None
    review_state: str
    requested_at: datetime
    due_at: datetime | None
