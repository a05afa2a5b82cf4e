"""Baseline for the dashboard benchmark: the first implementation, a few queries and full loads per round."""

from __future__ import annotations

from typing import Any

from kernel.clock import Clock
from storage.uow import UnitOfWork


def naive_dashboard(uow: UnitOfWork, clock: Clock) -> dict[str, Any]:
    rounds: list[dict[str, Any]] = []
    totals = {"open": 0, "silent": 0, "undecided": 0, "in_review": 0}
    for rnd in reversed(list(uow.rounds.all())):
        draft = uow.drafts.get(rnd.draft_id)
        recipients = uow.rounds.recipients(rnd.id or 0)
        silent = sum(1 for r, _ in recipients if r.state == "pending")
        queue = uow.replies.decision_queue(rnd.id or 0)
        undecided = sum(1 for *_x, d in queue if d is None)
        left = rnd.deadline - clock.now()
        rounds.append(
            {"round": rnd, "draft": draft, "recipients": len(recipients), "silent": silent, "undecided": undecided}
        )
        rounds[-1]["time_left"] = left if rnd.state == "open" else None
        totals["open"] += rnd.state == "open"
        totals["silent"] += silent if rnd.state == "open" else 0
        totals["undecided"] += undecided if draft and draft.state in ("deciding", "drafting") else 0
        totals["in_review"] += bool(
            draft and draft.state == "legality_review" and uow.rounds.pending_review(rnd.id or 0)
        )
    return {"rounds": rounds, "totals": totals}
