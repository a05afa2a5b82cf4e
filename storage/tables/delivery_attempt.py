"""The ``DeliveryAttempt`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from storage.types import at_column


class DeliveryAttempt(SQLModel, table=True):
    """Every try to deliver a message, with the provider's answer."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="outboxmessage.id", index=True)
    at: datetime = Field(sa_column=at_column())
    ok: bool
    permanent: bool = False
    detail: str = Field(default="", sa_type=Text)
