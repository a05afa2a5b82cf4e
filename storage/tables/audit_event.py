"""The ``AuditEvent`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from storage.types import at_column


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained record of every state change and action."""

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_column=at_column())
    actor: str
    role: str
    action: str
    entity: str
    round_id: int | None = Field(default=None, index=True)
    from_state: str | None = None
    to_state: str | None = None
    payload: str = Field(default="{}", sa_type=Text)
    imported: bool = False
    prev_hash: str
    hash: str
    office_id: int | None = Field(default=None, index=True)  # whose event; None only for server-wide ones
