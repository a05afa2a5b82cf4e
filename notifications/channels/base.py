"""The channel interface: never raises for delivery problems, always answers a DeliveryResult.

A channel that keeps something open between sends (the SMTP connection) also has ``close()``,
which the relay calls after each run.
"""

from __future__ import annotations

from typing import Protocol

from notifications.message import DeliveryResult, OutgoingMessage


class Channel(Protocol):
    name: str

    def send(self, msg: OutgoingMessage) -> DeliveryResult: ...
