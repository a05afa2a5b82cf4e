"""The ``Office`` table (``storage.models`` lists every table and loads each on first use)."""

from __future__ import annotations

from sqlalchemy import Text
from sqlmodel import Field, SQLModel


class Office(SQLModel, table=True):
    """发文机关, one per office profile (``workflow.profiles``); several may share one server."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    short_name: str = ""
    email: str = ""  # where review results and staff notices go
    reviewer_unit: str = ""  # the unit that does the legality review
    code: str | None = Field(default=None, unique=True, index=True)  # the profile's code (``--office CODE``)
    profile: str = Field(default="{}", sa_type=Text)  # workflow.profiles.OfficeProfile as JSON
