"""Rounds, their recipients and legality reviews, including the set-wise deadline queries."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import fields
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import bindparam, case, func, insert, or_, update
from sqlmodel import Session, col, select

from states.recipient import RecipientState
from states.review import ReviewState
from states.round import RoundState
from storage import models as m
from storage.bulk import db_stamp, execute, fetch_all_in, fetch_one, from_stamp, on_sqlite, placeholder
from storage.repositories._rows import by_id, get
from storage.scope import office_condition
from storage.views import RecipientRow, ReviewQueueRow, UnitRow, UnitView

if TYPE_CHECKING:
    from storage.models import Draft, LegalityReview, Recipient, Round

_N_RECIPIENT = len(fields(RecipientRow))


@cache
def _recipient_rows() -> Any:
    """Every recipient of a round with its unit, as plain columns. Built once, on first use (at import it
    would create its tables' classes for every command, storage.models). ORM attributes (not table columns):
    the office scope (storage.scope) applies, as for ``recipients``."""
    return (
        select(  # type: ignore[call-overload]
            *[getattr(m.Recipient, f.name) for f in fields(RecipientRow)],
            *[getattr(m.Unit, f.name) for f in fields(UnitView)],
        )
        .join(m.Unit, m.Unit.id == m.Recipient.unit_id)
        .where(m.Recipient.round_id == bindparam("round_id"))
        .order_by(m.Recipient.id)
    )


class VersionRef(NamedTuple):
    """A draft version's key: its id, kind and creation time (a version never changes once stored)."""

    id: int
    kind: str
    created_at: datetime


class ReplyContext(NamedTuple):
    """What storing a reply judges by, read once its recipient is locked: the round, its draft's state and
    version, and the recipient's last revision so far (0: none)."""

    round_id: int
    office_id: int
    draft_id: int
    state: str
    deadline: datetime
    draft_state: str
    version: VersionRef | None
    last_revision: int


# The statements a reply runs every time, as plain SQL (``storage.bulk``; ``?`` marks, scope appended).
RECIPIENT_COLUMNS = (
    "r.id, r.round_id, r.unit_id, r.state, r.replied_at, r.deemed_at, r.late, r.revisions, r.unit_name, r.unit_category"
)
"""Every column of a recipient aliased ``r``, in ``RecipientRow``'s order (and ``UNIT_COLUMNS``, ``u``)."""
UNIT_COLUMNS = "u.id, u.office_id, u.name, u.category, u.aliases, u.contact, u.phone, u.email, u.webhook, u.active"
_LOCK_RECIPIENT = (
    f"SELECT {RECIPIENT_COLUMNS}, {UNIT_COLUMNS} FROM recipient r JOIN unit u ON u.id = r.unit_id "
    "WHERE r.round_id = ? AND r.unit_id = ?"
)
_REPLY_CONTEXT = (
    "SELECT ro.id, ro.office_id, ro.draft_id, ro.state, ro.deadline, d.state, dv.id, dv.kind, dv.created_at, "
    "(SELECT max(revision) FROM reply WHERE recipient_id = ?) "
    "FROM round ro JOIN draft d ON d.id = ro.draft_id "
    "LEFT JOIN draftversion dv ON dv.draft_id = ro.draft_id AND dv.version = ro.version "
    "WHERE ro.id = ?"
)
_LETTER_STAMP = (
    "SELECT ro.*, d.*, o.*, dv.id, dv.stage, "
    "EXISTS (SELECT 1 FROM task t WHERE t.version_id = dv.id) "
    "FROM round ro LEFT JOIN draft d ON d.id = ro.draft_id LEFT JOIN office o ON o.id = ro.office_id "
    "LEFT JOIN draftversion dv ON dv.draft_id = ro.draft_id AND dv.version = ro.version "
    "WHERE ro.id = ?"
)
ROUND_OFFICE = "(SELECT office_id FROM round WHERE id = r.round_id)"
"""The office of the recipient aliased ``r`` (a recipient is its round's office's, ``storage.scope``)."""
_MARK_REPLIED = (
    "UPDATE recipient SET state = ?, replied_at = ?, revisions = revisions + 1 WHERE id = ? AND state IN ({})"
)


@cache
def _round_for_update() -> Any:
    """A round locked (built once, ``storage.repositories._rows``). FOR NO KEY UPDATE: replies and comments
    insert rows referencing the round, and their foreign-key checks (KEY SHARE) must not wait on it, or they
    deadlock with a sweep."""
    return by_id(m.Round).with_for_update(key_share=True)


class RoundRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- rounds ---------------------------------------------------------------------------
    def get(self, round_id: int, *, for_update: bool = False) -> Round | None:
        if not for_update:  # a row this transaction already read is not read again (same as a SELECT would give)
            return get(self.session, m.Round, round_id)
        return self.session.execute(_round_for_update(), {"id": round_id}).scalars().first()

    def add(self, row: Round | LegalityReview) -> None:
        self.session.add(row)
        self.session.flush()

    def by_doc_number(self, office_id: int, doc_number: str) -> Round | None:
        return self.session.exec(
            select(m.Round).where(m.Round.office_id == office_id, m.Round.doc_number == doc_number)
        ).first()

    def all(self) -> Sequence[Round]:
        return self.session.exec(select(m.Round).order_by(m.Round.id)).all()  # type: ignore[arg-type]

    def dashboard_page(
        self, *, q: str = "", draft_state: str = "", year: int | None = None, offset: int = 0, limit: int = 20
    ) -> tuple[int, list[tuple[Round, Draft]]]:
        """(how many rounds match, one page of them newest first with their drafts): the dashboard's search
        (文号, 印发文号 or title holds ``q``), filters and paging in SQL, so a page costs the same whatever
        the number of rounds."""
        cond = []
        if q:
            cond.append(
                or_(
                    col(m.Round.doc_number).contains(q, autoescape=True),
                    col(m.Draft.title).contains(q, autoescape=True),
                    col(m.Draft.issued_doc_number).contains(q, autoescape=True),
                )
            )
        if draft_state:
            cond.append(m.Draft.state == draft_state)
        if year is not None:
            cond.append(m.Round.doc_year == year)
        joined = select(m.Round, m.Draft).join(m.Draft, m.Draft.id == m.Round.draft_id).where(*cond)  # type: ignore[arg-type]
        total = self.session.exec(
            select(func.count(m.Round.id)).join(m.Draft, m.Draft.id == m.Round.draft_id).where(*cond)  # type: ignore[arg-type]
        ).one()
        rows = self.session.exec(joined.order_by(col(m.Round.id).desc()).offset(offset).limit(limit)).all()
        return int(total or 0), [(r, d) for r, d in rows]

    def with_drafts(self, round_ids: Sequence[int]) -> list[tuple[Round, Draft]]:
        """These rounds with their drafts, newest first."""
        if not round_ids:
            return []
        rows = self.session.exec(
            select(m.Round, m.Draft)
            .join(m.Draft, m.Draft.id == m.Round.draft_id)  # type: ignore[arg-type]
            .where(col(m.Round.id).in_(list(round_ids)))
            .order_by(col(m.Round.id).desc())
        ).all()
        return [(r, d) for r, d in rows]

    def doc_years(self) -> list[int]:
        """The years of the rounds' 文号, newest first (the dashboard's year filter)."""
        rows = self.session.exec(select(m.Round.doc_year).distinct()).all()
        return sorted((int(y) for y in rows if y is not None), reverse=True)

    def ids_with_draft_state(self, states: Sequence[str]) -> list[int]:
        """Rounds whose draft is in one of ``states`` (plain ids, no objects)."""
        rows = self.session.exec(
            select(m.Round.id).join(m.Draft, m.Draft.id == m.Round.draft_id).where(col(m.Draft.state).in_(list(states)))  # type: ignore[arg-type]
        ).all()
        return [int(i) for i in rows if i is not None]

    def open_due_ids(self, before: datetime) -> list[int]:
        """Open rounds due at or before ``before`` (the dashboard's to-do list)."""
        rows = self.session.exec(
            select(m.Round.id).where(m.Round.state == RoundState.open, m.Round.deadline <= before)  # type: ignore[arg-type]
        ).all()
        return [int(i) for i in rows if i is not None]

    def open_totals(self) -> tuple[int, int]:
        """(open rounds, recipients of open rounds still silent), two aggregate queries."""
        rounds = self.session.exec(select(func.count(m.Round.id)).where(m.Round.state == RoundState.open)).one()  # type: ignore[arg-type]
        silent = self.session.exec(
            select(func.count(m.Recipient.id))  # type: ignore[arg-type]
            .join(m.Round, m.Round.id == m.Recipient.round_id)  # type: ignore[arg-type]
            .where(m.Round.state == RoundState.open, m.Recipient.state == RecipientState.pending)
        ).one()
        return int(rounds or 0), int(silent or 0)

    def in_review_count(self, draft_state: str) -> int:
        """Rounds with a pending legality review whose draft is in ``draft_state``."""
        pending = select(m.LegalityReview.round_id).where(m.LegalityReview.state == ReviewState.pending)
        n = self.session.exec(
            select(func.count(m.Round.id))  # type: ignore[arg-type]
            .join(m.Draft, m.Draft.id == m.Round.draft_id)  # type: ignore[arg-type]
            .where(m.Draft.state == draft_state, col(m.Round.id).in_(pending))
        ).one()
        return int(n or 0)

    def for_draft(self, draft_id: int) -> Sequence[Round]:
        return self.session.exec(
            select(m.Round).where(m.Round.draft_id == draft_id).order_by(m.Round.id)  # type: ignore[arg-type]
        ).all()

    def latest_id_for_draft(self, draft_id: int) -> int | None:
        """The draft's newest round: the only one whose comments may still be decided or submitted."""
        return self.session.exec(
            select(m.Round.id).where(m.Round.draft_id == draft_id).order_by(m.Round.id.desc()).limit(1)  # type: ignore[union-attr]
        ).first()

    def open_rounds(self) -> Sequence[Round]:
        return self.session.exec(
            select(m.Round).where(m.Round.state == RoundState.open).order_by(m.Round.deadline)  # type: ignore[arg-type]
        ).all()

    def open_schedule(self) -> list[tuple[int, datetime, datetime]]:
        """(id, deadline, created_at) of every open round: what the scheduler re-reads every second, as plain
        rows (10,000 open rounds as ORM objects cost it a core)."""
        rows = self.session.execute(
            select(m.Round.id, m.Round.deadline, m.Round.created_at).where(m.Round.state == RoundState.open)  # type: ignore[arg-type]
        ).all()
        return [(int(r[0]), r[1], r[2]) for r in rows]

    def overdue_open(self, before: datetime) -> tuple[int, datetime | None]:
        """(how many open rounds have a deadline at or before ``before``, the oldest such deadline)."""
        count, oldest = self.session.exec(
            select(func.count(m.Round.id), func.min(m.Round.deadline)).where(
                m.Round.state == RoundState.open, m.Round.deadline <= before
            )
        ).one()
        return int(count or 0), oldest

    def claim_overdue(self, now: datetime, limit: int) -> list[int]:
        """Ids of open rounds past their deadline, locked for this transaction.

        On PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets several sweepers share the work without
        waiting on each other; SQLite serialises writers anyway (BEGIN IMMEDIATE).
        """
        stmt = (
            select(m.Round.id)
            .where(m.Round.state == RoundState.open, m.Round.deadline <= now)
            .order_by(m.Round.deadline, m.Round.id)  # type: ignore[arg-type]
            .limit(limit)
            .with_for_update(skip_locked=True, key_share=True)  # see get(): no deadlock with replies
        )
        return [int(i) for i in self.session.exec(stmt).all() if i is not None]

    def close_overdue(
        self, round_ids: Sequence[int], now: datetime, source: str, dest: str
    ) -> list[tuple[int, int, datetime, int]]:
        """Move the given rounds still in ``source`` and overdue to ``dest`` (the machine's answer);
        return (id, draft_id, deadline, office_id). The WHERE clause makes it idempotent: a second sweeper
        gets nothing."""
        if not round_ids:
            return []
        # Plain SQL (storage.bulk), like deem_silent: SQLAlchemy's handling of a thousand bound ids and of the
        # returned rows cost a sweep's batch several times what the statement took.
        mark = placeholder(self.session)
        when = db_stamp(self.session, now)
        sql = (
            f"UPDATE round SET state = {mark}, enforced_at = {mark} "
            f"WHERE state = {mark} AND deadline <= {mark} AND id IN ({{ids}}) "
            "RETURNING id, draft_id, deadline, office_id"
        )
        closed: list[tuple[int, int, datetime, int]] = []
        rows = fetch_all_in(self.session, sql, (dest, when, source, when), round_ids)
        for rid, draft_id, deadline, office_id in rows:
            due = from_stamp(deadline)
            assert due is not None  # a round's deadline is NOT NULL
            closed.append((int(rid), int(draft_id), due, int(office_id)))
        return closed

    # -- recipients -----------------------------------------------------------------------
    def add_recipients(self, round_id: int, unit_ids: Sequence[int]) -> None:
        """Each recipient keeps the unit's name and category as they are now (see Recipient)."""
        units = {
            u.id: u
            for u in self.session.exec(select(m.Unit).where(m.Unit.id.in_(list(unit_ids)))).all()  # type: ignore[union-attr]
        }
        self.session.execute(
            insert(m.Recipient),
            [
                {
                    "round_id": round_id,
                    "unit_id": uid,
                    "state": RecipientState.pending.value,
                    "unit_name": units[uid].name,
                    "unit_category": units[uid].category,
                }
                for uid in unit_ids
            ],
        )

    def recipients(self, round_id: int) -> list[tuple[Recipient, UnitView]]:
        """The round's recipients with their unit as named in this round (addresses are today's)."""
        rows = self.session.exec(
            select(m.Recipient, m.Unit)
            .join(m.Unit, m.Unit.id == m.Recipient.unit_id)  # type: ignore[arg-type]
            .where(m.Recipient.round_id == round_id)
            .order_by(m.Recipient.id)  # type: ignore[arg-type]
        ).all()
        return [(r, UnitView.of(u, r)) for r, u in rows]

    def recipient_rows(self, round_id: int) -> list[tuple[RecipientRow, UnitView]]:
        """``recipients`` as plain detached rows, for readers (a round's documents): the same rows in the same
        order, without an ORM recipient and unit per row."""
        rows = self.session.execute(_recipient_rows(), {"round_id": round_id})
        out = []
        for row in rows:
            recipient = RecipientRow(*row[:_N_RECIPIENT])
            unit_id, name, category, *rest = row[_N_RECIPIENT:]
            unit = UnitView(unit_id, recipient.unit_name or name, recipient.unit_category or category, *rest)
            out.append((recipient, unit))
        return out

    def recipients_page(
        self, round_id: int, *, state: str = "", offset: int = 0, limit: int | None = None
    ) -> list[tuple[Recipient, UnitView]]:
        """A page of the round's recipients (in the order ``recipients`` lists them), of one state if given:
        a round page shows fifty units, not five hundred."""
        stmt = (
            select(m.Recipient, m.Unit)
            .join(m.Unit, m.Unit.id == m.Recipient.unit_id)  # type: ignore[arg-type]
            .where(m.Recipient.round_id == round_id)
            .order_by(m.Recipient.id)  # type: ignore[arg-type]
        )
        if state:
            stmt = stmt.where(m.Recipient.state == state)
        rows = self.session.exec(stmt.offset(offset).limit(limit)).all()
        return [(r, UnitView.of(u, r)) for r, u in rows]

    def recipient_state_counts(self, round_id: int) -> dict[str, int]:
        """How many of the round's recipients are in each state (one grouped query)."""
        rows = self.session.exec(
            select(m.Recipient.state, func.count(m.Recipient.id))  # type: ignore[arg-type]
            .where(m.Recipient.round_id == round_id)
            .group_by(m.Recipient.state)
        ).all()
        return {str(state): int(n) for state, n in rows}

    def recipient_names(self, round_id: int) -> list[tuple[int, str]]:
        """(unit id, the name it had when asked) of the round's recipients, in recipient order: the paper-reply
        form's choices, without loading every recipient and unit as objects."""
        rows = self.session.exec(
            select(m.Recipient.unit_id, m.Recipient.unit_name, m.Unit.name)
            .join(m.Unit, m.Unit.id == m.Recipient.unit_id)  # type: ignore[arg-type]
            .where(m.Recipient.round_id == round_id)
            .order_by(m.Recipient.id)  # type: ignore[arg-type]
        ).all()
        return [(int(uid), own or today) for uid, own, today in rows]

    def recipient_labels(
        self, round_id: int, recipient_ids: Collection[int] | None = None, unit_ids: Collection[int] = ()
    ) -> list[tuple[int, int, str]]:
        """(recipient id, unit id, the unit's name when asked) of the round's recipients, in recipient order:
        all of them, or those of ``recipient_ids`` or ``unit_ids`` only (what one page of the audit trail
        names). Plain columns, not a recipient and unit object each."""
        stmt = (
            select(m.Recipient.id, m.Recipient.unit_id, m.Recipient.unit_name, m.Unit.name)
            .join(m.Unit, m.Unit.id == m.Recipient.unit_id)  # type: ignore[arg-type]
            .where(m.Recipient.round_id == round_id)
            .order_by(m.Recipient.id)  # type: ignore[arg-type]
        )
        if recipient_ids is not None:
            if not recipient_ids and not unit_ids:
                return []
            by_id, by_unit = col(m.Recipient.id).in_(list(recipient_ids)), col(m.Recipient.unit_id).in_(list(unit_ids))
            stmt = stmt.where(or_(by_id, by_unit))
        return [(int(rid), int(uid), own or today) for rid, uid, own, today in self.session.exec(stmt).all()]

    def recipient_with_unit(self, recipient_id: int) -> tuple[Recipient, UnitView] | None:
        """One recipient with its unit as named in its round (what ``recipients`` gives for all of them)."""
        row = self.session.exec(
            select(m.Recipient, m.Unit)
            .join(m.Unit, m.Unit.id == m.Recipient.unit_id)
            .where(m.Recipient.id == recipient_id)  # type: ignore[arg-type]
        ).first()
        return None if row is None else (row[0], UnitView.of(row[1], row[0]))

    def recipient(self, round_id: int, unit_id: int, *, for_update: bool = False) -> Recipient | None:
        stmt = select(m.Recipient).where(m.Recipient.round_id == round_id, m.Recipient.unit_id == unit_id)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.exec(stmt).first()

    def lock_recipient(self, round_id: int, unit_id: int) -> tuple[RecipientRow, UnitRow] | None:
        """The unit's recipient row in the round, locked for a reply (PostgreSQL: ``FOR UPDATE`` of that row
        only, not the unit; SQLite: the transaction holds the write lock already), with its unit, as plain
        rows read now. A scoped unit of work sees only its offices' (``storage.scope``)."""
        unit_scope, unit_offices = office_condition(self.session, "u.office_id")
        round_scope, round_offices = office_condition(self.session, ROUND_OFFICE)
        lock = "" if on_sqlite(self.session) else " FOR UPDATE OF r"
        row = fetch_one(
            self.session,
            _LOCK_RECIPIENT + unit_scope + round_scope + lock,
            (round_id, unit_id, *unit_offices, *round_offices),
        )
        return None if row is None else (RecipientRow.from_db(row[:10]), UnitRow.from_db(row[10:]))

    def reply_context(self, round_id: int, recipient_id: int | None) -> ReplyContext | None:
        """The round, its draft's state and version, and the recipient's last revision, read now in one query:
        a reply reads them once its recipient is locked, so a sweep or another revision that committed
        while it waited is seen (PostgreSQL reads each statement as of its start)."""
        scope, offices = office_condition(self.session, "ro.office_id")
        draft_scope, draft_offices = office_condition(self.session, "d.office_id")
        row = fetch_one(
            self.session, _REPLY_CONTEXT + scope + draft_scope, (recipient_id, round_id, *offices, *draft_offices)
        )
        if row is None:
            return None
        deadline = from_stamp(row[4])
        assert deadline is not None  # NOT NULL
        version = None if row[6] is None else VersionRef(int(row[6]), str(row[7]), from_stamp(row[8]))  # type: ignore[arg-type]
        return ReplyContext(int(row[0]), int(row[1]), int(row[2]), row[3], deadline, row[5], version, int(row[9] or 0))

    def letter_stamp(self, round_id: int) -> tuple[Any, ...] | None:
        """Every column of the round, its draft and its office (with the office's profile), and its version's
        id, stage and whether it has a task table, as plain values in one indexed query; None: no such round.

        What a round's letter and notices are written from, so a cache of them keyed on this stamp cannot
        serve them stale: any change to one of these rows (a new deadline or contact, a renamed draft, a
        reloaded profile) gives another stamp. ``*``: a column added later is in the stamp too."""
        scope, offices = office_condition(self.session, "ro.office_id")
        return fetch_one(self.session, _LETTER_STAMP + scope, (round_id, *offices))

    def recipient_by_id(self, recipient_id: int) -> Recipient | None:
        return get(self.session, m.Recipient, recipient_id)

    def recipient_tallies(self, round_ids: Sequence[int] | None = None) -> dict[int, tuple[int, int]]:
        """Per round (of ``round_ids`` if given): (recipients, still pending), in one grouped query."""
        pending = func.sum(case((m.Recipient.state == RecipientState.pending, 1), else_=0))
        stmt = select(m.Recipient.round_id, func.count(m.Recipient.id), pending).group_by(m.Recipient.round_id)  # type: ignore[arg-type]
        if round_ids is not None:
            stmt = stmt.where(col(m.Recipient.round_id).in_(list(round_ids)))
        rows = self.session.exec(stmt).all()
        return {rid: (int(total), int(waiting or 0)) for rid, total, waiting in rows}

    def deemed_tallies(self, round_ids: Sequence[int] | None = None) -> dict[int, int]:
        """Per round (of ``round_ids`` if given): recipients deemed to have no objection, one grouped query."""
        stmt = (
            select(m.Recipient.round_id, func.count(m.Recipient.id))  # type: ignore[arg-type]
            .where(m.Recipient.state == RecipientState.deemed_no_objection)
            .group_by(m.Recipient.round_id)
        )
        if round_ids is not None:
            stmt = stmt.where(col(m.Recipient.round_id).in_(list(round_ids)))
        rows = self.session.exec(stmt).all()
        return {rid: int(n) for rid, n in rows}

    def count_recipients(self, round_id: int, state: str | None = None) -> int:
        stmt = select(func.count()).select_from(m.Recipient).where(m.Recipient.round_id == round_id)
        if state is not None:
            stmt = stmt.where(m.Recipient.state == state)
        return int(self.session.exec(stmt).one())

    def mark_replied(self, recipient_id: int, expected: Sequence[str], new_state: str, at: datetime) -> bool:
        """Conditional update so a reply never overwrites a recipient the sweep already deemed: whether it
        applied. A plain statement; a ``Recipient`` object this session holds is not updated (a reply's
        transaction holds none: it reads its recipient as a plain row)."""
        expected = list(expected)
        sql = _MARK_REPLIED.format(", ".join("?" * len(expected)))
        params = (str(new_state), db_stamp(self.session, at), recipient_id, *map(str, expected))
        return execute(self.session, sql, params) == 1

    def mark_late(self, recipient_id: int) -> None:
        self.session.execute(update(m.Recipient).where(m.Recipient.id == recipient_id).values(late=True))  # type: ignore[arg-type]

    def deem_silent(
        self, round_ids: Sequence[int], now: datetime, source: str, dest: str
    ) -> list[tuple[int, int, int]]:
        """Move every recipient of these rounds still in ``source`` to ``dest`` (the machine's answer).

        Returns (recipient_id, round_id, unit_id) of exactly the rows this call changed. Plain SQL with
        RETURNING (storage.bulk): a sweep may change a million rows, and per-row result processing would
        dominate.
        """
        if not round_ids:
            return []
        mark = placeholder(self.session)
        when = db_stamp(self.session, now)
        sql = (
            f"UPDATE recipient SET state = {mark}, deemed_at = {mark} "
            f"WHERE state = {mark} AND round_id IN ({{ids}}) RETURNING id, round_id, unit_id"
        )
        return fetch_all_in(self.session, sql, (dest, when, source), round_ids)  # type: ignore[return-value]

    # -- legality reviews -----------------------------------------------------------------
    def reviews(self, round_id: int) -> Sequence[LegalityReview]:
        return self.session.exec(
            select(m.LegalityReview).where(m.LegalityReview.round_id == round_id).order_by(m.LegalityReview.id)  # type: ignore[arg-type]
        ).all()

    def _latest_reviews(self) -> Any:
        """Each round's latest legality review (its highest id), as a subquery of ids. ORM columns: the office
        scope (storage.scope) applies to it as to every review read."""
        return select(func.max(m.LegalityReview.id).label("id")).group_by(m.LegalityReview.round_id).subquery()

    def review_queue(
        self, *, pending_only: bool = False, offset: int = 0, limit: int | None = None
    ) -> list[ReviewQueueRow]:
        """The rounds with a legality review, newest first, each with its draft and latest review, in one query
        (``pending_only``: those whose latest review waits for the verdict); ``offset``/``limit`` page it."""
        latest = self._latest_reviews()
        review = m.LegalityReview
        stmt = (
            select(  # type: ignore[call-overload]
                *(m.Round.id, m.Round.doc_number, m.Round.office_id),
                *(m.Draft.title, m.Draft.state, m.Draft.issued_doc_number),
                *(review.state, review.requested_at, review.due_at),
            )
            .select_from(review)
            .join(latest, latest.c.id == review.id)
            .join(m.Round, m.Round.id == review.round_id)
            .outerjoin(m.Draft, m.Draft.id == m.Round.draft_id)
            .order_by(col(m.Round.id).desc())
        )
        if pending_only:
            stmt = stmt.where(review.state == ReviewState.pending)
        rows = self.session.execute(stmt.offset(offset).limit(limit)).all()
        return [ReviewQueueRow(*row) for row in rows]

    def review_queue_counts(self) -> tuple[int, int]:
        """(rounds with a legality review, those whose latest review is pending): ``review_queue``'s totals,
        with and without ``pending_only``, in one query."""
        latest = self._latest_reviews()
        review = m.LegalityReview
        pending = func.sum(case((review.state == ReviewState.pending, 1), else_=0))
        total, waiting = self.session.execute(
            select(func.count(review.id), pending)  # type: ignore[arg-type]
            .select_from(review)
            .join(latest, latest.c.id == review.id)
            .join(m.Round, m.Round.id == review.round_id)
        ).one()
        return int(total or 0), int(waiting or 0)

    def pending_review_round_ids(self) -> set[int]:
        pending = m.LegalityReview.state == ReviewState.pending
        return set(self.session.exec(select(m.LegalityReview.round_id).where(pending)).all())

    def pending_reviews_due(self, before: datetime) -> Sequence[LegalityReview]:
        """Pending reviews whose due date is at or before ``before`` (for the reviewer's reminder)."""
        return self.session.exec(
            select(m.LegalityReview)
            .where(
                m.LegalityReview.state == ReviewState.pending,
                m.LegalityReview.due_at.is_not(None),  # type: ignore[union-attr]
                m.LegalityReview.due_at <= before,  # type: ignore[operator]
            )
            .order_by(m.LegalityReview.id)  # type: ignore[arg-type]
        ).all()

    def pending_review(self, round_id: int) -> LegalityReview | None:
        return self.session.exec(
            select(m.LegalityReview).where(
                m.LegalityReview.round_id == round_id, m.LegalityReview.state == ReviewState.pending
            )
        ).first()
