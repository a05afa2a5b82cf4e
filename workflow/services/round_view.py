"""The round page's read model: one page of the round's units with their replies and messages.

A round may ask five hundred units; rendering every unit, reply and comment into one page cost seconds.
The page shows ``PER_PAGE`` units at a time (optionally of one state), with the replies and messages of
exactly those units; the counts and the paper-reply form's choice of units still cover the whole round.
The print view (``everything``) keeps everything on one page, as printing needs.
"""

from __future__ import annotations

from typing import Any

from states.outbox import OutboxStatus
from states.recipient import RecipientState
from storage.uow import UnitOfWork
from workflow.services._common import load_round
from workflow.services.anchors import anchors_for
from workflow.services.delivery_view import deliveries_to
from workflow.services.offices import office_profile
from workflow.services.queries import recipient_row, review_rows, round_summary

PER_PAGE = 50
STATE_FILTERS = [s.value for s in RecipientState]


def round_page_view(
    uow: UnitOfWork, round_id: int, *, state: str = "", page: int = 1, everything: bool = False
) -> dict[str, Any]:
    """The round, one page of its recipients (``state``: only those in it), their replies with comments and
    anchors, their messages, and the figures of the whole round. A handful of queries, none per unit."""
    summary = round_summary(uow, round_id)
    profile = office_profile(uow, load_round(uow, round_id).office_id)
    counts = uow.rounds.recipient_state_counts(round_id)
    total = sum(counts.values())
    state = state if state in STATE_FILTERS else ""
    matching = counts.get(state, 0) if state else total
    per_page = max(matching, 1) if everything else PER_PAGE
    pages = max(1, -(-matching // per_page))
    page = min(max(1, page), pages)
    rows = uow.rounds.recipients_page(round_id, state=state, offset=(page - 1) * per_page, limit=per_page)
    ids = [rec.id or 0 for rec, _unit in rows]
    order = {rid: n for n, rid in enumerate(ids)}
    # by unit (as the recipients are listed), each unit's revisions in order; replaced ones fold away
    replies = sorted(
        uow.replies.for_recipients(round_id, ids), key=lambda p: (order.get(p[0].recipient_id, 0), p[0].revision)
    )
    channels: dict[int, str] = {}
    for reply, _unit in sorted(replies, key=lambda p: p[0].id or 0):
        if not reply.late:
            channels[reply.recipient_id] = reply.channel  # the last on-time revision wins
    comments = uow.replies.comments_of([r.id or 0 for r, _ in replies])
    by_reply: dict[int, list[Any]] = {}
    for comment in comments:
        by_reply.setdefault(comment.reply_id, []).append(comment)
    # anchors of the comments in the decision queue only (each unit's last on-time revision, admitted late ones)
    queued = {r.id for r, _ in replies if not r.superseded and (not r.late or r.admitted)}
    anchors = anchors_for(uow, round_id, [c for c in comments if c.reply_id in queued]) if queued else {}
    names: dict[int | None, str] = {uid: name for uid, name in uow.rounds.recipient_names(round_id)}
    sent = deliveries_to(uow, round_id, ids, names)
    by_recipient: dict[int, list[dict[str, Any]]] = {}
    for d in sent:
        by_recipient.setdefault(d["recipient_id"] or 0, []).append(d)
    undeliverable = sorted(
        {names.get(u, "") for u in uow.outbox.unit_ids_with_status(round_id, OutboxStatus.undeliverable)} - {""}
    )
    recipients = [
        {**recipient_row(rec, unit, profile, channels), "deliveries": by_recipient.get(rec.id or 0, [])}
        for rec, unit in rows
    ]
    reviews = review_rows(uow, round_id)
    return {
        "round": summary,
        "recipients": recipients,
        "recipient_total": total,
        "recipient_counts": counts,
        "unit_names": [name for _uid, name in names.items()],
        "reviews": reviews,
        "replies": replies,
        "by_reply": by_reply,
        "anchors": anchors,
        "attachments": {a.reply_id: a for a in uow.replies.attachments([r.id or 0 for r, _ in replies])},
        "undeliverable": undeliverable,
        "filter": {"state": state, "page": page, "pages": pages, "matching": matching, "per_page": per_page},
    }
