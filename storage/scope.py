"""Office scope: a unit of work opened for one office (or a reviewer's offices) reads only their rows.

Several offices share one database. Rather than trusting every query to remember its office, a scoped
session adds the office condition to every ORM statement it runs (SQLAlchemy's ``with_loader_criteria``
on ``do_orm_execute``): a round, draft, unit, reply, comment, attachment, link, tracked item or progress
round of another office is simply not there, so loading it by id is ``NOT_FOUND`` (404), never a
"forbidden" that would tell the caller it exists. Rows without an office column are scoped through the
row that owns them (a comment through its round). Unscoped units of work (the scheduler, the relay, the
audit chain's verification, ``init``) see everything, as before.

The audit trail is not filtered here: its verification must read every event. Its readers filter by
office explicitly (``storage.audit.iter_events``).
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, event, or_, select
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, col

from storage.models import (
    Comment,
    Decision,
    Deliberation,
    Departure,
    Draft,
    DraftItem,
    DraftItemLink,
    DraftVersion,
    Filing,
    ItemEvidence,
    ItemUnit,
    LegalityReview,
    MeasureTable,
    Office,
    OutboxMessage,
    ProgressReport,
    ProgressRequest,
    ProgressRound,
    Publication,
    PublicComment,
    PublicCommentGroup,
    PublicConsultation,
    PublicContact,
    Recipient,
    Reply,
    ReplyAttachment,
    ReplyLink,
    ReviewDocument,
    Round,
    SignedDocument,
    TrackedItem,
    Unit,
    UnitMapping,
    User,
)

SCOPE_KEY = "office_scope"
ALL_OFFICES = {"all_offices": True}
"""Execution options of the few reads that must see past the scope (a user name is unique server-wide)."""


def set_scope(session: Session, offices: Collection[int] | None) -> None:
    """From now on this session sees only ``offices`` (None: every office)."""
    if offices is None:
        session.info.pop(SCOPE_KEY, None)
    else:
        session.info[SCOPE_KEY] = tuple(sorted(set(offices)))


def scope_of(session: Session) -> tuple[int, ...] | None:
    value = session.info.get(SCOPE_KEY)
    return None if value is None else tuple(value)


def office_condition(session: Session, column: str) -> tuple[str, tuple[int, ...]]:
    """For a plain statement (``storage.bulk``), which this module's ORM hook never sees: ``" AND column IN
    (?, …)"`` keeping a scoped session to its offices, with its parameters; nothing when it is unscoped.
    ``column`` names an office id, the row's own or (through a subquery) its owner's."""
    ids = scope_of(session)
    if ids is None:
        return "", ()
    office = ids or (-1,)  # an empty scope sees nothing
    return f" AND {column} IN ({', '.join('?' * len(office))})", office


@lru_cache(maxsize=256)
def _criteria(ids: tuple[int, ...]) -> dict[Table, Any]:
    """One condition per table: its own office column, or the office of the row that owns it (built once
    per scope: building them for every statement would cost more than the query)."""
    office = list(ids) or [-1]  # an empty scope sees nothing (IN () is not portable)
    rounds = select(col(Round.id)).where(col(Round.office_id).in_(office))
    drafts = select(col(Draft.id)).where(col(Draft.office_id).in_(office))
    units = select(col(Unit.id)).where(col(Unit.office_id).in_(office))
    tables = select(col(MeasureTable.id)).where(col(MeasureTable.office_id).in_(office))
    items = select(col(TrackedItem.id)).where(col(TrackedItem.table_id).in_(tables))
    progress = select(col(ProgressRound.id)).where(col(ProgressRound.office_id).in_(office))
    comments = select(col(Comment.id)).where(col(Comment.round_id).in_(rounds))
    replies = select(col(Reply.id)).where(col(Reply.round_id).in_(rounds))
    recipients = select(col(Recipient.id)).where(col(Recipient.round_id).in_(rounds))
    reviews = select(col(LegalityReview.id)).where(col(LegalityReview.round_id).in_(rounds))
    versions = select(col(DraftVersion.id)).where(col(DraftVersion.draft_id).in_(drafts))
    public_comments = select(col(PublicComment.id)).where(col(PublicComment.round_id).in_(rounds))
    rules: list[tuple[type, Any]] = [
        (Office, col(Office.id).in_(office)),
        (Unit, col(Unit.office_id).in_(office)),
        (User, col(User.office_id).in_(office)),
        (Draft, col(Draft.office_id).in_(office)),
        (DraftVersion, col(DraftVersion.draft_id).in_(drafts)),
        (DraftItem, col(DraftItem.version_id).in_(versions)),
        (DraftItemLink, col(DraftItemLink.version_id).in_(versions)),
        (PublicConsultation, col(PublicConsultation.office_id).in_(office)),
        (PublicCommentGroup, col(PublicCommentGroup.round_id).in_(rounds)),
        (PublicComment, col(PublicComment.round_id).in_(rounds)),
        (PublicContact, col(PublicContact.comment_id).in_(public_comments)),
        (Round, col(Round.office_id).in_(office)),
        (MeasureTable, col(MeasureTable.office_id).in_(office)),
        (ProgressRound, col(ProgressRound.office_id).in_(office)),
        (UnitMapping, col(UnitMapping.office_id).in_(office)),
        (Decision, col(Decision.comment_id).in_(comments)),
        (ReplyAttachment, col(ReplyAttachment.reply_id).in_(replies)),
        (ReplyLink, col(ReplyLink.recipient_id).in_(recipients)),
        (ReviewDocument, col(ReviewDocument.review_id).in_(reviews)),
        (TrackedItem, col(TrackedItem.table_id).in_(tables)),
        (ItemUnit, col(ItemUnit.item_id).in_(items)),
        (ItemEvidence, col(ItemEvidence.item_id).in_(items)),
        (ProgressRequest, col(ProgressRequest.round_id).in_(progress)),
        (ProgressReport, col(ProgressReport.round_id).in_(progress)),
        (OutboxMessage, or_(col(OutboxMessage.round_id).in_(rounds), col(OutboxMessage.unit_id).in_(units))),
        (Recipient, col(Recipient.round_id).in_(rounds)),
        (Reply, col(Reply.round_id).in_(rounds)),
        (Comment, col(Comment.round_id).in_(rounds)),
        (LegalityReview, col(LegalityReview.round_id).in_(rounds)),
        (Departure, col(Departure.round_id).in_(rounds)),
        (Deliberation, col(Deliberation.round_id).in_(rounds)),
        (Publication, col(Publication.round_id).in_(rounds)),
        (Filing, col(Filing.round_id).in_(rounds)),
        (SignedDocument, col(SignedDocument.round_id).in_(rounds)),
    ]
    return {
        entity.__table__: with_loader_criteria(entity, condition, include_aliases=True)  # type: ignore[attr-defined]
        for entity, condition in rules
    }


def _tables(statement: Any) -> set[Table]:
    """Every table a statement reads or writes, subqueries included."""
    found: set[Table] = set()
    for item in find_tables(statement, check_columns=True, include_aliases=True, include_crud=True):
        while not isinstance(item, Table) and getattr(item, "element", None) is not None:
            item = item.element  # type: ignore[attr-defined]  # an alias of a table: the table
        if isinstance(item, Table):
            found.add(item)
    return found


@event.listens_for(Session, "do_orm_execute")
def _apply_scope(state: ORMExecuteState) -> None:
    ids = scope_of(state.session)  # type: ignore[arg-type]
    if ids is None or not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load or state.execution_options.get("all_offices"):
        return  # loading more of a row already admitted, or a uniqueness check over the whole server
    # Only the conditions of the tables this statement touches: each one a statement carries costs
    # compiling and cache-key time, and a page runs dozens of statements.
    rules = _criteria(ids)
    wanted = [rules[t] for t in _tables(state.statement) if t in rules]
    if wanted:
        state.statement = state.statement.options(*wanted)
