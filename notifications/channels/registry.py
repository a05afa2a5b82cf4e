"""Channels from config.toml ``[notifications]``::

[notifications]
enabled = ["email", "webhook", "wecom", "dingtalk", "console"]
console_only = false      # development: deliver every message to the log instead
[notifications.smtp]      # host, port, security (plain|starttls|ssl), username, password, sender, sender_name, timeout
[notifications.webhook]   # secret (HMAC key), timeout
[notifications.dingtalk]  # secret (robot signing), timeout
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from notifications.channels.base import Channel
from notifications.channels.console import ConsoleChannel
from notifications.channels.robots import DingTalkChannel, WeComChannel
from notifications.channels.smtp import SmtpChannel, SmtpSettings
from notifications.channels.webhook import WebhookChannel
from notifications.routing import channel_for_address

__all__ = ["build_channels", "channel_for_address"]


def build_channels(section: Mapping[str, Any]) -> dict[str, Channel]:
    enabled = list(section.get("enabled", ["console"]))
    if section.get("console_only"):
        console = ConsoleChannel()
        return {name: console for name in ("email", "webhook", "wecom", "dingtalk", "console")}
    channels: dict[str, Channel] = {}
    if "email" in enabled:
        smtp = dict(section.get("smtp", {}))
        channels["email"] = SmtpChannel(
            SmtpSettings(
                host=str(smtp.get("host", "127.0.0.1")),
                port=int(smtp.get("port", 25)),
                sender=str(smtp.get("sender", "noreply@localhost")),
                security=str(smtp.get("security", "plain")),
                username=smtp.get("username") or None,
                password=smtp.get("password") or None,
                sender_name=str(smtp.get("sender_name", "")),
                timeout=float(smtp.get("timeout", 10)),
                ca_file=smtp.get("ca_file") or None,
            )
        )
    if "webhook" in enabled:
        hook = dict(section.get("webhook", {}))
        channels["webhook"] = WebhookChannel(str(hook.get("secret", "")), float(hook.get("timeout", 10)))
    if "wecom" in enabled or "webhook" in enabled:
        channels["wecom"] = WeComChannel(float(dict(section.get("webhook", {})).get("timeout", 10)))
    if "dingtalk" in enabled or "webhook" in enabled:
        ding = dict(section.get("dingtalk", {}))
        channels["dingtalk"] = DingTalkChannel(str(ding.get("secret", "")), float(ding.get("timeout", 10)))
    if "console" in enabled:
        channels["console"] = ConsoleChannel()
    return channels
