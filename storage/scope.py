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

import weakref
from collections.abc import Callable, Collection
from functools import cached_property, lru_cache
from typing import Any

from sqlalchemy import Table, event, or_, select
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, col

from storage import models as m

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
class _Scope:
    """The conditions of one scope: per table, its own office column, or the office of the row that owns it.

    Each is built the first time a statement touches its table, and kept (building them for every
    statement would cost more than the query). Built lazily because a table's class is created only when
    something uses it (``storage.models``): a command that reads rounds creates no progress-report class."""

    def __init__(self, ids: tuple[int, ...]) -> None:
        self.office = list(ids) or [-1]  # an empty scope sees nothing (IN () is not portable)
        self._built: dict[Table, Any] = {}
        self._scoped: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

    def criterion(self, table: Table) -> Any | None:
        """The ``with_loader_criteria`` option for ``table``; None for a table that is not scoped."""
        try:
            return self._built[table]
        except KeyError:
            pass
        rule = RULES.get(table.name)
        built = None
        if rule is not None:
            entity, condition = rule(self)
            # ``==``, not ``is``: an ORM statement holds an annotated copy of the table, equal to it.
            if entity.__table__ == table:
                built = with_loader_criteria(entity, condition, include_aliases=True)
        self._built[table] = built
        return built

    def owns(self, column: Any) -> Any:
        """``column`` names one of the scope's offices: ``=`` for one office (a staff member's scope), which
        a statement compiles and binds more cheaply than ``IN`` (an expanding parameter, rendered anew at
        every execution); ``IN`` for several (a reviewer's)."""
        return col(column) == self.office[0] if len(self.office) == 1 else col(column).in_(self.office)

    def scoped(self, statement: Any) -> Any:
        """``statement`` with the conditions of the tables it touches (only those: each one a statement
        carries costs compiling and cache-key time, and a page runs dozens of statements).

        Kept for as long as the statement object lives: a repository's prebuilt statement, run again and
        again, is scoped once, and its cache key (memoized on the object) computed once, not at every run."""
        found = self._scoped.get(statement)
        if found is None:
            wanted = [c for c in (self.criterion(t) for t in _tables(statement)) if c is not None]
            found = statement.options(*wanted) if wanted else statement
            self._scoped[statement] = found
        return found

    # The ids of the owning rows, as subqueries (each built once per scope, when first needed).
    @cached_property
    def rounds(self) -> Any:
        return select(col(m.Round.id)).where(self.owns(m.Round.office_id))

    @cached_property
    def drafts(self) -> Any:
        return select(col(m.Draft.id)).where(self.owns(m.Draft.office_id))

    @cached_property
    def units(self) -> Any:
        return select(col(m.Unit.id)).where(self.owns(m.Unit.office_id))

    @cached_property
    def tables(self) -> Any:
        return select(col(m.MeasureTable.id)).where(self.owns(m.MeasureTable.office_id))

    @cached_property
    def items(self) -> Any:
        return select(col(m.TrackedItem.id)).where(col(m.TrackedItem.table_id).in_(self.tables))

    @cached_property
    def progress(self) -> Any:
        return select(col(m.ProgressRound.id)).where(self.owns(m.ProgressRound.office_id))

    @cached_property
    def comments(self) -> Any:
        return select(col(m.Comment.id)).where(col(m.Comment.round_id).in_(self.rounds))

    @cached_property
    def replies(self) -> Any:
        return select(col(m.Reply.id)).where(col(m.Reply.round_id).in_(self.rounds))

    @cached_property
    def recipients(self) -> Any:
        return select(col(m.Recipient.id)).where(col(m.Recipient.round_id).in_(self.rounds))

    @cached_property
    def reviews(self) -> Any:
        return select(col(m.LegalityReview.id)).where(col(m.LegalityReview.round_id).in_(self.rounds))

    @cached_property
    def versions(self) -> Any:
        return select(col(m.DraftVersion.id)).where(col(m.DraftVersion.draft_id).in_(self.drafts))

    @cached_property
    def public_comments(self) -> Any:
        return select(col(m.PublicComment.id)).where(col(m.PublicComment.round_id).in_(self.rounds))


Rule = Callable[[_Scope], tuple[Any, Any]]

RULES: dict[str, Rule] = {
    "office": lambda s: (m.Office, s.owns(m.Office.id)),
    "unit": lambda s: (m.Unit, s.owns(m.Unit.office_id)),
    "user": lambda s: (m.User, s.owns(m.User.office_id)),
    "draft": lambda s: (m.Draft, s.owns(m.Draft.office_id)),
    "draftversion": lambda s: (m.DraftVersion, col(m.DraftVersion.draft_id).in_(s.drafts)),
    "draft_item": lambda s: (m.DraftItem, col(m.DraftItem.version_id).in_(s.versions)),
    "draft_item_link": lambda s: (m.DraftItemLink, col(m.DraftItemLink.version_id).in_(s.versions)),
    "public_consultation": lambda s: (m.PublicConsultation, s.owns(m.PublicConsultation.office_id)),
    "public_comment_group": lambda s: (m.PublicCommentGroup, col(m.PublicCommentGroup.round_id).in_(s.rounds)),
    "public_comment": lambda s: (m.PublicComment, col(m.PublicComment.round_id).in_(s.rounds)),
    "public_contact": lambda s: (m.PublicContact, col(m.PublicContact.comment_id).in_(s.public_comments)),
    "round": lambda s: (m.Round, s.owns(m.Round.office_id)),
    "measuretable": lambda s: (m.MeasureTable, s.owns(m.MeasureTable.office_id)),
    "progress_round": lambda s: (m.ProgressRound, s.owns(m.ProgressRound.office_id)),
    "unit_mapping": lambda s: (m.UnitMapping, s.owns(m.UnitMapping.office_id)),
    "decision": lambda s: (m.Decision, col(m.Decision.comment_id).in_(s.comments)),
    "replyattachment": lambda s: (m.ReplyAttachment, col(m.ReplyAttachment.reply_id).in_(s.replies)),
    "replylink": lambda s: (m.ReplyLink, col(m.ReplyLink.recipient_id).in_(s.recipients)),
    "reviewdocument": lambda s: (m.ReviewDocument, col(m.ReviewDocument.review_id).in_(s.reviews)),
    "trackeditem": lambda s: (m.TrackedItem, col(m.TrackedItem.table_id).in_(s.tables)),
    "itemunit": lambda s: (m.ItemUnit, col(m.ItemUnit.item_id).in_(s.items)),
    "item_evidence": lambda s: (m.ItemEvidence, col(m.ItemEvidence.item_id).in_(s.items)),
    "progress_request": lambda s: (m.ProgressRequest, col(m.ProgressRequest.round_id).in_(s.progress)),
    "progress_report": lambda s: (m.ProgressReport, col(m.ProgressReport.round_id).in_(s.progress)),
    "outboxmessage": lambda s: (
        m.OutboxMessage,
        or_(col(m.OutboxMessage.round_id).in_(s.rounds), col(m.OutboxMessage.unit_id).in_(s.units)),
    ),
    "recipient": lambda s: (m.Recipient, col(m.Recipient.round_id).in_(s.rounds)),
    "reply": lambda s: (m.Reply, col(m.Reply.round_id).in_(s.rounds)),
    "comment": lambda s: (m.Comment, col(m.Comment.round_id).in_(s.rounds)),
    "legalityreview": lambda s: (m.LegalityReview, col(m.LegalityReview.round_id).in_(s.rounds)),
    "departure": lambda s: (m.Departure, col(m.Departure.round_id).in_(s.rounds)),
    "deliberation": lambda s: (m.Deliberation, col(m.Deliberation.round_id).in_(s.rounds)),
    "publication": lambda s: (m.Publication, col(m.Publication.round_id).in_(s.rounds)),
    "filing": lambda s: (m.Filing, col(m.Filing.round_id).in_(s.rounds)),
    "signeddocument": lambda s: (m.SignedDocument, col(m.SignedDocument.round_id).in_(s.rounds)),
}
"""Each scoped table, by name: its class and the condition a scope adds (tests check every table is here
or excused, and that each name is its class's table)."""


@lru_cache(maxsize=256)
def _criteria(ids: tuple[int, ...]) -> _Scope:
    """The scope of these offices, its conditions built as statements need them."""
    return _Scope(ids)


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
    state.statement = _criteria(ids).scoped(state.statement)
