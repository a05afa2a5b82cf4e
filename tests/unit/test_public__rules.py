"""The pure rules of public consultation: what counts as the same comment, receipts as typed, the office's
settings, and the moderation machine (nothing is ever deleted: hidden comments can be published again)."""

from __future__ import annotations

import pytest

from kernel.errors import Conflict, InvalidInput
from states.public_comment import MODERATION_MACHINE, ModerationState
from workflow.public.intake import new_receipt, read_receipt
from workflow.public.policy import PublicPolicy
from workflow.public.similarity import cluster, normalise, score


def test_punctuation_spacing_width_and_case_do_not_make_a_new_opinion() -> None:
    assert normalise("建议 取消，第５条！ABC") == normalise("建议取消第5条abc") == "建议取消第5条abc"


def test_reordered_clauses_and_a_changed_word_still_score_as_the_same_opinion() -> None:
    a = normalise("建议取消第五条的收费规定，因为会增加小微企业负担，与减税降费政策不符")
    b = normalise("因为会增加小微企业负担，与减税降费政策不符，建议删除第五条的收费规定")
    other = normalise("第十二条罚款过高，建议参照上位法降低罚款数额")
    assert score(a, b) >= 80 > score(a, other)


def test_union_find_joins_copies_of_copies_and_leaves_strangers_apart() -> None:
    base = "建议取消第五条关于收取管理费的规定因为这会增加企业负担"
    edited = base.replace("取消", "删除")
    chain = [base, edited, edited.replace("企业", "小微企业"), "完全不同的意见内容关于绿化"]
    labels = cluster([normalise(t) for t in chain], 80)
    assert labels[0] == labels[1] == labels[2] != labels[3]


def test_a_receipt_is_read_however_it_was_typed_and_garbage_is_refused() -> None:
    receipt = new_receipt()
    assert read_receipt(receipt.lower().replace("-", " ")) == receipt
    with pytest.raises(InvalidInput) as bad:
        read_receipt("GK-0000-1111-OOOO")  # 0, 1 and O are not in the alphabet
    assert bad.value.code == "RECEIPT_INVALID"


def test_the_office_settings_are_checked_and_an_office_may_override_them() -> None:
    section = {"similarity_threshold": 85, "offices": {"flood": {"contact_retention_days": 90}}}
    assert PublicPolicy.from_mapping(section, "flood").contact_retention_days == 90
    assert PublicPolicy.from_mapping(section, "other").contact_retention_days == 180
    for wrong in ({"similarity_threshold": 20}, {"hide_reasons": []}, {"colour": "red"}, {"flag_words": "广告"}):
        with pytest.raises(InvalidInput) as refused:
            PublicPolicy.from_mapping(wrong)
        assert refused.value.code == "PUBLIC_CONFIG_INVALID"


def test_moderation_publishes_or_hides_and_never_returns_to_pending() -> None:
    s = ModerationState
    assert MODERATION_MACHINE.fire(s.pending, "hide", None) == s.hidden
    assert MODERATION_MACHINE.fire(s.hidden, "publish", None) == s.published
    assert MODERATION_MACHINE.fire(s.published, "hide", None) == s.hidden
    with pytest.raises(Conflict):
        MODERATION_MACHINE.fire(s.published, "publish", None)
