"""Office profiles: categories, 主送 order, import-added categories, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel.errors import InvalidInput
from workflow.profiles import load_profile_file, profile_from_mapping

DEMO = Path(__file__).resolve().parents[2] / "profiles" / "demo-safety-office.toml"

FLOOD = {
    "code": "flood",
    "name": "某市防汛抗旱指挥部办公室",
    "short_name": "市防指办",
    "level": "县",
    "categories": [
        {"key": "member", "label": "市防指成员单位", "kind": "member"},
        {"key": "town", "label": "乡镇（街道）", "addressee": "各乡镇人民政府、街道办事处", "kind": "township"},
    ],
}


def test_demo_profile_reads_with_the_seed_letter_order() -> None:
    profile = load_profile_file(DEMO)
    assert profile.addressees({"member_unit", "township"}) == ["各乡镇人民政府、街道办事处", "市安委会各有关成员单位"]
    assert profile.category_order()[0] == "member_unit"
    assert profile.parse_category("成员单位").key == "member_unit"
    assert profile.parse_category("乡镇(街道)").key == "township"  # half-width brackets as typed


def test_another_office_prints_its_own_words() -> None:
    profile = profile_from_mapping(FLOOD)
    assert profile.addressees(["member"]) == ["市防指各有关成员单位"]
    assert profile.category_label("member") == "市防指成员单位"
    assert profile.direct_prefix == "县直"
    with pytest.raises(InvalidInput) as err:
        profile.parse_category("市安委会成员单位")
    assert err.value.code == "UNIT_CATEGORY_UNKNOWN" and "市防指成员单位" in err.value.message


def test_an_import_adds_a_category_as_written_unless_locked() -> None:
    profile = profile_from_mapping(FLOOD)
    grown, spec = profile.with_category("驻市企业")
    assert spec.label == "驻市企业" and grown.category_order()[-1] == spec.key
    assert grown.addressees([spec.key]) == ["各驻市企业"]
    assert profile_from_mapping(grown.to_mapping()) == grown
    locked = profile_from_mapping({**FLOOD, "categories_locked": True})
    with pytest.raises(InvalidInput) as err:
        locked.with_category("驻市企业")
    assert err.value.code == "UNIT_CATEGORY_LOCKED"


@pytest.mark.parametrize(
    "change",
    [
        {"code": "Bad Code"},
        {"name": ""},
        {"level": "州"},
        {"categories": [{"key": "a", "label": "甲"}, {"key": "a", "label": "乙"}]},
        {"addressee_order": ["nope"]},
        {"categories": [{"key": "a", "label": "甲", "kind": "weird"}]},
    ],
)
def test_a_malformed_profile_is_refused_with_its_code(change: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as err:
        profile_from_mapping({**FLOOD, **change})
    assert err.value.code == "OFFICE_PROFILE_INVALID"
