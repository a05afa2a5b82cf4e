"""The document types' rules as data: every shipped rule names its source, an office overrides only what it
names, a wrong value is refused, and the periods count calendar or Chinese working days (National Day 2026)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kernel.errors import InvalidInput, NotFound
from kernel.timefmt import beijing_to_utc, to_beijing
from workflow.doc_types import SHIPPED, SHIPPED_TYPES, DocTypes
from workflow.services.departures import check_period, earliest_deadline, require_reason_for_short_period, review_dates

# Tuesday 2026-09-29, 10:00 Beijing.
SUBMITTED = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)


def test_the_shipped_types_are_the_four_the_issue_names() -> None:
    assert [(k, t.label) for k, t in SHIPPED.items()] == [
        ("general", "一般性文件"),
        ("normative", "规范性文件"),
        ("major-decision", "重大行政决策"),
        ("internal-plan", "内部工作方案"),
    ]


def test_every_rule_from_the_law_names_its_source() -> None:
    major, normative = SHIPPED["major-decision"], SHIPPED["normative"]
    assert "第713号" in major.consultation_source and "第十五条" in major.consultation_source
    assert "第二十六条" in major.review_source and "第二十七条" in major.checklist_source
    assert "第三十条" in major.deliberation_source and "第三十二条" in major.publication_source
    assert "第三十三条" in major.retention_source
    assert "37号" in normative.consultation_source and "115号" in normative.review_source
    assert "30日内" in normative.filing_source and "37号" in normative.deliberation_source
    assert all("国家档案局令第8号" in t.retention_source for t in SHIPPED.values())


def test_the_seed_rounds_type_sets_no_minimum_that_ordinary_work_would_break() -> None:
    general = SHIPPED["general"]
    assert general.min_consultation_days == 0 and general.min_review_workdays == 0
    assert not (general.deliberation_required or general.publication_required or general.filing_required)
    # the seed: asked 2023-02-17, due 2023-02-18 10时 — about 25 hours, even if it had been public
    check = check_period(general, "public", date(2023, 2, 17), datetime(2023, 2, 18, 2, 0, tzinfo=UTC), SHIPPED_TYPES)
    assert not check.short and check.message == ""


def test_an_office_overrides_only_the_fields_it_names_and_may_add_a_type() -> None:
    rules = DocTypes.from_mapping(
        {"normative": {"min_review_workdays": 7, "review_source": "本市办法第十条"}, "memo": {"label": "会议纪要"}}
    )
    normative = rules.get("normative")
    assert (normative.min_review_workdays, normative.review_source) == (7, "本市办法第十条")
    assert normative.max_review_workdays == 15 and normative.filing_days == 30
    assert rules.get("memo").label == "会议纪要" and rules.get("memo").min_consultation_days == 0
    assert SHIPPED["normative"].min_review_workdays == 5, "the shipped table is not changed by an office"


@pytest.mark.parametrize(
    "table",
    [
        {"retention": "5年"},
        {"min_consultation_days": -1},
        {"consultation_day_unit": "weeks"},
        {"deliberation_required": "yes"},
        {"materials": ["draft", "photos"]},
        {"min_review_workdays": 20},
        {"unknown_field": 1},
    ],
)
def test_a_wrong_rule_is_refused_naming_the_table(table: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as err:
        DocTypes.from_mapping({"normative": table})
    assert err.value.code == "DOC_TYPES_CONFIG_INVALID" and "[doc_types.normative]" in err.value.message


def test_an_unknown_type_lists_the_known_ones() -> None:
    with pytest.raises(NotFound) as err:
        SHIPPED_TYPES.get("regulation")
    assert err.value.code == "DOC_TYPE_UNKNOWN" and "normative（规范性文件）" in err.value.message


def test_consultation_minimums_count_calendar_days_or_working_days_across_national_day() -> None:
    start = date(2026, 9, 29)
    assert earliest_deadline(SHIPPED["major-decision"], start, SHIPPED_TYPES) == date(2026, 10, 29)  # 30 days
    # 7 working days: 9月30日(1), 10月1日—7日 holiday, 8日(2) 9日(3) 10日 swapped Saturday(4) 12日(5) 13日(6) 14日(7)
    assert earliest_deadline(SHIPPED["normative"], start, SHIPPED_TYPES) == date(2026, 10, 14)
    assert earliest_deadline(SHIPPED["general"], start, SHIPPED_TYPES) is None


def test_a_short_public_period_needs_a_reason_and_an_internal_one_is_only_warned() -> None:
    normative = SHIPPED["normative"]
    deadline = beijing_to_utc(date(2026, 10, 13), datetime.min.time().replace(hour=17))
    public = check_period(normative, "public", date(2026, 9, 29), deadline, SHIPPED_TYPES)
    assert public.applies and public.short and "2026年10月14日" in public.message
    with pytest.raises(InvalidInput) as err:
        require_reason_for_short_period(public, "  ")
    assert err.value.code == "PERIOD_TOO_SHORT" and "7个工作日" in err.value.message
    assert require_reason_for_short_period(public, " 上级督办 ") == "上级督办"
    internal = check_period(normative, "internal", date(2026, 9, 29), deadline, SHIPPED_TYPES)
    assert not internal.applies and internal.short and internal.message.startswith("本轮为内部征求意见")
    assert require_reason_for_short_period(internal, "") == ""


@pytest.mark.parametrize(
    ("key", "minimum", "due"),
    [
        ("general", None, date(2026, 10, 12)),  # due in 5 (office practice), no minimum
        ("normative", date(2026, 10, 12), date(2026, 10, 26)),
        ("major-decision", date(2026, 10, 14), date(2026, 10, 26)),
    ],
)
def test_review_dates_count_working_days_from_submission_across_national_day(
    key: str, minimum: date | None, due: date
) -> None:
    # Working days after Tuesday 9月29日: 9/30(1) 10/8(2) 10/9(3) 10/10 Sat, swapped(4) 10/12(5) 10/13(6)
    # 10/14(7) 10/15(8) 10/16(9) 10/19(10) 10/20(11) 10/21(12) 10/22(13) 10/23(14) 10/26(15).
    min_at, due_at = review_dates(SHIPPED[key], SUBMITTED, SHIPPED_TYPES)
    assert due_at is not None and to_beijing(due_at).date() == due
    assert to_beijing(due_at).hour == 17
    assert (to_beijing(min_at).date() if min_at else None) == minimum
