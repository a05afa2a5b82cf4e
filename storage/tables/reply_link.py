"""The ``ReplyLink`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import at_column


class ReplyLink(SQLModel, table=True):
    """A unit's personal reply link. Only a hash of the token is stored; the token is derived
    from the server secret and ``nonce``, so it can be re-sent but never read from the database."""

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id", unique=True)
    nonce: str
    token_hash: str = Field(unique=True)
    revoked: bool = False
    created_at: datetime = Field(sa_column=at_column())
