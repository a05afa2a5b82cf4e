"""The ``DraftVersion`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from states.draft import DraftStage
from storage.types import at_column


class DraftVersion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("draft_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    version: int
    stage: str = DraftStage.proposed.value
    source_filename: str = ""
    source_title: str | None = None
    body: str = Field(default="[]", sa_type=Text)  # JSON list of paragraphs
    parts: str = Field(default="[]", sa_type=Text)  # JSON list of {ordinal, heading, task_numbers}
    note: str = ""
    created_at: datetime = Field(sa_column=at_column())
    kind: str = "tasks"  # tasks (重点任务分工) | articles (第X条) | sections (一、（一）)
