"""What a channel is asked to deliver, and what it answers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def ascii_token(text: str, length: int = 16) -> str:
    """``text`` if it is ASCII, else a short stable hash of it: headers (Message-ID, HTTP) allow no Chinese."""
    return text if text.isascii() else "h" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


@dataclass(frozen=True)
class OutgoingMessage:
    """One rendered message to one address. ``key`` is the idempotency key, sent along so a
    receiver can drop a duplicate after a relay crash."""

    key: str
    channel: str
    address: str
    subject: str
    text: str
    html: str | None = None
    markdown: str | None = None
    attachments: tuple[Attachment, ...] = ()
    payload: Mapping[str, Any] | None = None
    sender_name: str = ""  # the office sending it (several offices may share one server and mailbox)

    @property
    def header_key(self) -> str:
        """The key as it may appear in a mail or HTTP header (keys are made ASCII when queued; this
        guards the headers against any that is not)."""
        return ascii_token(self.key, 32)


@dataclass(frozen=True)
class DeliveryResult:
    """ok, or not; ``permanent`` failures are not retried; ``detail`` is the provider's answer.

    ``channel_down`` says the failure is the channel's, not this message's (mail server unreachable,
    login refused): every other message on it would fail the same way right now.
    """

    ok: bool
    permanent: bool
    detail: str
    channel_down: bool = False
