"""The ``Publication`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from storage.types import at_column


class Publication(SQLModel, table=True):
    """公开发布 of the issued document: when and where (政府公报, 政府网站…)."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", unique=True)
    published_on: date
    place: str  # where it was published
    filing_due: date | None = None  # 备案 deadline, from the type's filing_days
    recorded_by: str = ""
    recorded_at: datetime = Field(sa_column=at_column())
