"""The ``UnitMapping`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import at_column


class UnitMapping(SQLModel, table=True):
    """Staff's answer for a responsible-unit name the directory does not know, kept per office."""

    __tablename__ = "unit_mapping"
    __table_args__ = (UniqueConstraint("office_id", "text", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    text: str
    unit_id: int = Field(foreign_key="unit.id")
    created_at: datetime = Field(sa_column=at_column())
