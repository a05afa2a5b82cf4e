"""The ``MeasureTable`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from storage.types import at_column


class MeasureTable(SQLModel, table=True):
    """整改措施表 (imported) or the task list of an issued notice: the list a progress round chases."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    title: str
    source: str = "import"  # import | draft
    draft_id: int | None = Field(default=None, foreign_key="draft.id")
    doc_date: date
    source_filename: str = ""
    headers: str = Field(default="[]", sa_type=Text)  # JSON: the columns as the source wrote them
    groups: str = Field(default="{}", sa_type=Text)  # JSON: footnote groups → member names
    problems: str = Field(default="[]", sa_type=Text)  # JSON: what the import asked staff to confirm
    created_at: datetime = Field(sa_column=at_column())
