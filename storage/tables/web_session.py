"""The ``WebSession`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import at_column


class WebSession(SQLModel, table=True):
    """Server-side session: the cookie carries a random id; only its hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    csrf_token: str
    created_at: datetime = Field(sa_column=at_column())
    expires_at: datetime = Field(sa_column=at_column())
