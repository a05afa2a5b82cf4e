"""The outbox relay: claim due messages, send them, record every attempt.

A message is claimed with a lease (status ``sending`` until ``claimed_until``) in one short
transaction, sent outside any transaction, and its result recorded in another. A relay that dies
between sending and recording leaves the claim to expire; another relay then re-sends it with the
same idempotency key (Message-ID, Idempotency-Key header), so a receiver that de-duplicates sees it
once and no message is ever dropped. Failures back off exponentially up to ``max_attempts``.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

import structlog

from kernel.clock import Clock
from notifications.channels.base import Channel
from notifications.message import DeliveryResult, OutgoingMessage
from states.outbox import OutboxStatus
from storage.models import DeliveryAttempt, OutboxMessage
from storage.uow import UnitOfWork, UowFactory

log = structlog.get_logger("consultflow.relay")

Composer = Callable[[UnitOfWork, OutboxMessage], OutgoingMessage]


@dataclass(frozen=True)
class RelayResult:
    sent: int
    failed: int


@dataclass(frozen=True)
class RelayPolicy:
    max_attempts: int = 8
    backoff_seconds: float = 30.0
    lease_seconds: float = 120.0
    batch: int = 50

    @classmethod
    def from_mapping(cls, section: Mapping) -> RelayPolicy:  # type: ignore[type-arg]
        return cls(
            max_attempts=int(section.get("max_attempts", 8)),
            backoff_seconds=float(section.get("backoff_seconds", 30)),
            lease_seconds=float(section.get("lease_seconds", 120)),
            batch=int(section.get("batch", 50)),
        )


class Relay:
    """Built from the configuration by the layer above (its ``notices.build_relay``); tests build it directly.

    ``uows`` gives a new unit of work per transaction (claim, prepare, record): the relay never
    holds one across a send.
    """

    def __init__(
        self,
        uows: UowFactory,
        clock: Clock,
        channels: Mapping[str, Channel],
        compose: Composer,
        policy: RelayPolicy | None = None,
        worker: str | None = None,
    ) -> None:
        self.uows = uows
        self.clock = clock
        self.channels = dict(channels)
        self.compose = compose
        self.policy = policy or RelayPolicy()
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}"

    def _claim(self) -> list[int]:
        now = self.clock.now()
        with self.uows() as uow:
            rows = uow.outbox.claim(
                now, self.worker, now + timedelta(seconds=self.policy.lease_seconds), self.policy.batch
            )
            ids = [r.id for r in rows if r.id is not None]
            uow.commit()
        return ids

    def _prepare(self, message_id: int) -> tuple[OutgoingMessage | None, str]:
        # Composing only reads (``workflow.notices``): in a unit of work that only reads, so on SQLite the
        # few milliseconds a notice takes to compose do not hold the write lock (a reply's receipt took
        # longer to compose than the reply took to store, and every reply waited behind it).
        with self.uows().for_reading() as uow:
            row = uow.outbox.get(message_id)
            if row is None:
                return None, "消息不存在"
            try:
                return self.compose(uow, row), row.channel
            except Exception as exc:  # a message that cannot be built is a visible, permanent failure
                log.error("relay.compose_failed", message_id=message_id, error=str(exc))
                return None, f"消息内容生成失败：{exc}"

    def _send(self, msg: OutgoingMessage, channel_name: str) -> DeliveryResult:
        channel = self.channels.get(channel_name)
        if channel is None:
            return DeliveryResult(ok=False, permanent=True, detail=f"未启用的发送渠道：{channel_name}")
        try:
            return channel.send(msg)
        except Exception as exc:  # channels should not raise; if one does, it is recorded, not lost
            return DeliveryResult(ok=False, permanent=False, detail=f"{type(exc).__name__}: {exc}")

    def _record(self, message_id: int, result: DeliveryResult) -> None:
        now = self.clock.now()
        with self.uows() as uow:
            row = uow.outbox.get(message_id)
            if row is None or row.status != OutboxStatus.sending or row.claimed_by != self.worker:
                return  # our lease ran out and another relay owns it now
            row.attempts += 1
            uow.outbox.add_attempt(
                DeliveryAttempt(
                    message_id=message_id, at=now, ok=result.ok, permanent=result.permanent, detail=result.detail[:2000]
                )
            )
            row.claimed_by, row.claimed_until = "", None
            if result.ok:
                row.status, row.sent_at, row.last_error = OutboxStatus.sent, now, ""
            elif result.permanent or row.attempts >= self.policy.max_attempts:
                row.status, row.last_error = OutboxStatus.dead, result.detail[:2000]
            else:
                row.status, row.last_error = OutboxStatus.failed, result.detail[:2000]
                delay = self.policy.backoff_seconds * (2 ** (row.attempts - 1))
                row.next_attempt_at = now + timedelta(seconds=delay)
            uow.outbox.save(row)
            uow.commit()
        log.info(
            "relay.attempt", message_id=message_id, ok=result.ok, permanent=result.permanent, detail=result.detail[:200]
        )

    def run_once(self) -> RelayResult:
        """Send everything due now (one batch at a time) and report how it went.

        Once a channel reports itself down (mail server unreachable, login refused), its other
        messages in this run are not tried: each would wait for the same timeout. They are recorded
        with the same failure and back off like it, so they go out together once it is back.
        """
        sent = failed = 0
        down: dict[str, DeliveryResult] = {}
        try:
            while True:
                ids = self._claim()
                for message_id in ids:
                    msg, channel = self._prepare(message_id)
                    if msg is None:
                        result = DeliveryResult(ok=False, permanent=True, detail=channel)
                    elif channel in down:
                        first = down[channel]
                        result = DeliveryResult(False, first.permanent, f"本轮未发送，发送渠道不可用：{first.detail}")
                    else:
                        result = self._send(msg, channel)
                        if result.channel_down:
                            down[channel] = result
                    self._record(message_id, result)
                    sent += result.ok
                    failed += not result.ok
                if len(ids) < self.policy.batch:
                    return RelayResult(sent, failed)
        finally:
            for used in self.channels.values():
                close = getattr(used, "close", None)
                if close is not None:
                    close()
