"""The ``Task`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Task(SQLModel, table=True):
    """A row of the task-division table (重点任务分工) of one draft version."""

    __table_args__ = (UniqueConstraint("version_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="draftversion.id", index=True)
    number: int
    title: str
    content_hash: str
