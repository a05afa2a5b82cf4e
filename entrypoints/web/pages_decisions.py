"""采纳决定: deciding comments one by one or in bulk, then submitting to legality review."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from entrypoints.web.deps import Staff, check_csrf, clock_of, new_uow
from entrypoints.web.pages_common import back, page
from kernel.errors import InvalidInput
from workflow.services import decisions as decision_service
from workflow.services.queries import round_status
from workflow.services.review import submit_review
from workflow.services.versions import unapplied_adoptions

router = APIRouter(include_in_schema=False)


@router.get("/rounds/{round_id}/decisions")
def decisions_page(request: Request, round_id: int, user: Staff) -> Response:
    with new_uow(request) as uow:
        status = round_status(uow, round_id)
        rnd = uow.rounds.get(round_id)
        version = uow.drafts.version(rnd.draft_id, rnd.version) if rnd else None
        tasks = {t.number: (t, items) for t, items in uow.drafts.tasks(version.id or 0)} if version else {}
        flagged = unapplied_adoptions(uow, round_id)
    decided = sum(1 for c in status["comments"] if c["decision"])
    return page(request, "decisions.html", user, s=status, tasks=tasks, decided=decided, flagged=flagged)


@router.post("/rounds/{round_id}/decisions")
async def decide(request: Request, round_id: int, user: Staff) -> Response:
    raw = await request.form()
    check_csrf(user, str(raw.get("csrf_token") or ""))
    ids = [int(x) for x in raw.getlist("comment_id")]  # type: ignore[arg-type]
    outcome = str(raw.get("outcome") or "")
    reason = str(raw.get("reason") or "")
    change = str(raw.get("change_task") or "").strip()
    if not ids:
        raise InvalidInput("COMMENTS_NOT_SELECTED", "请至少选择一条意见。")
    for comment_id in ids:
        with new_uow(request) as uow:
            decision_service.decide(
                uow,
                clock_of(request),
                user.actor,
                decision_service.Decide(comment_id, outcome, reason, int(change) if change.isdigit() else None),
            )
    return back(f"/rounds/{round_id}/decisions", "decided")


@router.post("/rounds/{round_id}/submit-review")
def to_review(request: Request, round_id: int, user: Staff, csrf_token: Annotated[str, Form()]) -> Response:
    check_csrf(user, csrf_token)
    with new_uow(request) as uow:
        submit_review(uow, clock_of(request), user.actor, round_id)
    return back(f"/rounds/{round_id}", "submitted")
