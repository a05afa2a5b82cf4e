"""The ``Deliberation`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from storage.types import at_column


class Deliberation(SQLModel, table=True):
    """集体讨论 (e.g. 市政府第X次常务会议) of the draft after its review, with optional minutes."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    meeting: str
    held_on: date
    outcome: str = "approved"  # approved | approved_with_changes | rejected
    minutes_name: str = ""
    minutes_sha256: str = ""
    minutes: bytes | None = None
    recorded_by: str = ""
    recorded_at: datetime = Field(sa_column=at_column())
