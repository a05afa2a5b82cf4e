"""采纳决定: deciding one comment."""

from __future__ import annotations

from fastapi import APIRouter

from entrypoints.web.api.bodies import DecisionBody
from entrypoints.web.api.schemas import Decided
from entrypoints.web.deps import ClockDep, Id, StaffWrite, UowDep
from workflow.services.decisions import Decide, decide

router = APIRouter(tags=["采纳决定"])


@router.post("/comments/{comment_id}/decision")
def api_decide(comment_id: Id, body: DecisionBody, user: StaffWrite, uow: UowDep, clock: ClockDep) -> Decided:
    cmd = Decide(comment_id, body.outcome, body.reason, body.change_task, body.change_item or "")
    row = decide(uow, clock, user.actor, cmd)
    return Decided(
        comment_id=comment_id,
        decision=row.outcome,
        reason=row.reason,
        change_task=row.change_task_number,
        change_item=row.change_item_label,
    )
