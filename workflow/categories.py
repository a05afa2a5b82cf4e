"""Unit categories, in the order the adoption table lists them (as in the seed)."""

from __future__ import annotations

from enum import StrEnum

from kernel.errors import InvalidInput


class UnitCategory(StrEnum):
    member_unit = "member_unit"
    city_department = "city_department"
    township = "township"
    other = "other"


CATEGORY_LABELS: dict[str, str] = {
    "member_unit": "市安委会成员单位",
    "city_department": "市直部门",
    "township": "乡镇（街道）",
    "other": "其他单位",
}

CATEGORY_ORDER = [c.value for c in UnitCategory]

_SYNONYMS = {
    "member_unit": ("市安委会成员单位", "安委会成员单位", "成员单位", "member", "member_unit"),
    "city_department": ("市直部门", "市直单位", "市直各部门", "部门", "city_department", "department"),
    "township": ("乡镇（街道）", "乡镇(街道)", "乡镇", "街道", "乡镇街道", "township"),
    "other": ("其他", "其他单位", "other"),
}


def parse_category(text: str) -> UnitCategory:
    """Map what an import file or a form says to a category; unknown text is an error."""
    wanted = (text or "").strip().replace(" ", "")
    for value, names in _SYNONYMS.items():
        if wanted in names or wanted.lower() in names:
            return UnitCategory(value)
    known = "、".join(CATEGORY_LABELS.values())
    raise InvalidInput("UNIT_CATEGORY_UNKNOWN", f"单位类别“{text}”无法识别，可用类别：{known}。", category=text)


def category_label(value: str) -> str:
    return CATEGORY_LABELS.get(value, value)
