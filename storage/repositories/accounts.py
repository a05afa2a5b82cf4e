"""Accounts and their sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete
from sqlmodel import Session, select

from storage import models as m
from storage.repositories._rows import get
from storage.scope import ALL_OFFICES

if TYPE_CHECKING:
    from storage.models import User, WebSession


class AccountRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: User | WebSession) -> None:
        self.session.add(row)
        self.session.flush()

    def user(self, user_id: int) -> User | None:
        return get(self.session, m.User, user_id)

    def by_username(self, username: str, *, anywhere: bool = False) -> User | None:
        """The account with this (normalised) name; ``anywhere`` looks past the office scope."""
        stmt = select(m.User).where(m.User.username == username)
        if anywhere:
            stmt = stmt.execution_options(**ALL_OFFICES)
        return self.session.exec(stmt).first()

    def users(self) -> Sequence[User]:
        return self.session.exec(select(m.User).order_by(m.User.id)).all()  # type: ignore[arg-type]

    def web_session(self, token_hash: str, now: datetime) -> WebSession | None:
        return self.session.exec(
            select(m.WebSession).where(m.WebSession.token_hash == token_hash, m.WebSession.expires_at > now)
        ).first()

    def purge_expired(self, user_id: int, now: datetime) -> None:
        """Expired sessions of a user are removed when they sign in again, so the table stays small."""
        sessions = m.WebSession
        self.session.execute(delete(sessions).where(sessions.user_id == user_id, sessions.expires_at <= now))  # type: ignore[arg-type]

    def end_sessions_of(self, user_id: int, *, keep_token_hash: str | None = None) -> int:
        """Sign a user out everywhere (account disabled or password reset), or everywhere but the
        session ``keep_token_hash`` (the user changing their own password stays signed in there)."""
        query = delete(m.WebSession).where(m.WebSession.user_id == user_id)  # type: ignore[arg-type]
        if keep_token_hash is not None:
            query = query.where(m.WebSession.token_hash != keep_token_hash)  # type: ignore[arg-type]
        result = self.session.execute(query)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def active_admins(self) -> int:
        """How many admin accounts can still sign in (the last one must not be disabled)."""
        rows = self.session.exec(select(m.User).where(m.User.role == "admin", m.User.active == True))  # noqa: E712
        return len(rows.all())

    def end_session(self, token_hash: str) -> None:
        self.session.execute(delete(m.WebSession).where(m.WebSession.token_hash == token_hash))  # type: ignore[arg-type]
