"""SQLModel tables. Rows are plain records: state changes go through ``states/`` machines
in the services, never by assigning ``state`` from an entry point.

Each table is defined in its own module under ``storage/tables`` and created the first time it is named
(``from storage.models import Round`` or ``models.Round``). Why: creating a table class (Pydantic's model
and SQLAlchemy's mapping) costs several milliseconds, and every CLI call is a new process; creating all
41 (and configuring their mappers) before a command that reads three took about 0.2 s of every
``consultflow round list``. What needs every table (the schema, migrations, the office-scope check, a
long-running server) calls ``load_all()``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.tables.audit_event import AuditEvent as AuditEvent
    from storage.tables.audit_head import AuditHead as AuditHead
    from storage.tables.comment import Comment as Comment
    from storage.tables.decision import Decision as Decision
    from storage.tables.deliberation import Deliberation as Deliberation
    from storage.tables.delivery_attempt import DeliveryAttempt as DeliveryAttempt
    from storage.tables.departure import Departure as Departure
    from storage.tables.draft import Draft as Draft
    from storage.tables.draft_item import DraftItem as DraftItem
    from storage.tables.draft_item_link import DraftItemLink as DraftItemLink
    from storage.tables.draft_version import DraftVersion as DraftVersion
    from storage.tables.filing import Filing as Filing
    from storage.tables.item_evidence import ItemEvidence as ItemEvidence
    from storage.tables.item_unit import ItemUnit as ItemUnit
    from storage.tables.legality_review import LegalityReview as LegalityReview
    from storage.tables.measure_table import MeasureTable as MeasureTable
    from storage.tables.office import Office as Office
    from storage.tables.outbox_message import OutboxMessage as OutboxMessage
    from storage.tables.progress_report import ProgressReport as ProgressReport
    from storage.tables.progress_request import ProgressRequest as ProgressRequest
    from storage.tables.progress_round import ProgressRound as ProgressRound
    from storage.tables.public_comment import PublicComment as PublicComment
    from storage.tables.public_comment_group import PublicCommentGroup as PublicCommentGroup
    from storage.tables.public_consultation import PublicConsultation as PublicConsultation
    from storage.tables.public_contact import PublicContact as PublicContact
    from storage.tables.publication import Publication as Publication
    from storage.tables.rate_limit_counter import RateLimitCounter as RateLimitCounter
    from storage.tables.recipient import Recipient as Recipient
    from storage.tables.reply import Reply as Reply
    from storage.tables.reply_attachment import ReplyAttachment as ReplyAttachment
    from storage.tables.reply_link import ReplyLink as ReplyLink
    from storage.tables.review_document import ReviewDocument as ReviewDocument
    from storage.tables.round import Round as Round
    from storage.tables.signed_document import SignedDocument as SignedDocument
    from storage.tables.task import Task as Task
    from storage.tables.task_item import TaskItem as TaskItem
    from storage.tables.tracked_item import TrackedItem as TrackedItem
    from storage.tables.unit import Unit as Unit
    from storage.tables.unit_mapping import UnitMapping as UnitMapping
    from storage.tables.user import User as User
    from storage.tables.web_session import WebSession as WebSession

TABLES: dict[str, str] = {
    "Office": "office",
    "Unit": "unit",
    "Draft": "draft",
    "DraftVersion": "draft_version",
    "Task": "task",
    "TaskItem": "task_item",
    "DraftItem": "draft_item",
    "DraftItemLink": "draft_item_link",
    "Round": "round",
    "Recipient": "recipient",
    "Reply": "reply",
    "Comment": "comment",
    "Decision": "decision",
    "LegalityReview": "legality_review",
    "AuditEvent": "audit_event",
    "AuditHead": "audit_head",
    "OutboxMessage": "outbox_message",
    "DeliveryAttempt": "delivery_attempt",
    "ReplyLink": "reply_link",
    "User": "user",
    "WebSession": "web_session",
    "ReplyAttachment": "reply_attachment",
    "RateLimitCounter": "rate_limit_counter",
    "MeasureTable": "measure_table",
    "TrackedItem": "tracked_item",
    "ItemUnit": "item_unit",
    "UnitMapping": "unit_mapping",
    "ProgressRound": "progress_round",
    "ProgressRequest": "progress_request",
    "ProgressReport": "progress_report",
    "ItemEvidence": "item_evidence",
    "Departure": "departure",
    "ReviewDocument": "review_document",
    "SignedDocument": "signed_document",
    "Deliberation": "deliberation",
    "Publication": "publication",
    "Filing": "filing",
    "PublicConsultation": "public_consultation",
    "PublicCommentGroup": "public_comment_group",
    "PublicComment": "public_comment",
    "PublicContact": "public_contact",
}
"""Every table class, by name, and its module under ``storage/tables``."""

__all__ = [*TABLES, "load_all"]


def _create(name: str) -> Any:
    """The table class ``name``, created on first use (see the module's docstring)."""
    module = TABLES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"storage.tables.{module}"), name)
    globals()[name] = value  # later look-ups find it directly
    return value


if not TYPE_CHECKING:
    # Hidden from mypy: a module-level __getattr__ would let any name through, so a misspelled
    # ``from storage.models import Rund`` passed the type check. It sees the declared names above instead.
    __getattr__ = _create


def load_all() -> None:
    """Create every table class, so ``SQLModel.metadata`` holds the whole schema."""
    for name in TABLES:
        _create(name)
