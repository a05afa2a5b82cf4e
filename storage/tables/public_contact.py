"""The ``PublicContact`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import at_column


class PublicContact(SQLModel, table=True):
    """The commenter's optional name and contact: never published, purged past the retention period."""

    __tablename__ = "public_contact"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="public_comment.id", unique=True)
    name: str = ""
    contact: str = ""
    created_at: datetime = Field(sa_column=at_column())
    purged_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
