"""The ``TaskItem`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from sqlalchemy import Text
from sqlmodel import Field, SQLModel


class TaskItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    seq: int
    label: str = ""
    content: str = Field(sa_type=Text)
    responsible: str = Field(default="", sa_type=Text)
