"""The ``Comment`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from sqlalchemy import Text
from sqlmodel import Field, SQLModel


class Comment(SQLModel, table=True):
    """修改意见: a proposed change with its target, basis and reason."""

    id: int | None = Field(default=None, primary_key=True)
    reply_id: int = Field(foreign_key="reply.id", index=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    seq: int
    target: str = ""  # as the unit wrote it
    task_number: int | None = None
    anchor_seq: int | None = None  # DraftItem.seq in the round's version the target resolved to
    text: str = Field(sa_type=Text)
    basis: str = Field(default="", sa_type=Text)
    reason: str = Field(default="", sa_type=Text)
