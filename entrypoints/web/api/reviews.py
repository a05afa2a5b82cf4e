"""合法性审查: submitting a round to the justice bureau, and the reviewer's verdict."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter

from entrypoints.web.api.bodies import ReviewBody
from entrypoints.web.api.schemas import Reviewed, ReviewRequested
from entrypoints.web.api.views import ReviewQueueRow
from entrypoints.web.deps import ClockDep, Id, ReadUowDep, Reviewer, ReviewerWrite, RulesDep, StaffWrite, UowDep
from kernel.timefmt import iso_beijing
from states.draft import DraftState
from workflow.services.queries import review_queue
from workflow.services.review import record_review, submit_review

router = APIRouter(tags=["合法性审查"])


@router.get("/reviews", response_model=list[ReviewQueueRow])
def api_review_queue(user: Reviewer, uow: ReadUowDep) -> list[dict[str, Any]]:
    """The reviewer's queue: every office it reviews for, newest first, each row naming its office."""
    return review_queue(uow)


@router.post("/rounds/{round_id}/submit-review")
def api_submit(round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, rules: RulesDep) -> ReviewRequested:
    review = submit_review(uow, clock, user.actor, round_id, rules=rules)
    return ReviewRequested(
        round_id=round_id,
        review_id=review.id or 0,
        state=DraftState.legality_review,
        due_at=iso_beijing(review.due_at) if review.due_at else None,
        min_at=iso_beijing(review.min_at) if review.min_at else None,
        missing_materials=json.loads(review.missing_materials or "[]"),
    )


@router.post("/rounds/{round_id}/review")
def api_review(
    round_id: Id, body: ReviewBody, user: ReviewerWrite, uow: UowDep, clock: ClockDep, rules: RulesDep
) -> Reviewed:
    review = record_review(
        uow,
        clock,
        user.actor,
        round_id,
        approve=body.approve,
        reviewer=user.display_name,
        opinion=body.opinion,
        checklist={k: (v.answer, v.note) for k, v in body.checklist.items()},
        changes=body.changes,
        rules=rules,
    )
    return Reviewed(
        round_id=round_id, review_id=review.id or 0, result=review.state, changes=review.changes.splitlines()
    )
