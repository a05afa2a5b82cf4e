"""Resolving the unit names staff type (or a seed document writes) to directory entries.

Names in real letters vary: 交通局 for 交通运输局, 市住建局 for 住建局. Exact names win,
then declared aliases, then the name with or without the leading 市, then a fragment that
fits exactly one unit; several candidates are an error naming them, never a guess.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Protocol, TypeVar

from kernel.errors import Conflict, NotFound


class NamedUnit(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> str: ...


U = TypeVar("U", bound=NamedUnit)


@lru_cache(maxsize=8192)
def _variants(name: str) -> frozenset[str]:
    """Spellings that mean the same unit: with or without 市, and full-width or ASCII brackets and
    digits (NFKC), since 工信局（商务局） is as often typed 工信局(商务局). Cached: a typed name is compared
    with every unit's name and aliases."""
    name = unicodedata.normalize("NFKC", name).strip()
    base = name[1:] if name.startswith("市") and len(name) > 2 else name
    return frozenset((name, base, "市" + base))


def unit_aliases(unit: NamedUnit) -> list[str]:
    return list(_parsed_aliases(unit.aliases or "[]"))


@lru_cache(maxsize=4096)
def _parsed_aliases(text: str) -> tuple[str, ...]:
    """The aliases column parsed once per distinct text: resolving the responsible units of an issued
    draft's tasks compares every typed name with every unit (60,000 parses per issue before)."""
    try:
        return tuple(str(a) for a in json.loads(text))
    except ValueError:
        return ()


def resolve_unit(name: str, units: Sequence[U]) -> U:
    """One unit for one typed name, or a clear error naming the candidates."""
    wanted = name.strip()
    exact = [u for u in units if u.name == wanted]
    if exact:
        return exact[0]
    by_alias = [u for u in units if wanted in unit_aliases(u)]
    if len(by_alias) == 1:
        return by_alias[0]
    variants = _variants(wanted)
    loose = by_alias or [
        u for u in units if variants & (_variants(u.name) | {v for a in unit_aliases(u) for v in _variants(a)})
    ]
    if len(loose) == 1:
        return loose[0]
    if not loose:
        # Last resort: a fragment of exactly one unit's name or alias (消防 → 市消防救援大队).
        loose = [u for u in units if wanted and any(wanted in n for n in (u.name, *unit_aliases(u)))]
        if len(loose) == 1:
            return loose[0]
    if not loose:
        raise NotFound("UNIT_UNKNOWN", f"单位“{wanted}”不在单位名录中。", unit=wanted)
    names = "、".join(u.name for u in loose)
    raise Conflict("UNIT_AMBIGUOUS", f"单位“{wanted}”不唯一，可能是：{names}。请写出全称。", unit=wanted)


def resolve_units(names: Iterable[str], units: Sequence[U]) -> list[U]:
    seen: dict[int | None, U] = {}
    for name in names:
        if name.strip():
            unit = resolve_unit(name, units)
            seen.setdefault(unit.id, unit)
    return list(seen.values())
