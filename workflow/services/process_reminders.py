"""Reminders the process needs besides the units' deadline reminders: the reviewer before a legality
review is due, and the office before a 备案 deadline. Run by the scheduler; each goes out once (the
outbox key carries the review or the publication), so a job run twice or by two schedulers sends nothing new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kernel.actors import SYSTEM
from kernel.clock import Clock
from kernel.ids import ref
from kernel.timefmt import to_beijing
from storage.uow import UnitOfWork, UowFactory
from workflow.doc_types import SHIPPED_TYPES, DocType, DocTypes
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
        queued += _queue_once(
            uows,
            now,
            draft_id,
            lambda rule_set: rule_set.review_source,
            ("review.reminder_queued", ref("review", review_id), {"due_at": due.isoformat() if due else None}),
            _bind(queue_review_due_reminder, round_id, review_id),
            round_id,
            rules,
        )
    for publication_id, round_id, draft_id, filing_due in filings:
        queued += _queue_once(
            uows,
            now,
            draft_id,
            lambda rule_set: rule_set.filing_source,
            (
                "filing.reminder_queued",
                ref("round", round_id),
                {"filing_due": filing_due.isoformat() if filing_due else None},
            ),
            _bind(queue_filing_reminder, round_id, publication_id),
            round_id,
            rules,
        )
    return queued


def _bind(
    queue: Callable[[UnitOfWork, int, int, str], int], round_id: int, key: int
) -> Callable[[UnitOfWork, str], int]:
    return lambda uow, rule: queue(uow, round_id, key, rule)


def _queue_once(
    uows: UowFactory,
    now: datetime,
    draft_id: int,
    source_of: Callable[[DocType], str],
    event: tuple[str, str, dict[str, Any]],
    queue: Callable[[UnitOfWork, str], int],
    round_id: int,
    rules: DocTypes,
) -> int:
    """One reminder in its own transaction: the event and the message together, or neither when the
    outbox already holds it (reminded before: leaving without commit drops the event too)."""
    action, entity, facts = event
    with uows() as uow:
        draft = uow.drafts.get(draft_id)
        rule = source_of(rules.get(draft.doc_type)) if draft else ""
        record(uow, SYSTEM, now, action, entity, round_id=round_id, **facts)
        n = queue(uow, rule)
        if n:
            uow.commit()
        return n
