"""The Ed25519 keys that sign and check audit checkpoints (storage.checkpoints), via ``cryptography``.

Imported only where a key is loaded or a signature checked, so a command that signs nothing does not
pay for loading the library.
"""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from storage.checkpoints import Checkpoint


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
