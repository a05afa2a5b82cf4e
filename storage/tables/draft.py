"""The ``Draft`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from states.draft import DraftState
from storage.types import at_column


class Draft(SQLModel, table=True):
    """A document being drafted; ``state`` is owned by states.draft.DRAFT_MACHINE."""

    id: int | None = Field(default=None, primary_key=True)
    office_id: int | None = Field(default=None, foreign_key="office.id")
    title: str
    issuer: str
    state: str = Field(default=DraftState.drafting.value, index=True)
    current_version: int = 1
    doc_type: str = "general"  # a key of workflow.doc_types (一般性文件 by default)
    legal_basis: str = Field(default="", sa_type=Text)  # 制定依据: one law, regulation or policy per line
    issued_doc_number: str | None = None
    issued_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
    created_at: datetime = Field(sa_column=at_column())
