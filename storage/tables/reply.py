"""The ``Reply`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import at_column


class Reply(SQLModel, table=True):
    """One revision of a unit's reply; every revision is kept, the last on-time one counts."""

    __table_args__ = (UniqueConstraint("recipient_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="recipient.id", index=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    revision: int
    kind: str  # with_comments | no_comments
    channel: str = "web"  # web | paper | email
    received_at: datetime = Field(sa_column=at_column())
    recorded_at: datetime = Field(sa_column=at_column())
    recorded_by: str = ""
    sealed: bool = False
    late: bool = False
    superseded: bool = False
    admitted: bool = False
    attachment_name: str = ""
    attachment_sha256: str = ""
