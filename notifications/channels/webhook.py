"""Generic signed JSON webhook.

``X-Consultflow-Signature: sha256=<hex>`` is HMAC-SHA256 over ``<X-Consultflow-Timestamp>.<raw body>``:
signing the timestamp too lets a receiver reject a captured request replayed later, and
``Idempotency-Key`` (also ``key`` in the body) lets it drop a re-delivery after a relay crash.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from notifications.channels.http_post import dumps, post_json
from notifications.message import DeliveryResult, OutgoingMessage


def sign(secret: str, timestamp: str, body: bytes) -> str:
    signed = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


class WebhookChannel:
    name = "webhook"

    def __init__(self, secret: str, timeout: float = 10.0) -> None:
        self.secret = secret
        self.timeout = timeout

    def send(self, msg: OutgoingMessage) -> DeliveryResult:
        body = dumps({"key": msg.key, "subject": msg.subject, "text": msg.text, "payload": dict(msg.payload or {})})
        timestamp = str(int(time.time()))
        headers = {
            "X-Consultflow-Signature": sign(self.secret, timestamp, body),
            "X-Consultflow-Timestamp": timestamp,
            "Idempotency-Key": msg.header_key,
        }
        return post_json(msg.address, body, headers, self.timeout)
