"""Signed checkpoints: the audit chain's head, signed with a key the database does not hold.

Someone with write access to the database can rewrite the whole trail and recompute every hash; they
cannot produce a signature over the rewritten head without the Ed25519 key file. A checkpoint
``{seq, hash, at, key_id, signature}`` is appended to a JSON-lines file outside the database (every
N events and at every round milestone, after the commit, never inside it) and printed in the round's
documents; ``audit verify --checkpoint`` then proves the database still holds each checkpointed event
with that exact hash and that the chain up to it is intact.

A publisher is installed per engine by the entry points (:func:`install`); the unit of work asks
:func:`publisher_for` after each commit. Writing the file can fail (disk full, permissions): that is
logged and retried at the next milestone, and never touches the business transaction.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from threading import Lock
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from sqlalchemy import Engine

log = logging.getLogger("consultflow.audit")

# Actions after which a round has reached a milestone: a checkpoint is published whatever N says.
MILESTONES = frozenset(
    {
        "round.started",
        "round.deadline_enforced",
        "round.withdrawn",
        "review.requested",
        "review.approved",
        "review.returned",
        "draft.issued",
    }
)
_DOMAIN = "consultflow-audit-checkpoint-v1"


@dataclass(frozen=True)
class Checkpoint:
    """The chain head at ``seq``: that event's ``hash``, when it happened, and the signature."""

    seq: int
    hash: str
    at: str
    key_id: str
    signature: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Checkpoint:
        """Parse one checkpoint; ``ValueError`` says which field is missing or malformed."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        try:
            seq = data["seq"]
            values = {k: data[k] for k in ("hash", "at", "key_id", "signature")}
        except KeyError as exc:
            raise ValueError(f"missing field {exc.args[0]}") from None
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
            raise ValueError("seq must be a positive integer")
        if not all(isinstance(v, str) for v in values.values()):
            raise ValueError("hash, at, key_id and signature must be strings")
        return cls(seq=seq, **values)

    def message(self) -> bytes:
        """What is signed: the fields, in a fixed order, with a domain prefix."""
        return f"{_DOMAIN}\n{self.seq}\n{self.hash}\n{self.at}\n{self.key_id}".encode()

    @property
    def short_signature(self) -> str:
        return f"{self.signature[:16]}…{self.signature[-8:]}"


class Signer(Protocol):
    """What signs a head (storage.signing.SigningKey; kept apart so that importing this module, which
    every unit of work does, does not load the cryptography library)."""

    key_id: str

    def sign(self, seq: int, digest: str, at: datetime | str) -> Checkpoint: ...


class Publisher:
    """Signs the head after commits and appends checkpoints to the file (one JSON object a line).
    The key is loaded when the first checkpoint is due, not when the process starts."""

    def __init__(self, key: Callable[[], Signer], file: Path | None, every: int = 100) -> None:
        self._load_key = key
        self._key: Signer | None = None
        self.file = file
        self.every = max(1, every)
        self._lock = Lock()
        self._published_seq = 0
        self._retry = False

    @property
    def key(self) -> Signer:
        if self._key is None:
            self._key = self._load_key()
        return self._key

    def due(self, before_seq: int, seq: int, actions: frozenset[str]) -> bool:
        """A milestone, N more events, or a write that failed last time."""
        return bool(actions & MILESTONES) or before_seq // self.every != seq // self.every or self._retry

    def after_commit(self, before_seq: int, seq: int, digest: str, at: datetime, actions: frozenset[str]) -> None:
        """Called by the unit of work after it committed; never raises."""
        try:
            if self.due(before_seq, seq, actions):
                self.publish(self.key.sign(seq, digest, at))
        except Exception:  # the business transaction is already committed: log, retry later
            self._retry = True
            log.exception("audit checkpoint could not be signed (seq %s)", seq)

    def publish(self, checkpoint: Checkpoint) -> bool:
        """Append ``checkpoint`` (once per sequence number per process); False if the write failed."""
        if self.file is None:
            return False
        with self._lock:
            if checkpoint.seq <= self._published_seq and not self._retry:
                return True
            line = json.dumps(checkpoint.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
            try:
                self.file.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                try:
                    os.write(fd, line.encode())
                    os.fsync(fd)
                finally:
                    os.close(fd)
            except OSError:
                self._retry = True
                log.exception("audit checkpoint file %s not written; retried at the next milestone", self.file)
                return False
            self._retry = False
            self._published_seq = max(self._published_seq, checkpoint.seq)
            return True


_PUBLISHERS: WeakKeyDictionary[Engine, Publisher] = WeakKeyDictionary()


def install(engine: Engine, publisher: Publisher | None) -> None:
    """Sign and publish checkpoints for commits on ``engine`` (None: stop)."""
    if publisher is None:
        _PUBLISHERS.pop(engine, None)
    else:
        _PUBLISHERS[engine] = publisher


def publisher_for(engine: Engine) -> Publisher | None:
    return _PUBLISHERS.get(engine)


def read_checkpoints(text: str) -> list[Checkpoint]:
    """A checkpoint file: one JSON object, a JSON list, or JSON lines. ``ValueError`` names the line."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("empty")
    try:
        whole = json.loads(stripped)
    except ValueError:
        whole = None
    if isinstance(whole, dict):
        return [Checkpoint.from_dict(whole)]
    if isinstance(whole, list):
        return [Checkpoint.from_dict(item) for item in whole]
    out = []
    for n, line in enumerate(stripped.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(Checkpoint.from_dict(json.loads(line)))
        except ValueError as exc:
            raise ValueError(f"line {n}: {exc}") from None
    return out
