"""合法性审查: submitting a round to the justice bureau, and the reviewer's verdict."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from entrypoints.web.api.bodies import ReviewBody
from entrypoints.web.api.schemas import Reviewed, ReviewRequested
from entrypoints.web.api.views import ReviewQueueRow
from entrypoints.web.deps import (
    MAX_ID,
    ClockDep,
    Id,
    ReadUowDep,
    Reviewer,
    ReviewerWrite,
    RulesDep,
    StaffWrite,
    UowDep,
)
from kernel.timefmt import iso_beijing
from states.draft import DraftState
from workflow.services.queries import review_counts, review_queue
from workflow.services.review import record_review, submit_review

router = APIRouter(tags=["合法性审查"])


MAX_REVIEWS_PAGE = 1000
"""The most rows one ``limit`` may ask for (no ``limit``: every row, as before paging existed)."""
TOTAL_HEADER = {
    "X-Total-Count": {
        "description": "符合筛选条件的轮次总数（不受 offset、limit 影响），供分页使用",
        "schema": {"type": "integer", "minimum": 0},
    }
}


@router.get("/reviews", response_model=list[ReviewQueueRow], responses={200: {"headers": TOTAL_HEADER}})
def api_review_queue(
    user: Reviewer,
    uow: ReadUowDep,
    response: Response,
    pending: Annotated[bool, Query(description="只列最近一次审查尚未作出结论的轮次")] = False,
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description="跳过的行数")] = 0,
    limit: Annotated[int | None, Query(ge=1, le=MAX_REVIEWS_PAGE, description="最多返回的行数（不填：全部）")] = None,
) -> list[dict[str, Any]]:
    """The reviewer's queue: every office it reviews for, newest first, each row naming its office and its
    latest review. Without parameters, every round as before; ``pending``, ``offset`` and ``limit`` filter
    and page it, and ``X-Total-Count`` says how many rounds match."""
    counts = review_counts(uow)
    response.headers["X-Total-Count"] = str(counts["pending" if pending else "all"])
    return review_queue(uow, pending_only=pending, offset=offset, limit=limit)


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
