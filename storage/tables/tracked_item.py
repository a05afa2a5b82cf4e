"""The ``TrackedItem`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from states.tracked_item import TrackedItemState
from storage.types import at_column


class TrackedItem(SQLModel, table=True):
    """One measure (or one task of an issued notice) tracked until signed off; ``state`` is owned by
    states.tracked_item.TRACKED_ITEM_MACHINE, overdue is derived from ``due_date``."""

    id: int | None = Field(default=None, primary_key=True)
    table_id: int = Field(foreign_key="measuretable.id", index=True)
    seq: int
    row: int = 0  # the table's problem row (several measures share one)
    category: str = ""
    problem: str = Field(default="", sa_type=Text)
    measure_number: int | None = None
    measure: str = Field(default="", sa_type=Text)
    provincial: str = Field(default="", sa_type=Text)
    responsible: str = Field(default="", sa_type=Text)  # the responsible-unit text as written
    unresolved: str = Field(default="[]", sa_type=Text)  # JSON: names not yet mapped to units
    due_text: str = ""
    due_kind: str = "none"
    due_date: date | None = Field(default=None, index=True)
    state: str = Field(default=TrackedItemState.open.value, index=True)
    supervised: bool = False
    supervision_note: str = Field(default="", sa_type=Text)
    closed_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
    closed_by: str = ""
    created_at: datetime = Field(sa_column=at_column())
