"""Generic signed JSON webhook: HMAC-SHA256 of the raw body in ``X-Consultflow-Signature``."""

from __future__ import annotations

import hashlib
import hmac
import time

from notifications.channels.http_post import dumps, post_json
from notifications.message import DeliveryResult, OutgoingMessage


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    name = "webhook"

    def __init__(self, secret: str, timeout: float = 10.0) -> None:
        self.secret = secret
        self.timeout = timeout

    def send(self, msg: OutgoingMessage) -> DeliveryResult:
        body = dumps({"key": msg.key, "subject": msg.subject, "text": msg.text, "payload": dict(msg.payload or {})})
        headers = {
            "X-Consultflow-Signature": sign(self.secret, body),
            "X-Consultflow-Timestamp": str(int(time.time())),
            "Idempotency-Key": msg.key,
        }
        return post_json(msg.address, body, headers, self.timeout)
