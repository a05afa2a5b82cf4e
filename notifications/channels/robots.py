"""Group robots Chinese offices use: WeCom (企业微信) and DingTalk (钉钉), markdown messages."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from notifications.channels.http_post import dumps, post_json
from notifications.message import DeliveryResult, OutgoingMessage


class WeComChannel:
    name = "wecom"

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout

    def send(self, msg: OutgoingMessage) -> DeliveryResult:
        body = dumps({"msgtype": "markdown", "markdown": {"content": msg.markdown or msg.text}})
        return post_json(msg.address, body, {"Idempotency-Key": msg.header_key}, self.timeout, check_errcode=True)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), URL-encoded."""
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


class DingTalkChannel:
    name = "dingtalk"

    def __init__(self, secret: str = "", timeout: float = 10.0) -> None:
        self.secret = secret
        self.timeout = timeout

    def send(self, msg: OutgoingMessage) -> DeliveryResult:
        url = msg.address
        if self.secret:
            ts = int(time.time() * 1000)
            url += ("&" if "?" in url else "?") + f"timestamp={ts}&sign={dingtalk_sign(self.secret, ts)}"
        body = dumps({"msgtype": "markdown", "markdown": {"title": msg.subject, "text": msg.markdown or msg.text}})
        return post_json(url, body, {"Idempotency-Key": msg.header_key}, self.timeout, check_errcode=True)
