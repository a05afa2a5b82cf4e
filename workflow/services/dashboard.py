"""The staff dashboard: rounds by state, time left, silent units, decisions waiting, reviews pending."""

from __future__ import annotations

from typing import Any

from storage.uow import UnitOfWork
from workflow.clock import Clock


def dashboard(uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    now = clock.now()
    rounds = []
    totals = {"open": 0, "silent": 0, "undecided": 0, "in_review": 0}
    for rnd in reversed(list(uow.rounds.all())):
        draft = uow.drafts.get(rnd.draft_id)
        recipients = uow.rounds.recipients(rnd.id or 0)
        silent = sum(1 for r, _ in recipients if r.state == "pending")
        queue = uow.replies.decision_queue(rnd.id or 0)
        undecided = sum(1 for *_x, d in queue if d is None)
        left = rnd.deadline - now
        rounds.append(
            {
                "round": rnd,
                "draft": draft,
                "recipients": len(recipients),
                "silent": silent,
                "comments": len(queue),
                "undecided": undecided,
                "time_left": left if rnd.state == "open" else None,
                "time_left_text": _left(left) if rnd.state == "open" else "",
            }
        )
        totals["open"] += rnd.state == "open"
        totals["silent"] += silent if rnd.state == "open" else 0
        totals["undecided"] += undecided if draft and draft.state in ("deciding", "drafting") else 0
        totals["in_review"] += bool(
            draft and draft.state == "legality_review" and uow.rounds.pending_review(rnd.id or 0)
        )
    return {"rounds": rounds, "totals": totals}


def _left(delta: Any) -> str:
    from notifications.templates import cn_duration

    return "已到期，待执行截止" if delta.total_seconds() <= 0 else cn_duration(delta)
