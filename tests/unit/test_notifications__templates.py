"""Message templates: Chinese text, deadline formats, escaping, and start-up validation."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kernel.errors import InvalidInput
from notifications.ics import deadline_ics
from notifications.templates import KINDS, MessageRenderer, cn_duration, sample_context


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_in_chinese(kind: str) -> None:
    message = MessageRenderer().render(kind, sample_context(kind))
    assert message.subject and message.text and message.html and message.markdown
    # A solicitation notice names its letter; a monthly progress notice names its month.
    expected = "2024年10月" if kind.startswith("progress_") else "示办函〔2023〕1号"
    assert expected in message.subject + message.text or kind == "review_result"


def test_progress_request_lists_items_with_supervision_and_the_units_link() -> None:
    message = MessageRenderer().render("progress_request", sample_context("progress_request"))
    assert "请于2024年10月25日17时前" in message.subject
    assert "【挂牌督办：本月底前完成选址】" in message.text and "（完成时限：10月底）" in message.text
    assert "https://consultflow.example.cn/p/TOKEN" in message.text


def test_silent_unit_is_told_not_reported_never_deemed() -> None:
    message = MessageRenderer().render("progress_not_reported", sample_context("progress_not_reported"))
    assert "记为“未报送”" in message.text and "视为" not in message.text + message.subject


def test_solicitation_carries_deadline_link_and_rule() -> None:
    message = MessageRenderer().render("solicitation", sample_context("solicitation"))
    assert "请于2023年2月18日10时前反馈修改意见" in message.text
    assert "逾期未回复视为无意见" in message.text
    assert "https://consultflow.example.cn/r/TOKEN" in message.text
    assert "联系人：张明，电话：18335877837" in message.text


def test_reminder_says_how_long_is_left() -> None:
    message = MessageRenderer().render("reminder", sample_context("reminder"))
    assert "距截止还有2小时" in message.text and "距征求意见截止还有2小时" in message.subject


def test_user_text_is_escaped_in_html_only() -> None:
    ctx = sample_context("reply_receipt")
    ctx["comments"] = [{"target": "序号1", "text": "<script>alert(1)</script>", "basis": "", "reason": ""}]
    message = MessageRenderer().render("reply_receipt", ctx)
    assert "<script>" not in message.html and "&lt;script&gt;" in message.html
    assert "<script>alert(1)</script>" in message.text


def test_a_template_with_a_missing_field_fails_at_start_up(tmp_path: Path) -> None:
    (tmp_path / "reminder.txt.j2").write_text("{{ unit.name }}：{{ round.no_such_field }}", encoding="utf-8")
    renderer = MessageRenderer(tmp_path)
    with pytest.raises(InvalidInput) as err:
        renderer.validate_all()
    assert err.value.code == "TEMPLATE_INVALID" and "reminder.txt.j2" in err.value.message


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(days=1, hours=2), "1天2小时"),
        (timedelta(hours=2), "2小时"),
        (timedelta(minutes=30), "30分钟"),
        (timedelta(seconds=20), "不到1分钟"),
    ],
)
def test_cn_duration(delta: timedelta, text: str) -> None:
    assert cn_duration(delta) == text


def test_ics_is_valid_and_folded() -> None:
    ctx = sample_context("solicitation")
    data = deadline_ics(
        "uid-1@consultflow",
        "征求意见截止：" + "很长的标题" * 20,
        ctx["round"]["deadline"],
        "说明",
        ctx["round"]["deadline"],
    )
    text = data.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "DTSTART:20230218T020000Z" in text
    assert "TRIGGER:-P1D" in text
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
