"""The ``AuditHead`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class AuditHead(SQLModel, table=True):
    """The chain's tip, one row, locked by each appending transaction to serialise writers."""

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = ""
