"""Reply links, looked up by the hash of their token."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import insert
from sqlmodel import Session, select

from storage import models as m
from storage.bulk import fetch_one, from_stamp, on_sqlite
from storage.repositories.rounds import RECIPIENT_COLUMNS, ROUND_OFFICE, UNIT_COLUMNS
from storage.scope import office_condition
from storage.views import RecipientRow, UnitRow

if TYPE_CHECKING:
    from storage.models import ReplyLink


class LinkRoute(NamedTuple):
    """Where a token leads, as one plain row: what deciding a link's use needs and nothing more."""

    revoked: bool
    recipient_id: int
    round_id: int
    unit_id: int
    round_state: str | None
    deadline: datetime | None
    unit_name: str


# Every use of a link runs it: plain SQL (``storage.bulk``), SQLAlchemy's per-statement work cost more than
# the query. A scoped unit of work sees only its offices' links, recipients, rounds and units (the conditions
# ``storage.scope`` adds to the ORM's statements, appended to the WHERE and ON clauses).
_ROUTE = (
    "SELECT l.revoked, r.id, r.round_id, r.unit_id, ro.state, ro.deadline, u.name FROM replylink l "
    "JOIN recipient r ON r.id = l.recipient_id LEFT JOIN round ro ON ro.id = r.round_id{round_scope} "
    "LEFT JOIN unit u ON u.id = r.unit_id{unit_scope} WHERE l.token_hash = ?{recipient_scope} LIMIT 1"
)
_LOCK_ROUTE = (
    f"SELECT l.revoked, {RECIPIENT_COLUMNS}, {UNIT_COLUMNS} FROM replylink l "
    "JOIN recipient r ON r.id = l.recipient_id JOIN unit u ON u.id = r.unit_id WHERE l.token_hash = ?"
)


class LinkRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def for_recipient(self, recipient_id: int) -> ReplyLink | None:
        return self.session.exec(select(m.ReplyLink).where(m.ReplyLink.recipient_id == recipient_id)).first()

    def by_hash(self, token_hash: str) -> ReplyLink | None:
        return self.session.exec(select(m.ReplyLink).where(m.ReplyLink.token_hash == token_hash)).first()

    def route(self, token_hash: str) -> LinkRoute | None:
        """The link with this token hash, its recipient and round, in one query (None: no such link)."""
        round_scope, round_offices = office_condition(self.session, "ro.office_id")
        unit_scope, unit_offices = office_condition(self.session, "u.office_id")
        recipient_scope, recipient_offices = office_condition(self.session, ROUND_OFFICE)
        sql = _ROUTE.format(round_scope=round_scope, unit_scope=unit_scope, recipient_scope=recipient_scope)
        row = fetch_one(self.session, sql, (*round_offices, *unit_offices, token_hash, *recipient_offices))
        if row is None:
            return None
        return LinkRoute(bool(row[0]), int(row[1]), int(row[2]), int(row[3]), row[4], from_stamp(row[5]), row[6] or "")

    def lock_route(self, token_hash: str) -> tuple[bool, RecipientRow, UnitRow] | None:
        """Whether the link with this token hash is revoked, and its recipient, locked for a reply (as
        ``RoundRepo.lock_recipient`` locks it), with its unit: a link reply finds and locks its recipient in
        one query (None: no such link)."""
        unit_scope, unit_offices = office_condition(self.session, "u.office_id")
        round_scope, round_offices = office_condition(self.session, ROUND_OFFICE)
        lock = "" if on_sqlite(self.session) else " FOR UPDATE OF r"
        row = fetch_one(
            self.session, _LOCK_ROUTE + unit_scope + round_scope + lock, (token_hash, *unit_offices, *round_offices)
        )
        if row is None:
            return None
        return bool(row[0]), RecipientRow.from_db(row[1:11]), UnitRow.from_db(row[11:])

    def add(self, row: ReplyLink) -> None:
        self.session.add(row)
        self.session.flush()

    def for_recipients(self, recipient_ids: Sequence[int]) -> dict[int, ReplyLink]:
        """The links of many recipients at once (a round may ask thousands of units)."""
        found: dict[int, ReplyLink] = {}
        ids = list(recipient_ids)
        for start in range(0, len(ids), 500):
            stmt = select(m.ReplyLink).where(m.ReplyLink.recipient_id.in_(ids[start : start + 500]))  # type: ignore[attr-defined]
            found.update({row.recipient_id: row for row in self.session.exec(stmt).all()})
        return found

    def add_all(self, rows: Sequence[dict[str, object]]) -> None:
        """Insert new links set-wise: {recipient_id, nonce, token_hash, revoked, created_at} each."""
        if rows:
            self.session.execute(insert(m.ReplyLink), list(rows))
