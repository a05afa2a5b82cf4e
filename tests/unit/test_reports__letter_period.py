"""The letter states a shortened consultation period in the unit its type's rule counts: 个工作日 for a
规范性文件 (国办发〔2018〕37号 counts working days), 日 for a 重大行政决策 (第713号 第十五条 counts days)."""

from __future__ import annotations

from datetime import date, datetime, time

from documents.model import Paragraph
from kernel.timefmt import beijing_to_utc
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.profiles import profile_from_mapping
from workflow.reports.letter_period import consultation_period_text, shortened_period_sentence
from workflow.reports.letters import letter_attachments
from workflow.reports.official import letter_document

OFFICE = profile_from_mapping(
    {
        "code": "gov",
        "name": "某市人民政府办公室",
        "short_name": "市政府办",
        "categories": [{"key": "member", "label": "市直部门"}],
    }
)

# Tuesday 2026-09-29; National Day runs 10月1日—7日 and Saturday 10月10日 is a swapped working day.
LETTER = date(2026, 9, 29)


def deadline(day: date) -> datetime:
    return beijing_to_utc(day, time(17, 0))


def test_a_normative_documents_period_is_said_in_working_days_across_national_day() -> None:
    sentence = shortened_period_sentence("上级督办", LETTER, deadline(date(2026, 10, 12)), "normative", SHIPPED_TYPES)
    # 9月30日, 10月8日, 9日, 10日 (调休上班) and 12日: five working days in fourteen calendar days.
    assert sentence == "因上级督办，征求意见期限为5个工作日。"


def test_a_type_counted_in_calendar_days_keeps_days() -> None:
    for key in ("major-decision", "general"):
        sentence = shortened_period_sentence("上级督办。", LETTER, deadline(date(2026, 10, 12)), key, SHIPPED_TYPES)
        assert sentence == "因上级督办，征求意见期限为13日。", key


def test_an_office_that_counts_in_working_days_gets_working_days() -> None:
    rules = DocTypes.from_mapping({"major-decision": {"consultation_day_unit": "workdays"}})
    sentence = shortened_period_sentence("急需", LETTER, deadline(date(2026, 10, 12)), "major-decision", rules)
    assert sentence.endswith("征求意见期限为5个工作日。")


def test_no_reason_no_sentence() -> None:
    assert shortened_period_sentence("", LETTER, deadline(date(2026, 10, 12)), "normative", SHIPPED_TYPES) == ""


def test_a_year_the_calendar_does_not_know_is_stated_in_calendar_days_rather_than_guessed() -> None:
    text = consultation_period_text(date(2099, 3, 2), deadline(date(2099, 3, 9)), "workdays", SHIPPED_TYPES.calendar)
    assert text == "7日"


def test_the_letter_prints_the_sentence_in_the_types_unit() -> None:
    def body(doc_type: str) -> str:
        doc = letter_document(
            OFFICE,
            draft_title="某市安全生产管理办法",
            stage="proposed",
            attachments=letter_attachments("某市安全生产管理办法", "proposed", False),
            doc_number="某政办函〔2026〕3号",
            deadline=deadline(date(2026, 10, 12)),
            letter_date=LETTER,
            contact="赵健",
            phone="0358-7600000",
            categories=["member"],
            shorten_reason="落实省政府督办要求",
            doc_type=doc_type,
            rules=SHIPPED_TYPES,
        )
        return "".join(b.text for b in doc.blocks if isinstance(b, Paragraph))

    assert "因落实省政府督办要求，征求意见期限为5个工作日。修改意见于2026年10月12日17时前" in body("normative")
    assert "因落实省政府督办要求，征求意见期限为13日。" in body("major-decision")
