"""Channels from config.toml ``[notifications]``::

[notifications]
enabled = ["email", "webhook", "wecom", "dingtalk", "console"]
console_only = false      # development: deliver every message to the log instead
[notifications.smtp]      # host, port, security (plain|starttls|ssl), username, password, sender, sender_name,
                          # timeout, ca_file
[notifications.webhook]   # secret (HMAC key), timeout
[notifications.dingtalk]  # secret (robot signing), timeout
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kernel.errors import InvalidInput
from notifications.addresses import validate_email
from notifications.channels.base import Channel
from notifications.channels.console import ConsoleChannel
from notifications.channels.robots import DingTalkChannel, WeComChannel
from notifications.channels.smtp import SmtpChannel, SmtpSettings
from notifications.channels.webhook import WebhookChannel
from notifications.routing import channel_for_address

__all__ = ["build_channels", "channel_for_address"]


KNOWN = ("email", "webhook", "wecom", "dingtalk", "console")
SECURITY = ("plain", "starttls", "ssl")


def _invalid(section: str, problem: str) -> InvalidInput:
    return InvalidInput("NOTIFY_CONFIG_INVALID", f"config.toml [{section}] 配置错误：{problem}", section=section)


def smtp_settings(smtp: Mapping[str, Any]) -> SmtpSettings:
    """Checked at start-up: a typo must not turn STARTTLS into plain text or send from a bad address."""
    where = "notifications.smtp"
    security = str(smtp.get("security", "plain"))
    if security not in SECURITY:
        raise _invalid(where, f"security 应为 plain、starttls 或 ssl，收到“{security}”。")
    try:
        port = int(smtp.get("port", 25))
        timeout = float(smtp.get("timeout", 10))
    except (TypeError, ValueError):
        raise _invalid(where, "port 和 timeout 必须是数字。") from None
    if not 0 < port < 65536 or timeout <= 0:
        raise _invalid(where, f"端口“{port}”或超时“{timeout}”无效。")
    try:
        sender = validate_email(str(smtp.get("sender", "")))
    except InvalidInput:
        raise _invalid(where, f"发件地址 sender“{smtp.get('sender', '')}”格式不正确。") from None
    username, password = smtp.get("username") or None, smtp.get("password") or None
    if username and not password:
        raise _invalid(where, "设置了 username 但没有 password。")
    ca_file = smtp.get("ca_file") or None
    if ca_file and not Path(str(ca_file)).is_file():
        raise _invalid(where, f"ca_file 文件“{ca_file}”不存在。")
    return SmtpSettings(
        host=str(smtp.get("host", "127.0.0.1")),
        port=port,
        sender=sender,
        security=security,
        username=username,
        password=password,
        sender_name=str(smtp.get("sender_name", "")),
        timeout=timeout,
        ca_file=ca_file,
    )


def build_channels(section: Mapping[str, Any]) -> dict[str, Channel]:
    """The enabled channels, with their settings checked now rather than at the first send."""
    enabled = list(section.get("enabled", ["console"]))
    unknown = [name for name in enabled if name not in KNOWN]
    if unknown:
        raise _invalid("notifications", f"enabled 中有未知渠道：{'、'.join(map(str, unknown))}。")
    if section.get("console_only"):
        console = ConsoleChannel()
        return {name: console for name in KNOWN}
    channels: dict[str, Channel] = {}
    if "email" in enabled:
        channels["email"] = SmtpChannel(smtp_settings(dict(section.get("smtp", {}))))
    if "webhook" in enabled:
        hook = dict(section.get("webhook", {}))
        if not str(hook.get("secret", "")).strip():
            raise _invalid("notifications.webhook", "启用 webhook 时必须设置签名密钥 secret。")
        channels["webhook"] = WebhookChannel(str(hook["secret"]), float(hook.get("timeout", 10)))
    if "wecom" in enabled or "webhook" in enabled:
        channels["wecom"] = WeComChannel(float(dict(section.get("webhook", {})).get("timeout", 10)))
    if "dingtalk" in enabled or "webhook" in enabled:
        ding = dict(section.get("dingtalk", {}))
        channels["dingtalk"] = DingTalkChannel(str(ding.get("secret", "")), float(ding.get("timeout", 10)))
    if "console" in enabled:
        channels["console"] = ConsoleChannel()
    return channels
