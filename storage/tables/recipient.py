"""The ``Recipient`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from states.recipient import RecipientState
from storage.types import at_column


class Recipient(SQLModel, table=True):
    """征求对象: one unit asked in one round; ``state`` owned by RECIPIENT_MACHINE."""

    # The unique (round_id, unit_id) index also serves lookups by round; an index on state would
    # only slow the deadline sweep, which rewrites state for many rows at once.
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    state: str = RecipientState.pending.value
    replied_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
    deemed_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
    late: bool = False
    revisions: int = 0
    # The unit as it was named when asked: a later rename (机构改革) must not rewrite old papers.
    unit_name: str = ""
    unit_category: str = ""
