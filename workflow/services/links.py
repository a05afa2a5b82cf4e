"""Personal reply links: ≥128 bits of randomness, stored hashed, revocable, read-only after the deadline.

The token is HMAC(secret, nonce) (``kernel.tokens``): the database holds the nonce and the token's
SHA-256, so a notice can be re-sent with the same link while a stolen database yields no working link.

Links are made when a notice that carries one is queued (``messages.ensure_links``, in the queueing
transaction); composing a notice only reads them (``live_token``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import NotFound
from kernel.tokens import reply_token, token_hash
from states.round import RoundState
from storage.uow import UnitOfWork
from workflow.services._common import load_round, record
from workflow.services.messages import ensure_links, queue_for_recipient
from workflow.services.recipients import recipient_in_round

__all__ = [
    "LINK_INVALID_MESSAGE",
    "LinkTarget",
    "ensure_links",
    "link_token",
    "link_writable",
    "live_token",
    "resolve_link",
    "revoke_link",
    "token_hash",
]


def live_token(uow: UnitOfWork, secret: str, recipient_id: int) -> str | None:
    """The recipient's current token, read from its link row; None if it has none or it was revoked."""
    row = uow.links.for_recipient(recipient_id)
    if row is None or row.revoked:
        return None
    return reply_token(secret, row.nonce)


def link_token(uow: UnitOfWork, clock: Clock, secret: str, recipient_id: int) -> str:
    """The recipient's token, creating its link if needed (inside the caller's transaction)."""
    ensure_links(uow, clock.now(), secret, [recipient_id])
    token = live_token(uow, secret, recipient_id)
    assert token is not None  # ensure_links just made it live
    return token


@dataclass(frozen=True)
class LinkTarget:
    recipient_id: int
    round_id: int
    unit_id: int
    writable: bool
    unit_name: str = ""  # the unit's name (who a reply through the link is recorded as)


LINK_INVALID_MESSAGE = "回复链接无效或已被撤销，请与发文机关联系。"


def link_writable(clock: Clock, round_state: str | None, deadline: datetime | None) -> bool:
    """Whether a link may still reply: its round is open and its deadline has not passed."""
    return deadline is not None and round_state == RoundState.open and clock.now() < deadline


def resolve_link(uow: UnitOfWork, clock: Clock, token: str) -> LinkTarget:
    """Which recipient a token reaches, and whether it may still reply (round open, before deadline)."""
    route = uow.links.route(token_hash(token or ""))  # link, recipient and round in one query
    if route is None or route.revoked:
        raise NotFound("LINK_INVALID", LINK_INVALID_MESSAGE)
    writable = link_writable(clock, route.round_state, route.deadline)
    return LinkTarget(route.recipient_id, route.round_id, route.unit_id, writable, route.unit_name)


def revoke_link(
    uow: UnitOfWork, clock: Clock, actor: Actor, recipient_id: int, *, secret: str, reissue: bool = True
) -> None:
    """Kill the unit's current link (e.g. forwarded to the wrong person); by default a fresh notice
    with a new link is queued in the same transaction, so the unit can still reply.

    ``secret`` makes the new link (``Settings.secret_key``; the web app has it as ``app.state.secret``).
    """
    row = uow.links.for_recipient(recipient_id)
    recipient = uow.rounds.recipient_by_id(recipient_id)
    if row is None or recipient is None:
        raise NotFound("LINK_NOT_FOUND", "该单位尚无回复链接。")
    now = clock.now()
    row.revoked = True
    uow.links.add(row)
    record(uow, actor, now, "link.revoked", f"recipient:{recipient_id}", round_id=recipient.round_id, reissued=reissue)
    rnd = uow.rounds.get(recipient.round_id)
    if reissue and rnd is not None and rnd.state == RoundState.open:
        # The new link is made here, with the notice that carries it (queue_for_recipient → ensure_links).
        queue_for_recipient(
            uow, recipient.round_id, recipient_id, "solicitation", secret=secret, key_suffix=f"relink-{now.isoformat()}"
        )
    uow.commit()


@dataclass(frozen=True)
class UnitLink:
    recipient_id: int
    unit: str
    url: str  # "" when the link was revoked and no new one issued
    revoked: bool = False


def round_links(uow: UnitOfWork, clock: Clock, secret: str, base_url: str, round_id: int) -> list[UnitLink]:
    """Each recipient's reply link, to copy into a WeChat message or show as a QR code.

    A recipient without a link yet gets one in this transaction, which is committed. A revoked link stays
    revoked and is listed without a URL: only revoking with a reissue (which sends the new link with a
    notice) makes a new one, so looking at this page never undoes a revocation.
    """
    load_round(uow, round_id)
    pairs = uow.rounds.recipients(round_id)
    ids = [r.id or 0 for r, _ in pairs]
    links = uow.links.for_recipients(ids)  # every link at once (one query per 500 recipients)
    missing = [i for i in ids if i not in links]
    if missing:
        ensure_links(uow, clock.now(), secret, missing)
        links = uow.links.for_recipients(ids)  # with the ones just made
    out = []
    for recipient, unit in pairs:
        rid = recipient.id or 0
        row = links.get(rid)
        if row is None or row.revoked:
            out.append(UnitLink(rid, unit.name, "", revoked=True))
            continue
        out.append(UnitLink(rid, unit.name, f"{base_url.rstrip('/')}/r/{reply_token(secret, row.nonce)}"))
    uow.commit()
    return out


def unit_link(uow: UnitOfWork, secret: str, base_url: str, round_id: int, recipient_id: int) -> UnitLink:
    """One recipient's live link (its QR code), read only: the links page that shows the code made it."""
    recipient = recipient_in_round(uow, round_id, recipient_id)
    token = live_token(uow, secret, recipient_id)
    if token is None:
        raise NotFound("NOT_A_RECIPIENT", "该单位不是本轮的征求对象，或其链接已撤销。")
    return UnitLink(recipient_id, recipient.unit_name, f"{base_url.rstrip('/')}/r/{token}")
