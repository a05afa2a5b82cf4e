"""Reply links, looked up by the hash of their token."""

from __future__ import annotations

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
