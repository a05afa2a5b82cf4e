"""The ``Filing`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from storage.types import at_column


class Filing(SQLModel, table=True):
    """备案 of the published document with the body above (e.g. 市人民政府, 上级司法行政部门)."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", unique=True)
    filed_to: str
    filed_on: date
    recorded_by: str = ""
    recorded_at: datetime = Field(sa_column=at_column())
