"""Responsible-unit text to parties with roles, and to directory units (groups, footnotes, mappings)."""

from __future__ import annotations

from dataclasses import dataclass

from tests.support.scenario import DEMO_PROFILE
from workflow.parsing.responsible import LEAD, SUPPORT, split_responsible
from workflow.tracking.units import group_key, resolve_responsible


@dataclass(frozen=True)
class DirUnit:
    id: int
    name: str
    category: str
    aliases: str = "[]"


DIRECTORY = [
    DirUnit(1, "市水利局", "member_unit", '["水利局"]'),
    DirUnit(2, "市应急管理局", "member_unit", '["应急管理局"]'),
    DirUnit(3, "农业农村局", "member_unit", '["市农业农村局"]'),
    DirUnit(4, "住建局", "member_unit", '["市住建局"]'),
    DirUnit(5, "兑镇镇", "township"),
    DirUnit(6, "新义街道", "township"),
    DirUnit(7, "市司法局", "city_department"),
]


def parties(text: str) -> list[tuple[str, str]]:
    return [(p.text, p.role) for p in split_responsible(text)]


def test_lead_and_supporting_units_as_the_text_says() -> None:
    assert parties("市水利局牵头，市应急管理局配合") == [("市水利局", LEAD), ("市应急管理局", SUPPORT)]


def test_units_named_jointly_without_a_lead_are_all_responsible() -> None:
    assert parties("市县人民政府、市住建局及其主要负责人") == [("市县人民政府", LEAD), ("市住建局", LEAD)]


def test_duties_and_etc_after_a_name_are_not_part_of_it() -> None:
    text = "市住建局牵头，市公安局、市气象局等部门按照职责分工负责，负有安全监职责的部门督促企业落实"
    assert parties(text) == [
        ("市住建局", LEAD),
        ("市公安局", SUPPORT),
        ("市气象局", SUPPORT),
        ("负有安全监职责的部门", SUPPORT),
    ]


def test_a_unit_whose_name_contains_a_verb_keeps_its_name() -> None:
    assert ("市委组织部", SUPPORT) in parties("市应急管理局牵头，市委组织部配合")


def test_townships_and_city_departments_resolve_to_their_categories() -> None:
    res = resolve_responsible("市水利局牵头，各乡镇（街道）配合", DIRECTORY, {}, profile=DEMO_PROFILE)
    assert res.units == ((1, "市水利局", LEAD), (5, "兑镇镇", SUPPORT), (6, "新义街道", SUPPORT))
    everyone_but_townships = resolve_responsible("市直各有关部门", DIRECTORY, {}, profile=DEMO_PROFILE)
    assert [uid for uid, _n, _r in everyone_but_townships.units] == [1, 2, 3, 4, 7]


def test_a_footnote_group_resolves_to_its_members_and_lists_the_unknown_ones() -> None:
    groups = {"负有安全监管职责的部门": ["农业农村", "应急", "水利", "邮管"]}
    res = resolve_responsible("负有安全监管职责的部门及其实质负责人", DIRECTORY, {}, groups, profile=DEMO_PROFILE)
    assert {name for _i, name, _r in res.units} == {"农业农村局", "市应急管理局", "市水利局"}
    assert res.unresolved == ("邮管",)


def test_group_names_match_however_the_text_words_them() -> None:
    assert group_key("各负有安全监职责的部门") == group_key("负有安全生产监管职责的部门")


def test_unknown_names_are_listed_and_an_offices_mapping_resolves_them() -> None:
    res = resolve_responsible("市县人民政府、市住建局及其主要负责人", DIRECTORY, {}, profile=DEMO_PROFILE)
    assert res.unresolved == ("市县人民政府",) and [u[0] for u in res.units] == [4]
    mapped = resolve_responsible(
        "市县人民政府、市住建局及其主要负责人", DIRECTORY, {"市县人民政府": [7]}, profile=DEMO_PROFILE
    )
    assert mapped.unresolved == () and [u[0] for u in mapped.units] == [4, 7]


def test_generic_words_are_not_matched_to_a_unit_by_fragment() -> None:
    directory = [*DIRECTORY, DirUnit(8, "市人民政府办公室", "city_department")]
    res = resolve_responsible("各级党委、政府及各级安委会成员单位及其主要负责人", directory, {}, profile=DEMO_PROFILE)
    assert res.unresolved == ("各级党委", "政府") and 8 not in [u[0] for u in res.units]


def test_a_footnote_member_is_the_start_of_a_units_name_not_any_fragment() -> None:
    directory = [*DIRECTORY, DirUnit(8, "市人民政府办公室", "city_department"), DirUnit(9, "民政局", "member_unit")]
    groups = {"负有安全监管职责的部门": ["民政", "住建"]}
    res = resolve_responsible("负有安全监管职责的部门", directory, {}, groups, profile=DEMO_PROFILE)
    assert sorted(u[1] for u in res.units) == ["住建局", "民政局"]
