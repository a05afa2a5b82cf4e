"""Replies (every revision), comments and decisions; the decision queue."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, case, func, or_
from sqlmodel import Session, select

from states.decision import NEEDS_REASON
from storage import models as m
from storage.bulk import db_stamp, execute, fetch_one, fetch_rows
from storage.repositories._rows import get
from storage.views import CommentRow, DecisionRow, ReplyRow, UnitView

if TYPE_CHECKING:
    from storage.models import Comment, Decision, Reply, ReplyAttachment

# The writes every reply runs, as plain SQL (``storage.bulk``): the ORM's unit-of-work flush (and building the
# rows as model objects), and then SQLAlchemy's own per-statement work, cost more than the statements. Inserts
# need no office scope (storage.scope scopes reads, updates and deletes); the reply service checked the round
# and recipient under the lock before.
_REPLY_COLUMNS = (
    "recipient_id",
    "round_id",
    "revision",
    "kind",
    "channel",
    "received_at",
    "recorded_at",
    "recorded_by",
    "sealed",
    "late",
    "superseded",
    "admitted",
    "attachment_name",
    "attachment_sha256",
)
_INSERT_REPLY = (
    f"INSERT INTO reply ({', '.join(_REPLY_COLUMNS)}) VALUES ({', '.join('?' * len(_REPLY_COLUMNS))}) RETURNING id"
)
_COMMENT_COLUMNS = ("reply_id", "round_id", "seq", "target", "task_number", "anchor_seq", "text", "basis", "reason")
_COMMENT_VALUES = f"({', '.join('?' * len(_COMMENT_COLUMNS))})"
_INSERT_COMMENTS = f"INSERT INTO comment ({', '.join(_COMMENT_COLUMNS)}) VALUES {{}} RETURNING id, seq"
_COMMENTS_PER_STATEMENT = 500  # 4,500 parameters: within every database's limit
_SUPERSEDE = "UPDATE reply SET superseded = ? WHERE recipient_id = ? AND id != ? AND late = ?"


def _columns(entity: Any, row: Any) -> list[Any]:
    """``entity``'s ORM attributes for each field of the plain ``row`` class, in the class's order."""
    return [getattr(entity, f.name) for f in fields(row)]


_N_REPLY, _N_COMMENT = len(fields(ReplyRow)), len(fields(CommentRow))


@cache
def in_queue() -> Any:
    """The decision queue, in one place: each unit's last on-time revision, plus late replies staff admitted.
    Built on first use: at import it would create its tables' classes for every command (storage.models)."""
    return and_(
        m.Reply.superseded == False,  # noqa: E712
        or_(m.Reply.late == False, m.Reply.admitted == True),  # noqa: E712
    )


class _QueueStatements:
    """The decision queue's selects, built once, on first use (every decision runs two of them: a statement
    built once keeps its cache key, and its scoped form, ``storage.repositories._rows``)."""

    def __init__(self) -> None:
        # ORM attributes (not bare table columns), so these stay ORM statements: the session autoflushes before
        # them and the office scope (storage.scope) applies, as for the entity select they replace.
        self.queue_replies = (
            select(  # type: ignore[call-overload]
                *_columns(m.Reply, ReplyRow),
                m.Recipient.unit_name,
                m.Recipient.unit_category,
                *[getattr(m.Unit, f.name) for f in fields(UnitView)],
            )
            .join(m.Recipient, m.Recipient.id == m.Reply.recipient_id)
            .join(m.Unit, m.Unit.id == m.Recipient.unit_id)
            .where(m.Reply.round_id == bindparam("round_id"), in_queue())
        )
        self.queue_comments = (
            select(*_columns(m.Comment, CommentRow), *_columns(m.Decision, DecisionRow))  # type: ignore[call-overload]
            .join(m.Reply, m.Reply.id == m.Comment.reply_id)
            .outerjoin(m.Decision, m.Decision.comment_id == m.Comment.id)
            .where(m.Reply.round_id == bindparam("round_id"), in_queue())
            .order_by(m.Reply.recipient_id, m.Reply.id, m.Comment.seq)
        )
        self.comment_in_queue = (
            select(m.Comment.id)
            .join(m.Reply, m.Reply.id == m.Comment.reply_id)  # type: ignore[arg-type]
            .where(m.Comment.id == bindparam("comment_id"), in_queue())
        )
        self.decision = select(m.Decision).where(m.Decision.comment_id == bindparam("comment_id"))


@cache
def _queue_statements() -> _QueueStatements:
    return _QueueStatements()


class ReplyRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: Reply | Comment | Decision | ReplyAttachment) -> None:
        self.session.add(row)
        self.session.flush()

    def add_all(self, rows: Sequence[Comment]) -> None:
        """Stage several rows and flush once (one batched INSERT), so their ids are known now."""
        self.session.add_all(rows)
        self.session.flush()

    def insert_reply(self, values: dict[str, Any]) -> int:
        """Insert one reply row (every column given, see ``Reply``) in this transaction; its id."""
        params = [values[c] for c in _REPLY_COLUMNS]
        params[5], params[6] = db_stamp(self.session, params[5]), db_stamp(self.session, params[6])
        row = fetch_one(self.session, _INSERT_REPLY, params)
        assert row is not None  # RETURNING
        return int(row[0])

    def insert_comments(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert a reply's comments (each with a distinct ``seq``) in one statement (per 500); their ids in
        ``seq`` order. Ids are matched by ``seq``, not by the order RETURNING happens to give them in."""
        by_seq: dict[int, int] = {}
        for start in range(0, len(rows), _COMMENTS_PER_STATEMENT):
            chunk = rows[start : start + _COMMENTS_PER_STATEMENT]
            sql = _INSERT_COMMENTS.format(", ".join([_COMMENT_VALUES] * len(chunk)))
            params = [row[c] for row in chunk for c in _COMMENT_COLUMNS]
            by_seq.update({int(seq): int(id_) for id_, seq in fetch_rows(self.session, sql, params)})
        return [by_seq[int(row["seq"])] for row in rows]

    def get(self, reply_id: int) -> Reply | None:
        return get(self.session, m.Reply, reply_id)

    def supersede_on_time(self, recipient_id: int, keep_reply_id: int) -> None:
        """Earlier on-time revisions stop counting once a newer one is stored (a plain statement: every
        reply runs it). Reply rows this session holds are left as loaded; a reply's transaction holds none
        of the earlier ones."""
        execute(self.session, _SUPERSEDE, (True, recipient_id, keep_reply_id, False))

    def for_round(self, round_id: int) -> list[tuple[Reply, UnitView]]:
        rows = self.session.exec(
            select(m.Reply, m.Unit, m.Recipient)
            .join(m.Recipient, m.Recipient.id == m.Reply.recipient_id)  # type: ignore[arg-type]
            .join(m.Unit, m.Unit.id == m.Recipient.unit_id)  # type: ignore[arg-type]
            .where(m.Reply.round_id == round_id)
            .order_by(m.Reply.id)  # type: ignore[arg-type]
        ).all()
        return [(r, UnitView.of(u, rec)) for r, u, rec in rows]

    def reply_labels(self, round_id: int, reply_ids: Collection[int] | None = None) -> list[tuple[int, int, str]]:
        """(reply id, revision, the unit's name when asked) of the round's replies (of ``reply_ids`` only, if
        given), in reply order: what the audit trail names a reply by, as plain columns."""
        stmt = (
            select(m.Reply.id, m.Reply.revision, m.Recipient.unit_name, m.Unit.name)
            .join(m.Recipient, m.Recipient.id == m.Reply.recipient_id)  # type: ignore[arg-type]
            .join(m.Unit, m.Unit.id == m.Recipient.unit_id)  # type: ignore[arg-type]
            .where(m.Reply.round_id == round_id)
            .order_by(m.Reply.id)  # type: ignore[arg-type]
        )
        if reply_ids is not None:
            if not reply_ids:
                return []
            stmt = stmt.where(m.Reply.id.in_(list(reply_ids)))  # type: ignore[union-attr]
        return [(int(rid), int(rev), own or today) for rid, rev, own, today in self.session.exec(stmt).all()]

    def for_recipients(self, round_id: int, recipient_ids: Sequence[int]) -> list[tuple[Reply, UnitView]]:
        """``for_round`` for some of the round's recipients only (a page of them)."""
        if not recipient_ids:
            return []
        rows = self.session.exec(
            select(m.Reply, m.Unit, m.Recipient)
            .join(m.Recipient, m.Recipient.id == m.Reply.recipient_id)  # type: ignore[arg-type]
            .join(m.Unit, m.Unit.id == m.Recipient.unit_id)  # type: ignore[arg-type]
            .where(m.Reply.round_id == round_id, m.Reply.recipient_id.in_(list(recipient_ids)))  # type: ignore[attr-defined]
            .order_by(m.Reply.id)  # type: ignore[arg-type]
        ).all()
        return [(r, UnitView.of(u, rec)) for r, u, rec in rows]

    def for_recipient(self, recipient_id: int) -> Sequence[Reply]:
        return self.session.exec(
            select(m.Reply).where(m.Reply.recipient_id == recipient_id).order_by(m.Reply.revision)  # type: ignore[arg-type]
        ).all()

    def comments_of(self, reply_ids: Sequence[int]) -> list[Comment]:
        if not reply_ids:
            return []
        return list(
            self.session.exec(
                select(m.Comment).where(m.Comment.reply_id.in_(reply_ids)).order_by(m.Comment.reply_id, m.Comment.seq)  # type: ignore[union-attr,arg-type]
            ).all()
        )

    def comment(self, comment_id: int) -> Comment | None:
        return get(self.session, m.Comment, comment_id)

    def _queue_filter(self, round_id: int):  # type: ignore[no-untyped-def]
        return and_(m.Reply.round_id == round_id, in_queue())

    def decision_queue(self, round_id: int) -> list[tuple[CommentRow, ReplyRow, UnitView, DecisionRow | None]]:
        """On-time comments of each unit's last revision, plus late ones staff admitted.

        Plain detached rows, not ORM instances: a round's queue is thousands of comments, and building an
        entity (and a UnitView) per comment cost more than the query. Two column selects: the queue's
        replies with their units (one reply and one UnitView shared by its comments), then the comments
        with their decisions, in the queue's order (recipient, reply, comment)."""
        replies: dict[int, tuple[ReplyRow, UnitView]] = {}
        for row in self.session.execute(_queue_statements().queue_replies, {"round_id": round_id}):
            reply = ReplyRow(*row[:_N_REPLY])
            unit_name, unit_category, *unit = row[_N_REPLY:]
            name, category = unit_name or unit[1], unit_category or unit[2]
            replies[reply.id or 0] = (reply, UnitView(unit[0], name, category, *unit[3:]))
        out: list[tuple[CommentRow, ReplyRow, UnitView, DecisionRow | None]] = []
        for row in self.session.execute(_queue_statements().queue_comments, {"round_id": round_id}):
            found = replies.get(row[1])
            if found is None:  # its recipient or unit is out of this unit of work's scope
                continue
            decision = None if row[_N_COMMENT] is None else DecisionRow(*row[_N_COMMENT:])
            out.append((CommentRow(*row[:_N_COMMENT]), found[0], found[1], decision))
        return out

    def in_queue(self, comment_id: int) -> bool:
        found = self.session.execute(_queue_statements().comment_in_queue, {"comment_id": comment_id}).first()
        return found is not None

    def queue_tallies(self, round_ids: Sequence[int] | None = None) -> dict[int, tuple[int, int]]:
        """Per round (of ``round_ids`` if given): (comments in the decision queue, undecided), one grouped query."""
        undecided = func.sum(case((m.Decision.id.is_(None), 1), else_=0))  # type: ignore[union-attr]
        stmt = (
            select(m.Reply.round_id, func.count(m.Comment.id), undecided)  # type: ignore[arg-type]
            .join(m.Reply, m.Reply.id == m.Comment.reply_id)  # type: ignore[arg-type]
            .outerjoin(m.Decision, m.Decision.comment_id == m.Comment.id)  # type: ignore[arg-type]
            .where(in_queue())
            .group_by(m.Reply.round_id)
        )
        if round_ids is not None:
            stmt = stmt.where(m.Reply.round_id.in_(list(round_ids)))  # type: ignore[attr-defined]
        rows = self.session.exec(stmt).all()
        return {rid: (int(total), int(open_ or 0)) for rid, total, open_ in rows}

    def queue_counts(self, round_id: int) -> tuple[int, int, int]:
        """(comments in queue, undecided, rejected/partly adopted without a reason)."""
        rows = self.decision_queue(round_id)
        undecided = sum(1 for _, _, _, d in rows if d is None)
        missing = sum(1 for _, _, _, d in rows if d is not None and d.outcome in NEEDS_REASON and not d.reason.strip())
        return len(rows), undecided, missing

    def decision(self, comment_id: int) -> Decision | None:
        found = self.session.execute(_queue_statements().decision, {"comment_id": comment_id})
        return found.scalars().first()

    def late_replies(self, round_id: int) -> list[tuple[Reply, UnitView]]:
        return [(r, u) for r, u in self.for_round(round_id) if r.late]

    # -- scans of sealed paper forms (and filled-in Word forms) ------------------------------
    def attachments(self, reply_ids: Sequence[int]) -> list[ReplyAttachment]:
        if not reply_ids:
            return []
        stmt = select(m.ReplyAttachment).where(m.ReplyAttachment.reply_id.in_(reply_ids))  # type: ignore[attr-defined]
        return list(self.session.exec(stmt).all())

    def attachment(self, attachment_id: int) -> ReplyAttachment | None:
        return get(self.session, m.ReplyAttachment, attachment_id)
