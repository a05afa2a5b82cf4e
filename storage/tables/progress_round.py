"""The ``ProgressRound`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from states.progress_round import ProgressRoundState
from storage.types import at_column


class ProgressRound(SQLModel, table=True):
    """One month's progress collection (当月工作开展情况); ``state`` owned by PROGRESS_ROUND_MACHINE."""

    __tablename__ = "progress_round"
    __table_args__ = (UniqueConstraint("office_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id")
    month: str  # 2023-10
    due: datetime = Field(sa_column=at_column(index=True))
    state: str = Field(default=ProgressRoundState.open.value, index=True)
    created_at: datetime = Field(sa_column=at_column())
    enforced_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
