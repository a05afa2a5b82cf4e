"""The staff dashboard: rounds by state, time left, silent units, decisions waiting, reviews pending."""

from __future__ import annotations

from typing import Any

from kernel.clock import Clock
from notifications.templates import cn_duration
from states.draft import DraftState
from states.round import RoundState
from storage.uow import UnitOfWork
from workflow.services.health import HealthPolicy, health

# Comments are decided while the draft is deciding or being revised (see services.decisions).
DECIDING = (DraftState.deciding, DraftState.drafting)


def dashboard(uow: UnitOfWork, clock: Clock, policy: HealthPolicy | None = None) -> dict[str, Any]:
    """A handful of grouped queries whatever the number of rounds (not a few per round), plus what
    /healthz would warn about, so staff see a stopped scheduler before a unit does."""
    now = clock.now()
    rounds = []
    totals = {"open": 0, "silent": 0, "undecided": 0, "in_review": 0}
    all_rounds = list(uow.rounds.all())
    drafts = uow.drafts.by_ids(sorted({r.draft_id for r in all_rounds}))
    recipients = uow.rounds.recipient_tallies()
    queues = uow.replies.queue_tallies()
    in_review = uow.rounds.pending_review_round_ids()
    for rnd in reversed(all_rounds):
        rid = rnd.id or 0
        draft = drafts.get(rnd.draft_id)
        total, silent = recipients.get(rid, (0, 0))
        comments, undecided = queues.get(rid, (0, 0))
        is_open = rnd.state == RoundState.open
        left = rnd.deadline - now
        rounds.append(
            {
                "round": rnd,
                "draft": draft,
                "recipients": total,
                "silent": silent,
                "comments": comments,
                "undecided": undecided,
                "time_left": left if is_open else None,
                "time_left_text": _left(left) if is_open else "",
            }
        )
        totals["open"] += is_open
        totals["silent"] += silent if is_open else 0
        totals["undecided"] += undecided if draft and draft.state in DECIDING else 0
        totals["in_review"] += bool(draft and draft.state == DraftState.legality_review and rid in in_review)
    problems = health(uow, clock, policy or HealthPolicy()).problems
    return {"rounds": rounds, "totals": totals, "problems": problems}


def _left(delta: Any) -> str:
    return "已到期，待执行截止" if delta.total_seconds() <= 0 else cn_duration(delta)
