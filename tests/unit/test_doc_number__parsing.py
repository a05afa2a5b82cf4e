"""发文字号 as people type them: substitute brackets, spaces, full-width digits from an IME."""

from __future__ import annotations

import pytest

from kernel.errors import InvalidInput
from workflow.doc_number import parse_doc_number


@pytest.mark.parametrize(
    "typed",
    [
        "孝安办函〔2023〕1号",
        "孝安办函[2023]1号",
        "孝安办函（2023）1号",
        "孝安办函【2023】1号",
        "孝安办函 〔2023〕 1 号",
        "孝安办函〔２０２３〕１号",
        "孝安办函［２０２３］１号",
    ],
)
def test_typing_variants_become_the_proper_number(typed: str) -> None:
    number = parse_doc_number(typed)
    assert str(number) == "孝安办函〔2023〕1号" and (number.code, number.year, number.serial) == ("孝安办函", 2023, 1)


@pytest.mark.parametrize("typed", ["", "孝安办函2023年1号", "孝安办函〔23〕1号", "孝安办函〔2023〕0号", "〔2023〕1号"])
def test_malformed_numbers_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_doc_number(typed)
    assert err.value.code == "DOC_NUMBER_INVALID" and "例如：某办函〔2023〕1号" in err.value.message


def test_the_example_in_a_refusal_is_the_offices_own_prefix() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_doc_number("防指办函2023年1号", "防指办函")
    assert "例如：防指办函〔2023〕1号" in err.value.message
