"""Rate limits on login and reply links, counted in the database so every server process shares them.

A sliding-window estimate over two fixed windows (the previous one weighted by how much of it
still overlaps the last ``window``) avoids the double burst a plain fixed window allows at its edge.

What each limit keys on, and why:

* **login, per client** (``login_client``): every attempt from one client address, whatever user name
  it tries, so spraying many accounts from one place is throttled.
* **login, per client and account** (``login``): only *failed* attempts, keyed on the client and the
  user name in its one normal form (``kernel.text.normalise_username``, the form the account lookup
  uses), so `` victim``, ``victim\\t`` and ``\\u3000VICTIM`` are one key. Counting failures of *this*
  client only is the choice against lock-out: an anonymous attacker who exhausts the limit for a
  clerk's name blocks only his own address, while the clerk at her own desk (a client not over its
  own limits) still signs in with the right password. A per-account limit counted across all clients
  would let anyone lock a clerk out for good by guessing wrong on purpose; argon2 and the per-client
  limit keep distributed guessing slow instead.
* **reply links, per client and token** (``reply_link``) and **per client over failed look-ups**
  (``link_probe``): a wrong or revoked token counts against the client, so guessing random tokens is
  throttled even though each guess names a new token.

A refused request answers ``RATE_LIMITED`` (HTTP 429) with ``retry_after_seconds`` (and the web answer
a ``Retry-After`` header). Keys are stored only as SHA-256 hashes.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kernel.clock import Clock
from kernel.errors import TooManyRequests
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class RateRule:
    bucket: str
    limit: int
    message: str  # shown to the refused person
    window: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after: int = 0  # whole seconds until the estimate is back within the limit (refusals only)


def _window_start(at: datetime, window: timedelta) -> datetime:
    seconds = window.total_seconds()
    return datetime.fromtimestamp(at.timestamp() // seconds * seconds, UTC)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _decide(
    rule: RateRule, now: datetime, current: datetime, hits: int, previous_hits: int, *, extra: int
) -> RateDecision:
    """Within the limit if ``hits + extra`` (plus the weighted previous window) stays at or under it."""
    overlap = 1 - (now - current) / rule.window
    estimate = hits + extra + previous_hits * overlap
    if estimate <= rule.limit:
        return RateDecision(True)
    # Once the current window ends, the previous one no longer counts and this window's hits fade out
    # linearly over the next: the estimate is back within the limit ``wait`` seconds later.
    window = rule.window.total_seconds()
    to_window_end = (current + rule.window - now).total_seconds()
    fade = window * max(0.0, 1 - rule.limit / max(hits + extra, 1))
    return RateDecision(False, max(1, math.ceil(to_window_end + fade)))


def check_hit(uow: UnitOfWork, clock: Clock, rule: RateRule, key: str) -> RateDecision:
    """Record one request for ``key`` and say whether it is within the limit.

    Refused requests count too: a client that keeps hammering stays refused until it pauses.
    """
    now = clock.now()
    key_hash = _key_hash(key)
    current = _window_start(now, rule.window)
    previous = current - rule.window
    hits = uow.rate_limits.hit(rule.bucket, key_hash, current)
    if hits == 1:  # a key's first request in a window: time to drop windows that no longer count
        uow.rate_limits.purge(rule.bucket, previous)
    return _decide(rule, now, current, hits, uow.rate_limits.hits(rule.bucket, key_hash, previous), extra=0)


def check_hit_and_peek(
    uow: UnitOfWork, clock: Clock, rule: RateRule, key: str, peek_rule: RateRule | None, peek_key: str
) -> tuple[RateDecision, RateDecision | None]:
    """``check_hit`` for ``key`` and ``peek`` for ``peek_key`` (when ``peek_rule`` is given), all in one
    statement (the count, with the windows to weigh read in its RETURNING): what every use of a reply link
    costs, so one statement, not three."""
    now = clock.now()
    key_hash = _key_hash(key)
    current = _window_start(now, rule.window)
    previous = current - rule.window
    windows = [(rule.bucket, key_hash, previous)]
    if peek_rule is not None:
        peek_hash = _key_hash(peek_key)
        peek_current = _window_start(now, peek_rule.window)
        windows += [
            (peek_rule.bucket, peek_hash, peek_current),
            (peek_rule.bucket, peek_hash, peek_current - peek_rule.window),
        ]
    hits, found = uow.rate_limits.hit_and_read(rule.bucket, key_hash, current, windows)
    if hits == 1:  # a key's first request in a window: time to drop windows that no longer count
        uow.rate_limits.purge(rule.bucket, previous)
    use = _decide(rule, now, current, hits, found[0], extra=0)
    if peek_rule is None:
        return use, None
    return use, _decide(peek_rule, now, peek_current, found[1], found[2], extra=1)


def peek(uow: UnitOfWork, clock: Clock, rule: RateRule, key: str) -> RateDecision:
    """Would one more hit for ``key`` be within the limit? Counts nothing (for limits on failures only)."""
    now = clock.now()
    key_hash = _key_hash(key)
    current = _window_start(now, rule.window)
    hits, previous_hits = uow.rate_limits.hits_in(rule.bucket, key_hash, current, current - rule.window)
    return _decide(rule, now, current, hits, previous_hits, extra=1)


def count_hit(uow: UnitOfWork, clock: Clock, rule: RateRule, key: str) -> bool:
    """Record one request for ``key``; True when within the limit."""
    return check_hit(uow, clock, rule, key).allowed


def refuse_if(decision: RateDecision, rule: RateRule) -> None:
    """``RATE_LIMITED`` with the waiting time, when ``decision`` refuses."""
    if not decision.allowed:
        raise TooManyRequests(
            "RATE_LIMITED",
            f"{rule.message}请在 {decision.retry_after} 秒后重试。",
            retry_after_seconds=decision.retry_after,
        )
