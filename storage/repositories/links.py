"""Reply links, looked up by the hash of their token."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert
from sqlmodel import Session, select

from storage.models import ReplyLink


class LinkRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def for_recipient(self, recipient_id: int) -> ReplyLink | None:
        return self.session.exec(select(ReplyLink).where(ReplyLink.recipient_id == recipient_id)).first()

    def by_hash(self, token_hash: str) -> ReplyLink | None:
        return self.session.exec(select(ReplyLink).where(ReplyLink.token_hash == token_hash)).first()

    def add(self, row: ReplyLink) -> None:
        self.session.add(row)
        self.session.flush()

    def for_recipients(self, recipient_ids: Sequence[int]) -> dict[int, ReplyLink]:
        """The links of many recipients at once (a round may ask thousands of units)."""
        found: dict[int, ReplyLink] = {}
        ids = list(recipient_ids)
        for start in range(0, len(ids), 500):
            stmt = select(ReplyLink).where(ReplyLink.recipient_id.in_(ids[start : start + 500]))  # type: ignore[attr-defined]
            found.update({row.recipient_id: row for row in self.session.exec(stmt).all()})
        return found

    def add_all(self, rows: Sequence[dict[str, object]]) -> None:
        """Insert new links set-wise: {recipient_id, nonce, token_hash, revoked, created_at} each."""
        if rows:
            self.session.execute(insert(ReplyLink), list(rows))
