"""Queueing notices in the outbox, inside the caller's transaction.

Only ids and values that must be frozen (old deadline, reason) are stored; the relay renders
the Chinese templates at send time. Keys make queueing idempotent: a reminder or a deadline
notice is never queued twice for the same recipient and address.

A notice that carries a personal reply link (``LINK_KINDS``) gets the link made here, in the same
transaction (``ensure_links``): the relay only reads links when it renders, it never writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from kernel.errors import DomainError
from kernel.tokens import new_nonce, reply_token, token_hash
from notifications.message import ascii_token
from notifications.routing import channel_for_address
from states.outbox import OutboxStatus
from states.recipient import RecipientState
from storage.models import Recipient, Unit
from storage.uow import UnitOfWork
from storage.views import RecipientRow, UnitRow, UnitView
from workflow.unit_names import resolve_unit

NO_ADDRESS = "单位未登记邮箱或 webhook 地址，无法发送。"
LINK_KINDS = frozenset({"solicitation", "reminder", "deadline_changed"})
"""Notices whose text carries the unit's personal reply link."""


def _route(address: str) -> str:
    return channel_for_address(address)


def ensure_links(uow: UnitOfWork, now: datetime, secret: str, recipient_ids: Iterable[int]) -> int:
    """Give each recipient a live reply link, inside the caller's transaction; returns how many were made.

    A recipient without a link gets one; a revoked link is replaced by a fresh one (the old token
    stays dead); a live link is left as it is, so a notice re-sent carries the same link.
    """
    ids = sorted(set(recipient_ids))
    existing = uow.links.for_recipients(ids)
    fresh: list[dict[str, object]] = []
    renewed = 0
    for recipient_id in ids:
        row = existing.get(recipient_id)
        if row is not None and not row.revoked:
            continue
        nonce = new_nonce()
        digest = token_hash(reply_token(secret, nonce))
        if row is None:
            fresh.append({"recipient_id": recipient_id, "nonce": nonce, "token_hash": digest, "created_at": now})
        else:  # a revoked link is renewed in place: one link row per recipient
            row.nonce, row.token_hash, row.revoked = nonce, digest, False
            uow.links.add(row)
            renewed += 1
    uow.links.add_all([{**row, "revoked": False} for row in fresh])
    made = len(fresh) + renewed
    return made


def _links_for(
    uow: UnitOfWork,
    kind: str,
    pairs: Sequence[tuple[Recipient | RecipientRow, UnitView]],
    now: datetime,
    secret: str | None,
) -> None:
    """Make the links a notice of ``kind`` will carry. Without ``secret`` only existing links are used
    (a caller that queues to recipients of a started round, whose links were made with the round)."""
    if secret is not None and kind in LINK_KINDS and pairs:
        ensure_links(uow, now, secret, [r.id or 0 for r, _ in pairs])


def message_key(*parts: object) -> str:
    """The idempotency key, ASCII only: it travels in Message-ID and HTTP headers, which allow no
    Chinese. A part such as a document number (X政发〔2026〕7号) is replaced by a short hash of it."""
    return ":".join(ascii_token(str(part)) for part in parts)


def outbox_row(
    kind: str,
    key: str,
    now: datetime,
    *,
    round_id: int | None,
    recipient_id: int | None,
    unit_id: int | None,
    address: str,
    context: dict[str, Any],
) -> dict[str, Any]:
    channel = _route(address) if address else "none"
    return {
        "key": key,
        "kind": kind,
        "round_id": round_id,
        "recipient_id": recipient_id,
        "unit_id": unit_id,
        "channel": channel,
        "address": address,
        "context": json.dumps(context, ensure_ascii=False, default=str),
        "status": OutboxStatus.pending if address else OutboxStatus.undeliverable,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "" if address else NO_ADDRESS,
        "created_at": now,
    }


def rows_for_recipients(
    kind: str,
    round_id: int,
    targets: Sequence[tuple[int, int, str, str]],
    now: datetime,
    suffix: str = "",
    **extra: Any,
) -> list[dict[str, Any]]:
    """targets: (recipient_id, unit_id, email, webhook)."""
    rows = []
    for rec_id, unit_id, email, webhook in targets:
        context = {"round_id": round_id, "recipient_id": rec_id, "unit_id": unit_id, **extra}
        addresses = [a for a in (email, webhook) if a] or [""]
        for address in addresses:
            key = message_key(kind, round_id, rec_id, suffix, address or "none")
            rows.append(
                outbox_row(
                    kind,
                    key,
                    now,
                    round_id=round_id,
                    recipient_id=rec_id,
                    unit_id=unit_id,
                    address=address,
                    context=context,
                )
            )
    return rows


def _now(uow: UnitOfWork) -> datetime:
    at = uow.audit.last_at
    if at is not None:
        return at
    raise RuntimeError("queue a message only alongside the audit event of its cause")


def _targets(pairs: Sequence[tuple[Recipient | RecipientRow, UnitView]]) -> list[tuple[int, int, str, str]]:
    return [(r.id or 0, u.id or 0, u.email, u.webhook) for r, u in pairs]


def queue_for_round(
    uow: UnitOfWork,
    round_id: int,
    kind: str,
    *,
    only_pending: bool = False,
    secret: str | None = None,
    **extra: Any,
) -> int:
    """``kind`` to every recipient of the round (or those still silent). A solicitation must be given
    ``secret``: its recipients' reply links are made here."""
    if uow.importing:
        return 0  # imported history: those notices went out long ago, on paper
    pairs = uow.rounds.recipients(round_id)
    if only_pending:
        pairs = [(r, u) for r, u in pairs if r.state == RecipientState.pending]
    suffix = str(extra.get("old_deadline", "")) + str(extra.get("doc_number", ""))
    now = _now(uow)
    _links_for(uow, kind, pairs, now, secret)
    return uow.outbox.enqueue(rows_for_recipients(kind, round_id, _targets(pairs), now, suffix, **extra))


def queue_for_recipient(
    uow: UnitOfWork,
    round_id: int,
    recipient_id: int,
    kind: str,
    *,
    secret: str | None = None,
    known: tuple[Recipient | RecipientRow, Unit | UnitRow] | None = None,
    **extra: Any,
) -> int:
    """``kind`` to one recipient; ``known``: its row and unit as this transaction already read them (a reply
    holds both, so its receipt reads nothing more)."""
    if uow.importing:
        return 0
    # One recipient's row, not the round's (a reply receipt is queued with every reply: O(1), not O(units)).
    if known is not None and known[0].id == recipient_id:
        found: tuple[Recipient | RecipientRow, UnitView] | None = (known[0], UnitView.of(known[1], known[0]))
    else:
        found = uow.rounds.recipient_with_unit(recipient_id)
    pairs = [found] if found is not None and found[0].round_id == round_id else []
    suffix = str(extra.pop("key_suffix", "") or extra.get("reply_id", ""))
    now = _now(uow)
    _links_for(uow, kind, pairs, now, secret)
    return uow.outbox.enqueue(rows_for_recipients(kind, round_id, _targets(pairs), now, suffix, **extra))


def queue_reminders(
    uow: UnitOfWork, round_id: int, offset_label: str, now: datetime, *, secret: str | None = None
) -> int:
    """Reminders to units still silent; the key carries the offset so each goes out once."""
    pairs = [(r, u) for r, u in uow.rounds.recipients(round_id) if r.state == RecipientState.pending]
    _links_for(uow, "reminder", pairs, now, secret)
    return uow.outbox.enqueue(
        rows_for_recipients("reminder", round_id, _targets(pairs), now, offset_label, offset=offset_label)
    )


def queue_deadline_passed(uow: UnitOfWork, deemed: Sequence[tuple[int, int, int]]) -> int:
    """逾期未回复，视为无意见 notices for the recipients a sweep just deemed.

    Built as plain rows and inserted set-wise: a sweep may deem a million recipients at once.
    """
    if not deemed or uow.importing:
        return 0
    units = uow.directory.units_by_ids(sorted({u for _, _, u in deemed}))
    routes = {uid: [(a, _route(a)) for a in (u.email, u.webhook) if a] for uid, u in units.items()}
    now = _now(uow)
    rows: list[tuple[Any, ...]] = []
    for rec_id, rid, unit_id in deemed:
        context = f'{{"round_id":{rid},"recipient_id":{rec_id},"unit_id":{unit_id}}}'
        for address, channel in routes.get(unit_id) or [("", "none")]:
            rows.append(
                (
                    f"deadline_passed:{rid}:{rec_id}::{address or 'none'}",
                    "deadline_passed",
                    rid,
                    rec_id,
                    unit_id,
                    channel,
                    address,
                    context,
                    (OutboxStatus.pending if address else OutboxStatus.undeliverable).value,  # raw DB-API row
                    "" if address else NO_ADDRESS,
                )
            )
    return uow.outbox.enqueue_rows(rows, now)


def _office_row(
    uow: UnitOfWork, kind: str, round_id: int, review_id: int, to_reviewer: bool, **extra: Any
) -> list[dict[str, Any]]:
    rnd = uow.rounds.get(round_id)
    office = uow.directory.office(rnd.office_id) if rnd else None
    if office is None:
        return []
    address, unit_id = office.email, None
    if to_reviewer:
        try:
            unit = resolve_unit(office.reviewer_unit, uow.directory.unit_rows(office.id or 0, active_only=False))
            address, unit_id = unit.email or unit.webhook, unit.id
        except DomainError:
            address = ""
    context = {"round_id": round_id, "review_id": review_id, **extra}
    key = message_key(kind, round_id, review_id, address or "none")
    return [
        outbox_row(
            kind,
            key,
            _now(uow),
            round_id=round_id,
            recipient_id=None,
            unit_id=unit_id,
            address=address,
            context=context,
        )
    ]


def queue_review_request(uow: UnitOfWork, round_id: int, review_id: int) -> int:
    """To the reviewer. Units hear nothing yet: the review may still return the draft."""
    if uow.importing:
        return 0
    return uow.outbox.enqueue(_office_row(uow, "review_request", round_id, review_id, to_reviewer=True))


def queue_adoption_feedback(uow: UnitOfWork, round_id: int, review_id: int) -> int:
    """采纳情况反馈 to every unit whose comments were decided, once the outcome is final (review approved).

    Keyed by the round alone: a round is approved once, so the feedback goes once.
    """
    if uow.importing:
        return 0
    rows: list[dict[str, Any]] = []
    commenting = {r.recipient_id for _, r, _, _ in uow.replies.decision_queue(round_id)}
    pairs = [(r, u) for r, u in uow.rounds.recipients(round_id) if r.id in commenting]
    rows += rows_for_recipients("adoption_feedback", round_id, _targets(pairs), _now(uow), "final", review_id=review_id)
    return uow.outbox.enqueue(rows)


def queue_review_result(uow: UnitOfWork, round_id: int, review_id: int) -> int:
    if uow.importing:
        return 0
    return uow.outbox.enqueue(_office_row(uow, "review_result", round_id, review_id, to_reviewer=False))


def queue_review_due_reminder(uow: UnitOfWork, round_id: int, review_id: int, rule: str) -> int:
    """To the reviewer, once per review (the key carries the review), before the review's due date;
    ``rule`` (the period's source) is frozen into the message."""
    if uow.importing:
        return 0
    return uow.outbox.enqueue(_office_row(uow, "review_due_reminder", round_id, review_id, to_reviewer=True, rule=rule))


def queue_filing_reminder(uow: UnitOfWork, round_id: int, publication_id: int, rule: str) -> int:
    """To the office, once per publication, before the 备案 deadline."""
    if uow.importing:
        return 0
    return uow.outbox.enqueue(
        _office_row(uow, "filing_reminder", round_id, publication_id, to_reviewer=False, rule=rule)
    )
