"""The ``PublicComment`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from states.public_comment import ModerationState
from storage.types import at_column


class PublicComment(SQLModel, table=True):
    """One comment from the public; ``state`` is owned by states.public_comment.MODERATION_MACHINE.

    Name and contact are not here (``PublicContact``), so nothing that reads comments can leak them."""

    __tablename__ = "public_comment"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    consultation_id: int = Field(foreign_key="public_consultation.id")
    receipt: str = Field(unique=True)
    kind: str  # states.public_comment.CommenterKind
    channel: str = "web"  # web | letter | email | fax
    target: str = ""  # as written ("" = the whole draft)
    anchor_key: str = ""  # the draft item it was resolved to ("序号5"), "" when none
    anchor_label: str = ""
    anchor_version: int | None = None
    text: str = Field(sa_type=Text)
    basis: str = Field(default="", sa_type=Text)
    reason: str = Field(default="", sa_type=Text)
    normalised: str = Field(default="", sa_type=Text)  # what grouping compares
    text_hash: str = Field(default="", index=True)  # of the normalised text: exact duplicates
    client_hash: str = ""  # keyed hash of the client address: resubmissions by one client are folded
    repeats: int = 0  # how many times the same client sent it again
    state: str = Field(default=ModerationState.pending.value, index=True)
    flagged: str = Field(default="[]", sa_type=Text)  # JSON: the office's flag words found in it
    moderation_reason: str = Field(default="", sa_type=Text)
    moderated_by: str = ""
    moderated_at: datetime | None = Field(default=None, sa_column=at_column(nullable=True))
    group_id: int | None = Field(default=None, foreign_key="public_comment_group.id", index=True)
    received_at: datetime = Field(sa_column=at_column())
    recorded_by: str = ""
