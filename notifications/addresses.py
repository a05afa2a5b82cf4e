"""Address validation at the door: a malformed address is refused when it is entered,
not discovered when a notice bounces after the deadline."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from kernel.errors import InvalidInput

_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]+)+$")


def validate_email(address: str) -> str:
    value = (address or "").strip()
    if not _EMAIL.match(value) or ".." in value:
        raise InvalidInput("ADDRESS_EMAIL_INVALID", f"邮箱地址“{address}”格式不正确。", address=address)
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def validate_webhook_url(url: str) -> str:
    value = (url or "").strip()
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InvalidInput("ADDRESS_WEBHOOK_INVALID", f"webhook 地址“{url}”无效，仅支持 http(s) 地址。", address=url)
    return value
