"""Instants as staff type them, read as Beijing time; a date alone is the configured deadline hour."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from kernel.errors import InvalidInput
from kernel.timefmt import parse_instant, read_instant

TEN = datetime(2023, 2, 18, 2, 0, tzinfo=UTC)  # 2023-02-18 10:00 Beijing


@pytest.mark.parametrize(
    "typed",
    [
        "2023-02-18T10:00",
        "2023-02-18 10:00",
        "2023-02-18T10:00+08:00",
        "2023-02-18T02:00:00Z",
        "2023/2/18 10:00",
        "2023年2月18日10时",
        "2023年2月18日10点",
        "２０２３-０２-１８ １０:００",
    ],
)
def test_the_seed_deadline_typed_many_ways(typed: str) -> None:
    assert parse_instant(typed) == TEN


def test_a_date_alone_is_the_deadline_hour_not_midnight() -> None:
    five_pm = datetime(2023, 2, 18, 9, 0, tzinfo=UTC)
    assert parse_instant("2023-02-18", date_only_at=time(17, 0)) == five_pm
    assert parse_instant("2023年2月18日", date_only_at=time(17, 0)) == five_pm
    assert parse_instant("2023年2月18日10时30分") == datetime(2023, 2, 18, 2, 30, tzinfo=UTC)
    assert parse_instant("2023-02-18") == datetime(2023, 2, 17, 16, 0, tzinfo=UTC), "received on that day"


@pytest.mark.parametrize("typed", ["", "明天", "2023年2月30日", "2023-13-01 10:00", "18/2/2023"])
def test_unreadable_instants_get_a_clear_chinese_error(typed: str) -> None:
    with pytest.raises(InvalidInput) as err:
        read_instant(typed, "截止时间")
    assert err.value.code == "DATETIME_INVALID"
    assert err.value.message == f"截止时间“{typed}”无法识别，请写成 2023-02-18 10:00 或 2023年2月18日10时（北京时间）。"
