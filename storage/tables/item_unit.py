"""The ``ItemUnit`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class ItemUnit(SQLModel, table=True):
    """A unit responsible for a tracked item, as 牵头 (lead) or 配合 (support)."""

    __table_args__ = (UniqueConstraint("item_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="trackeditem.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str = "lead"
