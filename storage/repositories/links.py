"""Reply links, looked up by the hash of their token."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import bindparam, insert
from sqlmodel import Session, select

from storage import models as m

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


# Built once: every use of a link runs it, and building and keying the statement cost more than running it.
# Built on first use, not at import: it would create four table classes for every command (storage.models).
@cache
def _route() -> Any:
    return (
        select(
            m.ReplyLink.revoked,
            m.Recipient.id,
            m.Recipient.round_id,
            m.Recipient.unit_id,
            m.Round.state,
            m.Round.deadline,
            m.Unit.name,
        )
        .join(m.Recipient, m.Recipient.id == m.ReplyLink.recipient_id)  # type: ignore[arg-type]
        .outerjoin(m.Round, m.Round.id == m.Recipient.round_id)  # type: ignore[arg-type]
        .outerjoin(m.Unit, m.Unit.id == m.Recipient.unit_id)  # type: ignore[arg-type]
        .where(m.ReplyLink.token_hash == bindparam("token_hash"))
        .limit(1)
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
        row = self.session.execute(_route(), {"token_hash": token_hash}).first()
        return (
            None
            if row is None
            else LinkRoute(bool(row[0]), int(row[1]), int(row[2]), int(row[3]), row[4], row[5], row[6] or "")
        )

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
