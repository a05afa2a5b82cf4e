"""Idempotency keys travel in Message-ID and HTTP headers: ASCII only, stable, still distinct."""

from __future__ import annotations

from notifications.channels.smtp import SmtpSettings, build_email
from notifications.message import OutgoingMessage
from notifications.routing import channel_for_address
from workflow.services.messages import message_key


def test_a_document_number_in_a_key_is_hashed_to_ascii() -> None:
    first = message_key("issued", 3, 12, "孝政发〔2026〕7号", "unit1@xiaoyi.example.cn")
    second = message_key("issued", 3, 12, "孝政发〔2026〕8号", "unit1@xiaoyi.example.cn")
    assert first.isascii() and first.startswith("issued:3:12:h") and first.endswith(":unit1@xiaoyi.example.cn")
    assert first != second and first == message_key("issued", 3, 12, "孝政发〔2026〕7号", "unit1@xiaoyi.example.cn")


def test_headers_never_carry_non_ascii_even_for_an_old_key() -> None:
    msg = OutgoingMessage(
        key="issued:3:12:孝政发〔2026〕7号:x@y.cn", channel="email", address="x@y.cn", subject="印发", text="正文"
    )
    assert msg.header_key.isascii() and msg.header_key == OutgoingMessage(**{**msg.__dict__}).header_key
    email = build_email(SmtpSettings("127.0.0.1", 25, "ajw@xiaoyi.gov.cn"), msg)
    assert email["Message-ID"].isascii() and email.as_bytes()  # serialises for SMTP without an encoding error


def test_addresses_route_to_their_channel() -> None:
    assert channel_for_address("ajw@xiaoyi.gov.cn") == "email"
    assert channel_for_address("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc") == "wecom"
    assert channel_for_address("https://oapi.dingtalk.com/robot/send?access_token=abc") == "dingtalk"
    assert channel_for_address("https://oa.xiaoyi.gov.cn/hooks/zqyj?user=a@b") == "webhook"
