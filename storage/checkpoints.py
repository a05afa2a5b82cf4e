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

import base64
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from threading import Lock
from typing import Any
from weakref import WeakKeyDictionary

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
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


def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def key_id_of(public: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256(raw).hexdigest()[:16]


class VerifyingKey:
    """A public key that checks checkpoint signatures (the reviewer may hold only this)."""

    def __init__(self, public: Ed25519PublicKey) -> None:
        self.public = public
        self.key_id = key_id_of(public)

    @classmethod
    def from_pem(cls, data: bytes) -> VerifyingKey:
        key = serialization.load_pem_public_key(data)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return cls(key)

    def public_pem(self) -> str:
        return self.public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def verify(self, checkpoint: Checkpoint) -> bool:
        if checkpoint.key_id != self.key_id:
            return False
        try:
            self.public.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.message())
        except (InvalidSignature, ValueError):
            return False
        return True


class SigningKey(VerifyingKey):
    """The private key file (PEM, PKCS#8, mode 0600) that signs checkpoints."""

    def __init__(self, private: Ed25519PrivateKey, path: Path | None = None) -> None:
        super().__init__(private.public_key())
        self._private = private
        self.path = path

    @classmethod
    def load(cls, path: Path) -> SigningKey:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        return cls(key, path)

    @classmethod
    def create(cls, path: Path) -> SigningKey:
        """Write a new key; refuses to overwrite one (O_EXCL) — a lost key orphans its checkpoints."""
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        os.chmod(path, 0o600)
        return cls(key, path)

    def sign(self, seq: int, digest: str, at: datetime | str) -> Checkpoint:
        stamp = at if isinstance(at, str) else _iso(at)
        unsigned = Checkpoint(seq=seq, hash=digest, at=stamp, key_id=self.key_id, signature="")
        signature = base64.b64encode(self._private.sign(unsigned.message())).decode()
        return Checkpoint(seq=seq, hash=digest, at=stamp, key_id=self.key_id, signature=signature)


class Publisher:
    """Signs the head after commits and appends checkpoints to the file (one JSON object a line)."""

    def __init__(self, key: SigningKey, file: Path | None, every: int = 100) -> None:
        self.key = key
        self.file = file
        self.every = max(1, every)
        self._lock = Lock()
        self._published_seq = 0
        self._retry = False

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
