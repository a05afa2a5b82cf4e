"""Channel settings are checked when the relay is built (start-up), not at the first send."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kernel.errors import InvalidInput
from notifications.channels.console import ConsoleChannel
from notifications.channels.registry import build_channels
from notifications.channels.robots import DingTalkChannel, WeComChannel
from notifications.channels.smtp import SmtpChannel, SmtpSettings, build_email
from notifications.channels.webhook import WebhookChannel
from notifications.message import OutgoingMessage

SHIPPED = tomllib.loads((Path(__file__).resolve().parents[2] / "config.toml").read_text("utf-8"))["notifications"]


def test_the_shipped_config_builds_every_channel() -> None:
    channels = build_channels(SHIPPED)
    assert {name: type(c) for name, c in channels.items()} == {
        "email": SmtpChannel,
        "webhook": WebhookChannel,
        "wecom": WeComChannel,
        "dingtalk": DingTalkChannel,
        "console": ConsoleChannel,
    }
    smtp = channels["email"].settings  # type: ignore[attr-defined]
    expected = ("127.0.0.1", 1025, "plain", "consultflow@example.gov.cn")
    assert (smtp.host, smtp.port, smtp.security, smtp.sender) == expected


def _with(**smtp: object) -> dict[str, object]:
    return {**SHIPPED, "smtp": {**SHIPPED["smtp"], **smtp}}


@pytest.mark.parametrize(
    ("section", "words"),
    [
        (_with(security="STARTTLS "), "security 应为 plain、starttls 或 ssl"),
        (_with(port="smtp"), "port 和 timeout 必须是数字"),
        (_with(port=0), "端口“0”"),
        (_with(sender="安委办"), "发件地址 sender“安委办”格式不正确"),
        (_with(username="ajw"), "设置了 username 但没有 password"),
        (_with(ca_file="/nonexistent/office-ca.pem"), "ca_file 文件“/nonexistent/office-ca.pem”不存在"),
        ({**SHIPPED, "webhook": {"secret": " "}}, "启用 webhook 时必须设置签名密钥"),
        ({**SHIPPED, "enabled": ["email", "sms"]}, "未知渠道：sms"),
    ],
)
def test_bad_settings_fail_at_start_up(section: dict[str, object], words: str) -> None:
    with pytest.raises(InvalidInput) as err:
        build_channels(section)
    assert err.value.code == "NOTIFY_CONFIG_INVALID" and words in err.value.message
    assert err.value.message.startswith("config.toml [notifications")


def test_a_message_is_sent_in_the_name_of_its_office_unless_the_config_names_a_sender() -> None:
    """Several offices share one server and mailbox: each notice says which office it comes from."""
    msg = OutgoingMessage("k", "email", "unit@x.cn", "主题", "正文", sender_name="示例市防汛抗旱指挥部办公室")
    office = build_email(SmtpSettings("127.0.0.1", 25, "zqyj@example.gov.cn"), msg)
    fixed = build_email(SmtpSettings("127.0.0.1", 25, "zqyj@example.gov.cn", sender_name="征求意见系统"), msg)
    assert office["From"].addresses[0].display_name == "示例市防汛抗旱指挥部办公室"
    assert fixed["From"].addresses[0].display_name == "征求意见系统"
