"""Personal reply links: ≥128 bits of randomness, stored hashed, revocable, read-only after the deadline.

The token is HMAC(secret, nonce): the database holds the nonce and the token's SHA-256, so a
notice can be re-sent with the same link while a stolen database yields no working link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import NotFound
from storage.models import ReplyLink
from storage.uow import UnitOfWork
from workflow.services._common import record


def _token(secret: str, nonce: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), nonce.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_token(uow: UnitOfWork, clock: Clock, secret: str, recipient_id: int) -> str:
    """The recipient's token, creating its link on first use (inside the caller's transaction)."""
    row = uow.links.for_recipient(recipient_id)
    if row is None or row.revoked:
        # A revoked link is replaced by a fresh one; the old token stays dead.
        nonce = secrets.token_urlsafe(24)
        row = row or ReplyLink(recipient_id=recipient_id, nonce=nonce, token_hash="", created_at=clock.now())
        row.nonce, row.token_hash, row.revoked = nonce, token_hash(_token(secret, nonce)), False
        uow.links.add(row)
    return _token(secret, row.nonce)


@dataclass(frozen=True)
class LinkTarget:
    recipient_id: int
    round_id: int
    unit_id: int
    writable: bool


def resolve_link(uow: UnitOfWork, clock: Clock, token: str) -> LinkTarget:
    """Which recipient a token reaches, and whether it may still reply (round open, before deadline)."""
    row = uow.links.by_hash(token_hash(token or ""))
    if row is None or row.revoked:
        raise NotFound("LINK_INVALID", "回复链接无效或已被撤销，请与发文机关联系。")
    recipient = uow.rounds.recipient_by_id(row.recipient_id)
    if recipient is None:
        raise NotFound("LINK_INVALID", "回复链接无效或已被撤销，请与发文机关联系。")
    rnd = uow.rounds.get(recipient.round_id)
    writable = bool(rnd and rnd.state == "open" and clock.now() < rnd.deadline)
    return LinkTarget(recipient.id or 0, recipient.round_id, recipient.unit_id, writable)


def revoke_link(uow: UnitOfWork, clock: Clock, actor: Actor, recipient_id: int, *, reissue: bool = True) -> None:
    """Kill the unit's current link (e.g. forwarded to the wrong person); by default a fresh notice
    with a new link is queued in the same transaction, so the unit can still reply."""
    row = uow.links.for_recipient(recipient_id)
    recipient = uow.rounds.recipient_by_id(recipient_id)
    if row is None or recipient is None:
        raise NotFound("LINK_NOT_FOUND", "该单位尚无回复链接。")
    now = clock.now()
    row.revoked = True
    uow.links.add(row)
    record(uow, actor, now, "link.revoked", f"recipient:{recipient_id}", round_id=recipient.round_id, reissued=reissue)
    rnd = uow.rounds.get(recipient.round_id)
    if reissue and rnd is not None and rnd.state == "open":
        from workflow.services.messages import queue_for_recipient

        queue_for_recipient(
            uow, recipient.round_id, recipient_id, "solicitation", key_suffix=f"relink-{now.isoformat()}"
        )
    uow.commit()
