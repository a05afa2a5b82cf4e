"""Reminders the process needs besides the units' deadline reminders: the reviewer before a legality
review is due, and the office before a 备案 deadline. Run by the scheduler; each goes out once (the
outbox key carries the review or the publication), so a job run twice or by two schedulers sends nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kernel.actors import SYSTEM
from kernel.clock import Clock
from kernel.ids import ref
from kernel.timefmt import to_beijing
from storage.uow import UowFactory
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.services._common import record
from workflow.services.messages import queue_filing_reminder, queue_review_due_reminder


@dataclass(frozen=True)
class ReminderSettings:
    review_hours_before: float = 24.0  # the reviewer is reminded this long before the review's due date
    filing_days_before: int = 5  # the office is reminded this many days before the 备案 deadline


def queue_process_reminders(
    uows: UowFactory, clock: Clock, settings: ReminderSettings | None = None, *, rules: DocTypes = SHIPPED_TYPES
) -> int:
    """Queue every reminder that is due now; returns how many messages were queued."""
    s = settings or ReminderSettings()
    now = clock.now()
    with uows() as uow:
        horizon = now + timedelta(hours=s.review_hours_before)
        reviews = [(r.id or 0, r.round_id, r.draft_id, r.due_at) for r in uow.rounds.pending_reviews_due(horizon)]
        today = to_beijing(now).date()
        filings = [
            (p.id or 0, p.round_id, rnd.draft_id, p.filing_due)
            for p, rnd in uow.process.filings_due(today + timedelta(days=s.filing_days_before))
        ]
    queued = 0
    for review_id, round_id, draft_id, due in reviews:
        with uows() as uow:
            draft = uow.drafts.get(draft_id)
            rule = rules.get(draft.doc_type).review_source if draft else ""
            record(
                uow,
                SYSTEM,
                now,
                "review.reminder_queued",
                ref("review", review_id),
                round_id=round_id,
                due_at=due.isoformat() if due else None,
            )
            n = queue_review_due_reminder(uow, round_id, review_id, rule)
            if n:
                uow.commit()  # else: reminded before; leaving without commit drops the event too
                queued += n
    for publication_id, round_id, draft_id, filing_due in filings:
        with uows() as uow:
            draft = uow.drafts.get(draft_id)
            rule = rules.get(draft.doc_type).filing_source if draft else ""
            record(
                uow,
                SYSTEM,
                now,
                "filing.reminder_queued",
                ref("round", round_id),
                round_id=round_id,
                filing_due=filing_due.isoformat() if filing_due else None,
            )
            n = queue_filing_reminder(uow, round_id, publication_id, rule)
            if n:
                uow.commit()
                queued += n
    return queued
