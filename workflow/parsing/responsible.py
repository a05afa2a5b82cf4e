"""Responsible-unit text (责任单位) split into the parties it names, with their roles.

"市水利局牵头，市应急管理局、市气象局等部门配合，各乡镇（街道）" names a lead (牵头) and supporting
units (配合 / 按职责分工负责); a text without 牵头 ("市县人民政府、市住建局及其主要负责人") makes every
party jointly responsible (lead). Trailing "及其主要负责人" and "等部门" are not names and are dropped.
Pure: which directory units the names mean is decided in ``workflow.tracking.units``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEAD = "lead"
SUPPORT = "support"
ROLE_LABELS = {LEAD: "牵头", SUPPORT: "配合"}

_PERSON = re.compile(r"(?:及|和)?其?(?:主要|实质|分管)?负责人$")
_TAILS = ("按职责分工负责", "按职责负责", "分工负责", "共同负责", "配合", "参与", "负责", "落实")
_ETC = re.compile(r"等(?:有关|相关)?(?:部门|单位)$")
_CLAUSES = re.compile(r"[，,；;。\n]+")
_PARTIES = re.compile(r"[、/]|及(?!其)|和(?=市|各)")
_ACTION = re.compile(r"(?:督促|组织开展|组织(?!部)|按照职责|按职责|开展|对企业|要求|做好)")


@dataclass(frozen=True)
class Party:
    text: str
    role: str


def _clean(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    action = _ACTION.search(name)
    if action:  # "…的部门督促企业落实…": what follows the unit is the duty, not a name
        name = name[: action.start()]
    name = _PERSON.sub("", name)
    for _ in range(3):
        for tail in _TAILS:
            if name.endswith(tail) and len(name) > len(tail):
                name = name[: -len(tail)]
        name = _ETC.sub("", name)
    return name.strip("、，, ")


def split_responsible(text: str) -> list[Party]:
    """Every party the text names, in order, with its role; duplicates dropped."""
    clauses = [c for c in _CLAUSES.split(text or "") if c.strip()]
    has_lead = any("牵头" in c for c in clauses)
    parties: list[Party] = []
    seen: set[str] = set()
    for clause in clauses:
        lead_part, _, rest = clause.partition("牵头") if "牵头" in clause else ("", "", clause)
        chunks = [(lead_part, LEAD), (rest, SUPPORT if has_lead else LEAD)]
        for chunk, role in chunks:
            for raw in _PARTIES.split(chunk):
                name = _clean(raw)
                if len(name) < 2 or name in seen:
                    continue
                seen.add(name)
                parties.append(Party(name, role))
    return parties


def is_person_typo(text: str) -> bool:
    """ "其实质负责人" written where "其主要负责人" is meant (the measures seed has it)."""
    return "实质负责人" in (text or "")
