"""The ``LegalityReview`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from states.review import ReviewState
from storage.types import at_column


class LegalityReview(SQLModel, table=True):
    """合法性审查 of the draft after a round, by the justice bureau."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    version: int
    state: str = ReviewState.pending.value
    reviewer: str = ""
    opinion: str = Field(default="", sa_type=Text)
    requested_at: datetime = Field(sa_column=at_column())
    decided_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
    due_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))  # working days from submission
    min_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))  # end of the minimum period
    checklist: str = Field(default="[]", sa_type=Text)  # JSON: [{key, label, answer, note}]
    changes: str = Field(default="", sa_type=Text)  # on a return: what to change, one point per line
    missing_materials: str = Field(default="[]", sa_type=Text)  # JSON: materials missing at submission
