"""The ``ReviewDocument`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ReviewDocument(SQLModel, table=True):
    """The reviewer's 审查意见书, kept with its SHA-256 like a reply scan."""

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="legalityreview.id", index=True)
    filename: str
    content_type: str
    sha256: str
    size: int
    data: bytes
