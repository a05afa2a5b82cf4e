"""Which channel carries a message to an address."""

from __future__ import annotations

from urllib.parse import urlparse


def channel_for_address(address: str) -> str:
    """e-mail → "email"; WeCom / DingTalk robot URLs → their formats; other http(s) → "webhook"."""
    if "@" in address and not address.lower().startswith(("http://", "https://")):
        return "email"
    host = (urlparse(address).hostname or "").lower()
    if host == "qyapi.weixin.qq.com":
        return "wecom"
    if host == "oapi.dingtalk.com":
        return "dingtalk"
    return "webhook"
