"""The ``PublicCommentGroup`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from storage.types import at_column


class PublicCommentGroup(SQLModel, table=True):
    """Identical and near-identical comments, decided once (采纳情况 applies to every comment in it)."""

    __tablename__ = "public_comment_group"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    manual: bool = False  # staff merged or split it: automatic grouping never changes it again
    outcome: str | None = None  # states.decision.Outcome
    reason: str = Field(default="", sa_type=Text)
    decided_by: str = ""
    decided_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
    created_at: datetime = Field(sa_column=at_column())
