"""Rate limits on login and reply links, counted in the database so every server process shares them.

A sliding-window estimate over two fixed windows (the previous one weighted by how much of it
still overlaps the last ``window``) avoids the double burst a plain fixed window allows at its edge.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kernel.clock import Clock
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class RateRule:
    bucket: str
    limit: int
    message: str  # shown to the refused person
    window: timedelta = timedelta(minutes=1)


def _window_start(at: datetime, window: timedelta) -> datetime:
    seconds = window.total_seconds()
    return datetime.fromtimestamp(at.timestamp() // seconds * seconds, UTC)


def count_hit(uow: UnitOfWork, clock: Clock, rule: RateRule, key: str) -> bool:
    """Record one request for ``key`` and say whether it is within the limit.

    Refused requests count too: a client that keeps hammering stays refused until it pauses.
    The key (client address plus user name or link prefix) is stored only as a hash.
    """
    now = clock.now()
    key_hash = hashlib.sha256(key.encode()).hexdigest()
    current = _window_start(now, rule.window)
    previous = current - rule.window
    hits = uow.rate_limits.hit(rule.bucket, key_hash, current)
    if hits == 1:  # a key's first request in a window: time to drop windows that no longer count
        uow.rate_limits.purge(rule.bucket, previous)
    overlap = 1 - (now - current) / rule.window
    estimate = hits + uow.rate_limits.hits(rule.bucket, key_hash, previous) * overlap
    return estimate <= rule.limit
