"""合法性审查: submitting a round to the justice bureau, and the reviewer's verdict."""

from __future__ import annotations

from fastapi import APIRouter

from entrypoints.web.api.bodies import ReviewBody
from entrypoints.web.api.schemas import Reviewed, ReviewRequested
from entrypoints.web.deps import ClockDep, Id, ReviewerWrite, StaffWrite, UowDep
from states.draft import DraftState
from workflow.services.review import record_review, submit_review

router = APIRouter(tags=["合法性审查"])


@router.post("/rounds/{round_id}/submit-review")
def api_submit(round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep) -> ReviewRequested:
    review = submit_review(uow, clock, user.actor, round_id)
    return ReviewRequested(round_id=round_id, review_id=review.id or 0, state=DraftState.legality_review)


@router.post("/rounds/{round_id}/review")
def api_review(round_id: Id, body: ReviewBody, user: ReviewerWrite, uow: UowDep, clock: ClockDep) -> Reviewed:
    review = record_review(
        uow, clock, user.actor, round_id, approve=body.approve, reviewer=user.display_name, opinion=body.opinion
    )
    return Reviewed(round_id=round_id, review_id=review.id or 0, result=review.state)
