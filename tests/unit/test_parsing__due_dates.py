"""Due dates as people write them, understood relative to the document's date."""

from __future__ import annotations

from datetime import date

import pytest

from workflow.parsing.due_dates import DueKind, due_in_text, looks_like_due, parse_due

JUNE_2024 = date(2024, 6, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10月底", date(2024, 10, 31)),
        ("11月底", date(2024, 11, 30)),
        ("十月底", date(2024, 10, 31)),
        ("十一月底前", date(2024, 11, 30)),
        ("年内", date(2024, 12, 31)),
        ("年底前完成", date(2024, 12, 31)),
        ("2023年12月31日前", date(2023, 12, 31)),
        ("2024年9月底前", date(2024, 9, 30)),
        ("6月15日前", date(2024, 6, 15)),
        ("8月中旬", date(2024, 8, 20)),
        ("上半年", date(2024, 6, 30)),
        ("１０月底", date(2024, 10, 31)),
    ],
)
def test_a_written_due_date_is_the_day_it_means(text: str, expected: date) -> None:
    due = parse_due(text, JUNE_2024)
    assert (due.kind, due.on) == (DueKind.date, expected)


def test_a_month_already_past_at_the_documents_date_is_next_years() -> None:
    assert parse_due("3月底", JUNE_2024).on == date(2025, 3, 31)


@pytest.mark.parametrize(("text", "period"), [("每季度", "quarter"), ("每月", "month"), ("每年", "year")])
def test_recurring_duties_have_a_period_and_no_single_day(text: str, period: str) -> None:
    due = parse_due(text, JUNE_2024)
    assert (due.kind, due.on, due.period) == (DueKind.recurring, None, period)


@pytest.mark.parametrize("text", ["长期坚持", "持续推进", "常态化开展"])
def test_open_ended_duties_are_never_overdue(text: str) -> None:
    assert parse_due(text, JUNE_2024).kind == DueKind.open_ended


@pytest.mark.parametrize("text", ["尽快", "视情况而定", "下周"])
def test_what_cannot_be_understood_is_unknown_not_guessed(text: str) -> None:
    due = parse_due(text, JUNE_2024)
    assert (due.kind, due.on, due.text) == (DueKind.unknown, None, text)


def test_an_empty_cell_has_no_due_date() -> None:
    assert parse_due("", JUNE_2024).kind == DueKind.none


def test_a_cell_is_a_due_date_only_when_it_holds_nothing_else() -> None:
    assert looks_like_due("10月底") and looks_like_due("2023年12月31日前") and looks_like_due("长期坚持")
    assert not looks_like_due("10月底 其主要负责人")
    assert not looks_like_due("1. 在10月底前完成全市排查整治工作并形成报告")


def test_a_task_text_gives_its_due_date_where_it_names_one() -> None:
    assert due_in_text("推进综合减灾示范社区创建，年内完成2个国家级", JUNE_2024).on == date(2024, 12, 31)
    assert due_in_text("加强理论学习", JUNE_2024).kind == DueKind.none
