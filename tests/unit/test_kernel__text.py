"""Text from outside: control characters refused with a code naming the field; one spelling of a user name."""

from __future__ import annotations

import pytest

from kernel.errors import InvalidInput
from kernel.text import check_text, normalise_username, xml_safe
from workflow.comment_input import CommentInput


@pytest.mark.parametrize("bad", ["建议\x0b修改", "\x01", "孝安办函〔2026〕1\x00号", "a\x7fb", "a\x85b", "行\u2028分隔"])
def test_control_characters_are_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_text(bad, "发文字号")
    assert refused.value.code == "TEXT_CONTROL_CHARACTER"
    assert "“发文字号”" in refused.value.message and refused.value.details["character"].startswith("U+")


def test_line_feed_and_tab_only_where_text_may_span_lines() -> None:
    assert check_text("第一行\n第二行\t附表\r\n", "修改意见", multiline=True) == "第一行\n第二行\t附表\r\n"
    with pytest.raises(InvalidInput):
        check_text("孝安办函\n〔2026〕1号", "发文字号")
    with pytest.raises(InvalidInput):
        check_text("换页\x0c", "修改意见", multiline=True)


def test_a_comment_from_any_source_is_checked_when_it_is_built() -> None:
    with pytest.raises(InvalidInput) as refused:
        CommentInput(target="序号1", text="建议\x0b\x01")
    assert "修改意见" in refused.value.message
    assert CommentInput(target="序号1", text="两行\n意见").text == "两行\n意见"


def test_every_spelling_of_one_user_name_is_one_name() -> None:
    variants = [
        " zhaojian",
        "zhaojian\t",
        "\u3000zhaojian",
        "ZhaoJian",
        "ｚｈａｏｊｉａｎ",
        "zhao\u200bjian",
        "\nZHAOJIAN\u3000",
    ]
    assert {normalise_username(v) for v in variants} == {"zhaojian"}


def test_xml_safe_drops_only_what_xml_cannot_carry() -> None:
    assert xml_safe("意见\x0b\x01\x00正文\n\t完") == "意见正文\n\t完"
