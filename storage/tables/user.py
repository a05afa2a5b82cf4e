"""The ``User`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import at_column


class User(SQLModel, table=True):
    """Staff, reviewer and admin accounts (units reply through personal links, not accounts).

    A staff or admin account belongs to one office and sees only it; a reviewer account also serves
    every office whose profile names the same reviewing unit (see ``workflow.services.accounts``).
    """

    id: int | None = Field(default=None, primary_key=True)
    office_id: int | None = Field(default=None, foreign_key="office.id", index=True)
    username: str = Field(unique=True)
    display_name: str
    role: str  # staff | reviewer | admin
    password_hash: str
    active: bool = True
    created_at: datetime = Field(sa_column=at_column())
