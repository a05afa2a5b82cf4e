"""The ``RateLimitCounter`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class RateLimitCounter(SQLModel, table=True):
    """Hits per client key and fixed window, shared by every server process (keys are stored hashed)."""

    __tablename__ = "rate_limit_counter"
    bucket: str = Field(primary_key=True)
    key_hash: str = Field(primary_key=True)
    window_start: datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True, index=True))
    hits: int = 0
