"""The ``DraftItem`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class DraftItem(SQLModel, table=True):
    """An addressable part of one draft version — 序号8, 第三章, 第五条, 第八条第二款, 第五条第（三）项, 一、（二）
    — that comments anchor to. ``seq`` is its place in the version; ``parent_seq`` the enclosing item's."""

    __tablename__ = "draft_item"
    __table_args__ = (UniqueConstraint("version_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="draftversion.id", index=True)
    seq: int
    kind: str  # task | chapter | section | article | paragraph | item | heading
    label: str
    number: int
    parent_seq: int | None = None
    heading: str = ""
    text: str = Field(default="", sa_type=Text)
    content_hash: str = ""
