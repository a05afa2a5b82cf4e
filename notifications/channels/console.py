"""Development channel: the message goes to the log."""

from __future__ import annotations

import structlog

from notifications.message import DeliveryResult, OutgoingMessage

log = structlog.get_logger("consultflow.console")


class ConsoleChannel:
    name = "console"

    def send(self, msg: OutgoingMessage) -> DeliveryResult:
        log.info(
            "message.console",
            key=msg.key,
            to=msg.address,
            subject=msg.subject,
            text=msg.text[:120],
            attachments=[a.filename for a in msg.attachments],
        )
        return DeliveryResult(True, False, "logged")
