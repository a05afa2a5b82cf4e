"""The ``ReplyAttachment`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ReplyAttachment(SQLModel, table=True):
    """A scan of a sealed paper reply, kept with its SHA-256."""

    id: int | None = Field(default=None, primary_key=True)
    reply_id: int = Field(foreign_key="reply.id", index=True)
    filename: str
    content_type: str
    sha256: str
    size: int
    data: bytes
