"""采纳决定: deciding comments one by one or in bulk, then submitting to legality review."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from entrypoints.web.deps import ClockDep, Id, RulesDep, SettingsDep, Staff, StaffWrite, UowDep
from entrypoints.web.forms import form_id
from entrypoints.web.pages_common import back, page
from entrypoints.web.pages_public_staff import public_queue
from kernel.errors import InvalidInput
from workflow.services.decisions import Decide, decide
from workflow.services.queries import round_status
from workflow.services.review import submit_review
from workflow.services.versions import unapplied_adoptions

router = APIRouter(include_in_schema=False)


@router.get("/rounds/{round_id}/decisions")
def decisions_page(
    request: Request, round_id: Id, user: Staff, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> Response:
    public = public_queue(uow, clock, user, settings, round_id)  # the public's groups sit in the same queue
    status = round_status(uow, round_id)
    rnd = uow.rounds.get(round_id)
    version = uow.drafts.version(rnd.draft_id, rnd.version) if rnd else None
    tasks = {t.number: (t, items) for t, items in uow.drafts.tasks(version.id or 0)} if version else {}
    decided = sum(1 for c in status["comments"] if c["decision"])
    flagged = unapplied_adoptions(uow, round_id)
    draft = uow.drafts.get(rnd.draft_id) if rnd else None
    current_version = draft.current_version if draft else 0
    return page(
        request,
        "decisions.html",
        user,
        s=status,
        tasks=tasks,
        decided=decided,
        flagged=flagged,
        revised=bool(rnd and current_version != rnd.version),
        current_version=current_version,
        draft_id=rnd.draft_id if rnd else 0,
        public=public,
    )


@router.post("/rounds/{round_id}/decisions")
async def bulk_decide(request: Request, round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep) -> Response:
    raw = await request.form()
    ids = [form_id(x, "意见编号") or 0 for x in raw.getlist("comment_id")]
    outcome = str(raw.get("outcome") or "")
    reason = str(raw.get("reason") or "")
    change = form_id(raw.get("change_task"), "对应的重点任务序号", required=False)
    if not ids:
        raise InvalidInput("COMMENTS_NOT_SELECTED", "请至少选择一条意见。")
    for comment_id in ids:  # each decision commits on its own, as deciding them one by one would
        decide(uow, clock, user.actor, Decide(comment_id, outcome, reason, change))
    return back(f"/rounds/{round_id}/decisions", "decided")


@router.post("/rounds/{round_id}/submit-review")
def to_review(round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, rules: RulesDep) -> Response:
    submit_review(uow, clock, user.actor, round_id, rules=rules)
    return back(f"/rounds/{round_id}", "submitted")
