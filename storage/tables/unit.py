"""The ``Unit`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Unit(SQLModel, table=True):
    """A unit of one office's directory; aliases let 交通局 find 交通运输局. Names are unique per office:
    two offices may both list 市应急管理局, each with its own contact."""

    __table_args__ = (UniqueConstraint("office_id", "name", name="uq_unit_office_name"),)

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    name: str
    category: str = Field(index=True)  # a category key of the office's profile
    aliases: str = Field(default="[]", sa_type=Text)  # JSON list
    contact: str = ""
    phone: str = ""
    email: str = ""
    webhook: str = ""
    active: bool = True
