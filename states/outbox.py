"""An outbox message's status: where a queued notice is in its life.

    pending ──claim──▶ sending ──ok──▶ sent
       ▲                  │
       │                  ├─temporary failure──▶ failed ──retry time comes──▶ (claimed again)
       │                  ├─permanent failure, or attempts used up──▶ dead
       │                  └─lease ran out (relay died)──▶ claimed again by another relay
       └──────── staff re-queue (failed, dead) ────────┘

    undeliverable: queued for a unit with no e-mail or webhook address; never claimed, shown to staff.

A message is written ``pending`` (or ``undeliverable``) in the transaction that causes it; a relay
claims it (``sending``, with a lease), sends it outside any transaction and records the result.
"""

from __future__ import annotations

from enum import StrEnum


class OutboxStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    dead = "dead"
    undeliverable = "undeliverable"


DUE = (OutboxStatus.pending, OutboxStatus.failed)
"""Statuses a relay takes once their retry time has come."""
UNSENT = (OutboxStatus.failed, OutboxStatus.dead, OutboxStatus.undeliverable)
"""Failed for now or for good, or never sendable: what staff are shown."""
RETRYABLE = (OutboxStatus.failed, OutboxStatus.dead)
"""What staff may put back in the queue by hand."""
IN_FLIGHT = (OutboxStatus.sent, OutboxStatus.pending, OutboxStatus.sending)
"""Sent, or on its way: nothing for staff to look at."""
