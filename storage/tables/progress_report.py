"""The ``ProgressReport`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import at_column


class ProgressReport(SQLModel, table=True):
    """A unit's progress on one item in one round (ProgressReport); a resubmission replaces it. ``late``: sent
    after the due time — kept and shown as 逾期报送, while the unit stays counted 未报送 for that month."""

    __tablename__ = "progress_report"
    __table_args__ = (UniqueConstraint("request_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="progress_request.id", index=True)
    round_id: int = Field(foreign_key="progress_round.id", index=True)
    item_id: int = Field(foreign_key="trackeditem.id", index=True)
    status: str
    text: str = Field(default="", sa_type=Text)
    reported_at: datetime = Field(sa_column=at_column())
    late: bool = False
