"""The ``ProgressRequest`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from states.progress_round import ProgressRequestState
from storage.types import at_column


class ProgressRequest(SQLModel, table=True):
    """What one unit is asked in one progress round, reached through its own link (only the token's
    hash is stored, as for reply links); ``state`` owned by PROGRESS_REQUEST_MACHINE."""

    __tablename__ = "progress_request"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="progress_round.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    unit_name: str = ""
    item_ids: str = Field(default="[]", sa_type=Text)  # JSON: the open items asked about
    state: str = ProgressRequestState.pending.value
    reported_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
    not_reported_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
    nonce: str = ""
    token_hash: str = Field(default="", index=True)
    link_revoked_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))  # until reissued
