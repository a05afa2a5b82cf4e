"""The signed-in user's office: its profile (categories with their printed words, reviewer, prefix)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from entrypoints.web.deps import AnyUser, ReadUowDep
from workflow.services.offices import office_profile

router = APIRouter(tags=["发文机关"])


class CategoryView(BaseModel):
    key: str = Field(description="类别代码（单位的 category 字段）")
    label: str = Field(description="文书中印出的类别名称，如“乡镇（街道）”")
    addressee: str = Field(description="征求意见函主送栏的写法")
    kind: str = Field(description="member | department | township | other")
    aliases: list[str]


class OfficeView(BaseModel):
    """The signed-in user's office as its profile describes it."""

    id: int
    code: str
    name: str
    short_name: str
    level: str
    reviewer_unit: str
    doc_number_prefix: str
    issuer: str
    categories: list[CategoryView]
    categories_locked: bool


@router.get("/office")
def api_office(user: AnyUser, uow: ReadUowDep) -> OfficeView:
    """Category keys to use in ``categories`` when starting a round, and how documents print them."""
    profile = office_profile(uow, user.office_id)
    return OfficeView(
        id=user.office_id,
        code=profile.code,
        name=profile.name,
        short_name=profile.short_name,
        level=profile.level,
        reviewer_unit=profile.reviewer_unit,
        doc_number_prefix=profile.doc_number_prefix,
        issuer=profile.issuer,
        categories=[
            CategoryView(key=c.key, label=c.label, addressee=c.addressee, kind=c.kind, aliases=list(c.aliases))
            for c in profile.categories
        ],
        categories_locked=profile.categories_locked,
    )
