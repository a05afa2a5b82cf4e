"""The ``SignedDocument`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import at_column


class SignedDocument(SQLModel, table=True):
    """The signed and sealed final document of an issued draft (PDF, DOCX or OFD), kept with its SHA-256
    like a reply scan; a later upload (a better scan) is added, never overwrites."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    doc_number: str  # the 印发文号 it was issued under
    filename: str
    content_type: str
    sha256: str
    size: int
    data: bytes
    uploaded_by: str = ""
    uploaded_at: datetime = Field(sa_column=at_column())
