"""The ``Decision`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from storage.types import at_column


class Decision(SQLModel, table=True):
    """采纳情况及理由 for one comment."""

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="comment.id", unique=True)
    outcome: str  # adopted | partly_adopted | rejected
    reason: str = Field(default="", sa_type=Text)
    change_task_number: int | None = None  # 落实于 a task of the task-division table (its 序号)
    # 落实于 an item of the draft (第五条, 第二章, 第五条第二款第（二）项): the item's seq in the version the
    # decision named it in, and its label there. A reference by seq, so a later revision carries it on.
    change_item_version: int | None = None
    change_item_seq: int | None = None
    change_item_label: str | None = None
    decided_by: str = ""
    decided_at: datetime = Field(sa_column=at_column())
