"""The ``ItemEvidence`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import at_column


class ItemEvidence(SQLModel, table=True):
    """A file proving progress or completion, kept with its SHA-256 (size-capped on upload)."""

    __tablename__ = "item_evidence"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="trackeditem.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="progress_request.id")
    purpose: str = "progress"  # progress | signoff
    filename: str
    content_type: str = "application/octet-stream"
    sha256: str
    size: int
    data: bytes
    uploaded_by: str = ""
    uploaded_at: datetime = Field(sa_column=at_column())
