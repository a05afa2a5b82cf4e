"""Responsible-unit text (责任单位) to directory units.

Each party the text names (``parsing.responsible``) is looked up in this order: the office's own
mapping (staff answered ``tasks map-unit`` once, it is reused), the words that name a whole category of
the office's profile (its label, 主送 wording or an alias; or by the category's kind: "各乡镇（街道）" →
every township, "各级…成员单位" → every member unit, "X直各有关部门" with X the office's level (市直, 县直,
区直) → every department and member unit), a group the table defines in its footnotes ("负有安全监管职责
的部门：农业农村、…" → each member resolved), then the unit directory (exact, alias, with or without 市,
a fragment of exactly one unit). Whatever is still unknown is listed, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from kernel.errors import DomainError
from workflow.parsing.responsible import LEAD, split_responsible
from workflow.profiles import OfficeProfile
from workflow.unit_names import resolve_unit, unit_aliases


class DirectoryUnit(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> str: ...
    @property
    def category(self) -> str: ...


@dataclass(frozen=True)
class Resolved:
    units: tuple[tuple[int, str, str], ...]  # (unit_id, name, role), leads first
    unresolved: tuple[str, ...]


def group_key(name: str) -> str:
    """ "各负有安全监职责的部门" and "负有安全生产监管职责的部门" name the same group."""
    return re.sub(r"[各生产管的等]|部门|单位", "", re.sub(r"\s+", "", name))


def _by_category(text: str, profile: OfficeProfile) -> tuple[str, ...] | None:
    """The category keys ``text`` names as a whole, in the office's own words or by kind; None if none."""
    def of(*kinds: str) -> tuple[str, ...]:
        return tuple(c.key for c in profile.categories if c.kind in kinds)

    named = profile.find_category(re.sub(r"^(?:各级|各有关|各)", "", text)) or profile.find_category(text)
    if named is not None:  # "X直各有关部门" means every department, member units included (they are departments)
        return of("department", "member") if named.kind == "department" else (named.key,)

    if "乡镇" in text or "街道" in text:
        return of("township")
    if text.endswith("成员单位"):
        return of("member")
    direct = re.escape(profile.direct_prefix)
    if re.fullmatch(rf"(?:{direct})?(?:各|有关|各有关|各相关|相关)+(?:部门|单位)|{direct}(?:各)?(?:部门|单位)", text):
        return of("department", "member")
    return None


_GENERIC = re.compile(r"^(?:各级|各|市|县|市县|有关)*(?:党委|政府|人民政府|党委政府|部门|单位)$")
"""Words that name no particular unit ("政府", "各级党委"): never matched as a fragment of a unit's name."""


def _one(name: str, units: Sequence[DirectoryUnit], mappings: Mapping[str, Sequence[int]]) -> list[int] | None:
    if name in mappings:
        return list(mappings[name])
    try:
        unit = resolve_unit(name, units)
    except DomainError:
        return None
    return [unit.id or 0]


def _member(name: str, units: Sequence[DirectoryUnit], mappings: Mapping[str, Sequence[int]]) -> list[int] | None:
    """A footnote's short name ("民政", "住建") is the start of one unit's name or alias (民政局, 住建局),
    never any fragment: "民政" is inside "市人民政府办公室" too."""
    if name in mappings:
        return list(mappings[name])
    wanted = re.sub(r"[（(].*?[)）]", "", name).strip()
    hits = []
    for unit in units:
        spellings = [unit.name, *unit_aliases(unit)]
        if any(s.startswith(wanted) or (s.startswith("市") and s[1:].startswith(wanted)) for s in spellings):
            hits.append(unit.id or 0)
    return hits if len(hits) == 1 else None


def resolve_responsible(
    text: str,
    units: Sequence[DirectoryUnit],
    mappings: Mapping[str, Sequence[int]],
    groups: Mapping[str, Sequence[str]] | None = None,
    *,
    profile: OfficeProfile,
) -> Resolved:
    """The directory units ``text`` names, with roles; names that resolve to nothing are listed.

    ``profile`` is the office's: its categories decide which words name a whole category."""
    by_id = {u.id or 0: u for u in units}
    group_members = {group_key(k): list(v) for k, v in (groups or {}).items()}
    found: dict[int, str] = {}
    unresolved: list[str] = []
    if text.strip() in mappings:  # a whole cell mapped at once
        for uid in mappings[text.strip()]:
            found.setdefault(uid, LEAD)
    else:
        for party in split_responsible(text):
            ids = list(mappings[party.text]) if party.text in mappings else None
            if ids is None:
                cats = _by_category(party.text, profile)
                if cats is not None:
                    ids = [u.id or 0 for u in units if u.category in cats]
            if ids is None and group_key(party.text) in group_members:
                ids = []
                for member in group_members[group_key(party.text)]:
                    hit = _member(member, units, mappings)
                    if hit is None:
                        unresolved.append(member)
                    else:
                        ids += hit
            if ids is None and not _GENERIC.match(party.text):
                ids = _one(party.text, units, mappings)
            if ids is None:
                unresolved.append(party.text)
                continue
            for uid in ids:
                if uid in by_id and found.get(uid) != LEAD:
                    found[uid] = party.role
    ordered = sorted(found.items(), key=lambda kv: (kv[1] != LEAD, list(by_id).index(kv[0])))
    return Resolved(
        tuple((uid, by_id[uid].name, role) for uid, role in ordered if uid in by_id),
        tuple(dict.fromkeys(unresolved)),
    )
