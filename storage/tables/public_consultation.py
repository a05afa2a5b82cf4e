"""The ``PublicConsultation`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from storage.types import at_column


class PublicConsultation(SQLModel, table=True):
    """A round put to the public: its draft version, the published explanation and whom to ask.

    The period is the round's (opened with it, closed by the same deadline sweep); a consultation
    without units is a round with no recipients."""

    __tablename__ = "public_consultation"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", unique=True)
    office_id: int = Field(foreign_key="office.id", index=True)
    draft_id: int = Field(foreign_key="draft.id", index=True)
    version: int
    explanation: str = Field(default="", sa_type=Text)  # 起草说明 as published
    contact: str = Field(default="", sa_type=Text)  # how else to comment (address, e-mail, phone), published
    opens_at: datetime = Field(sa_column=at_column())
    created_by: str = ""
