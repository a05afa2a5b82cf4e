"""The ``Round`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from states.round import RoundState
from storage.types import at_column


class Round(SQLModel, table=True):
    """一轮征求意见 on one draft version; ``state`` is owned by states.round.ROUND_MACHINE."""

    __table_args__ = (
        UniqueConstraint("office_id", "doc_number"),
        Index("ix_round_state_deadline", "state", "deadline"),
    )

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    version: int
    office_id: int = Field(foreign_key="office.id")
    doc_number: str
    doc_year: int
    letter_date: date
    deadline: datetime = Field(sa_column=at_column())
    deadline_warning: str = ""
    contact: str = ""
    phone: str = ""
    basis: str = Field(default="", sa_type=Text)
    requirements: str = Field(default="", sa_type=Text)
    scope: str = "internal"  # internal (units) | public (社会公开征求意见): the type's minimum is for public
    shorten_reason: str = Field(default="", sa_type=Text)  # why the period is shorter than the type's minimum
    # The letter's own words (workflow/reports/letters.py): why (为…), in light of what (请结合…实际), and the
    # attachments' names as the letter lists them ({"draft", "tasks", "reply_form"}; empty: from the draft).
    purpose: str = Field(default="", sa_type=Text)
    focus: str = Field(default="", sa_type=Text)
    attachment_names: str = Field(default="{}", sa_type=Text)
    draft_stage: str = ""  # the version's stage when the letter went out (代拟稿): later reviews re-label the version
    # A replayed round whose reply and review times are not on record (the demo): every page and document
    # that shows those times says they are illustrative.
    illustrative_times: bool = False
    state: str = Field(default=RoundState.open.value)
    created_at: datetime = Field(sa_column=at_column())
    enforced_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
