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
    return Resolver(units, mappings, groups, profile=profile).resolve(text)


class Resolver:
    """``resolve_responsible`` for many texts against one directory, mappings, groups and profile: each party
    is looked up once (an issued draft's 30 tasks name some 240 parties, 54 of them different, and each
    lookup compares the name with every unit)."""

    def __init__(
        self,
        units: Sequence[DirectoryUnit],
        mappings: Mapping[str, Sequence[int]],
        groups: Mapping[str, Sequence[str]] | None = None,
        *,
        profile: OfficeProfile,
    ) -> None:
        self._units, self._mappings, self._profile = units, mappings, profile
        self._by_id = {u.id or 0: u for u in units}
        self._order = {uid: n for n, uid in enumerate(self._by_id)}  # directory order
        self._groups = {group_key(k): list(v) for k, v in (groups or {}).items()}
        self._parties: dict[str, tuple[list[int] | None, list[str]]] = {}

    def resolve(self, text: str) -> Resolved:
        found: dict[int, str] = {}
        unresolved: list[str] = []
        if text.strip() in self._mappings:  # a whole cell mapped at once
            for uid in self._mappings[text.strip()]:
                found.setdefault(uid, LEAD)
        else:
            for party in split_responsible(text):
                ids, missing = self._party(party.text)
                unresolved += missing
                if ids is None:
                    unresolved.append(party.text)
                    continue
                for uid in ids:
                    if uid in self._by_id and found.get(uid) != LEAD:
                        found[uid] = party.role
        ordered = sorted(found.items(), key=lambda kv: (kv[1] != LEAD, self._order[kv[0]]))
        return Resolved(
            tuple((uid, self._by_id[uid].name, role) for uid, role in ordered if uid in self._by_id),
            tuple(dict.fromkeys(unresolved)),
        )

    def _party(self, text: str) -> tuple[list[int] | None, list[str]]:
        """The units one party names (None: none found) and the members of a group it names that are not."""
        known = self._parties.get(text)
        if known is None:
            known = self._parties[text] = self._look_up(text)
        return known

    def _look_up(self, text: str) -> tuple[list[int] | None, list[str]]:
        units, mappings = self._units, self._mappings
        missing: list[str] = []
        ids = list(mappings[text]) if text in mappings else None
        if ids is None:
            cats = _by_category(text, self._profile)
            if cats is not None:
                ids = [u.id or 0 for u in units if u.category in cats]
        if ids is None and group_key(text) in self._groups:
            ids = []
            for member in self._groups[group_key(text)]:
                hit = _member(member, units, mappings)
                if hit is None:
                    missing.append(member)
                else:
                    ids += hit
        if ids is None and not _GENERIC.match(text):
            ids = _one(text, units, mappings)
        return ids, missing
