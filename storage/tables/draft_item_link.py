"""The ``DraftItemLink`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class DraftItemLink(SQLModel, table=True):
    """How an item of the previous version continues in this one, found by its wording when the version
    was imported (workflow.item_matching); an item without a link was deleted."""

    __tablename__ = "draft_item_link"
    __table_args__ = (UniqueConstraint("version_id", "from_seq", "to_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="draftversion.id", index=True)  # the newer version
    from_seq: int
    to_seq: int
    main: bool = True  # False: a further piece of a split item
    similarity: float = 1.0
