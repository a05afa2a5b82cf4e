"""The audit chain as the reviewer's page proves it, without recomputing the whole trail on every view.

Recomputing a million events takes seconds, and the reviewer's page is opened again and again. So each
process remembers, per database, the last event a verification confirmed (seq and hash) and when it last
verified the whole chain. A view then checks that this event still holds that hash (a trail rewritten
and re-hashed before it changes it: the whole chain is verified again), verifies every event appended
since, one by one, and recomputes every event of the round on the page against its predecessor. The
whole chain is verified again on the first view of a process, when the remembered point no longer holds,
when the last full verification is older than ``FULL_EVERY``, and whenever the reviewer asks; the page
says when that was. ``consultflow audit verify`` and checkpoint uploads always verify the whole chain.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from kernel.clock import Clock
from storage.audit import GENESIS_HASH
from storage.uow import UnitOfWork
from workflow.services.audit import Verdict, explain

FULL_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class _Verified:
    seq: int
    hash: str
    full_at: datetime


@dataclass(frozen=True)
class ChainCheck:
    """``verdict``: the chain up to its head; ``round_verdict``: the round's events; ``full``: this view
    verified the whole chain; ``full_at``: when the whole chain was last verified (by this process);
    ``appended``: events verified one by one since the remembered point."""

    verdict: Verdict
    round_verdict: Verdict
    full: bool
    full_at: datetime | None
    appended: int


_lock = threading.Lock()
_verified: dict[str, _Verified] = {}


def forget() -> None:
    """Drop every remembered point (tests; a restored database)."""
    with _lock:
        _verified.clear()


def check_chain(uow: UnitOfWork, clock: Clock, round_id: int, *, full: bool = False) -> ChainCheck:
    """The chain (incrementally where honest, see the module docstring) and the round's own events."""
    key = uow.chain.database()
    now = clock.now()
    with _lock:
        known = _verified.get(key)
    round_verdict = explain(uow.chain.verify_round(round_id))
    if not full and known is not None and now - known.full_at < FULL_EVERY:
        resumed = uow.chain.verify_since(known.seq, known.hash)
        if resumed is not None:
            verdict = explain(resumed)
            if resumed.ok:
                _remember(key, uow, resumed.checked, known.full_at)
            else:
                forget_database(key)
            return ChainCheck(verdict, round_verdict, False, known.full_at, resumed.checked - known.seq)
    whole = uow.audit.verify()
    if whole.ok:
        _remember(key, uow, whole.checked, now)
    else:
        forget_database(key)
    return ChainCheck(explain(whole), round_verdict, True, now if whole.ok else None, 0)


def forget_database(key: str) -> None:
    with _lock:
        _verified.pop(key, None)


def _remember(key: str, uow: UnitOfWork, seq: int, full_at: datetime) -> None:
    """The last event a verification just confirmed; its hash read back (it was verified as it is)."""
    event = uow.audit.event(seq) if seq else None
    if seq and event is None:
        return
    digest = event.hash if event is not None else GENESIS_HASH
    with _lock:
        current = _verified.get(key)
        if current is None or current.seq <= seq or current.full_at < full_at:
            _verified[key] = _Verified(seq, digest, full_at)
