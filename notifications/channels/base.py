"""The channel interface: never raises for delivery problems, always answers a DeliveryResult."""

from __future__ import annotations

from typing import Protocol

from notifications.message import DeliveryResult, OutgoingMessage


class Channel(Protocol):
    name: str

    def send(self, msg: OutgoingMessage) -> DeliveryResult: ...
