"""The ``Departure`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from storage.types import at_column


class Departure(SQLModel, table=True):
    """A rule of the document type that was relaxed, with the reason given (shown to the reviewer)."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    rule: str  # consultation_period | review_period | ...
    message: str = Field(sa_type=Text)  # what was relaxed, in Chinese, with the rule's source
    reason: str = Field(default="", sa_type=Text)
    recorded_by: str = ""
    recorded_at: datetime = Field(sa_column=at_column())
