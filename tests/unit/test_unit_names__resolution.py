"""Typed unit names find their unit: full name, alias, with or without 市, ASCII or full-width brackets."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from kernel.errors import Conflict, NotFound
from workflow.unit_names import resolve_unit, resolve_units


@dataclass(frozen=True)
class Named:
    id: int
    name: str
    aliases: str = "[]"


UNITS = [
    Named(1, "工信局（商务局）"),
    Named(2, "交通运输局", json.dumps(["交通局", "市交通局"], ensure_ascii=False)),
    Named(3, "市消防救援大队", json.dumps(["消防救援大队"], ensure_ascii=False)),
    Named(4, "市场监管局"),
    Named(5, "市水利局"),
]


@pytest.mark.parametrize(
    ("typed", "unit_id"),
    [
        ("工信局（商务局）", 1),
        ("工信局(商务局)", 1),
        ("交通局", 2),
        ("市交通运输局", 2),
        ("消防", 3),
        ("消防救援大队", 3),
        ("水利局", 5),
        ("　市场监管局 ", 4),
    ],
)
def test_typed_names_resolve(typed: str, unit_id: int) -> None:
    assert resolve_unit(typed, UNITS).id == unit_id


def test_unknown_and_ambiguous_names_say_so() -> None:
    with pytest.raises(NotFound) as unknown:
        resolve_unit("统计局", UNITS)
    assert unknown.value.code == "UNIT_UNKNOWN" and "统计局" in unknown.value.message
    with pytest.raises(Conflict) as ambiguous:
        resolve_unit("局", UNITS)
    assert ambiguous.value.code == "UNIT_AMBIGUOUS" and "请写出全称" in ambiguous.value.message


def test_the_same_unit_named_twice_is_asked_once() -> None:
    assert [u.id for u in resolve_units(["交通局", "交通运输局", "市交通局"], UNITS)] == [2]
