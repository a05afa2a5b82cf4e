"""采纳决定: deciding comments one row at a time or in bulk, then submitting to legality review.

A refused decision comes back as the page (422) with the problem beside the row (or the bulk form) it
came from and everything typed kept; "只看未决定" survives a save (``?undecided=1``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from entrypoints.web.deps import ClockDep, Id, RulesDep, SettingsDep, Staff, StaffWrite, UowDep
from entrypoints.web.form_page import refused, renamed_fields
from entrypoints.web.forms import form_id
from entrypoints.web.pages_common import back, page
from entrypoints.web.pages_public_staff import public_queue
from kernel.errors import DomainError, NotFound
from storage.uow import UnitOfWork
from workflow.services.decisions import CHANGE_LABEL, Decide, decide, decide_many
from workflow.services.queries import round_status
from workflow.services.review import submit_review
from workflow.services.versions import unapplied_adoptions

router = APIRouter(include_in_schema=False)
# Labels the services name a field by (``field=`` details) → the form's field names.
ALIASES = {CHANGE_LABEL: "change_task", "理由": "reason", "采纳结论": "outcome", "意见编号": "comment_id"}
# What the 落实于 input asks for, by the shape of the version staff revise (a task table's 序号, or its items).
CHANGE_HINTS = {
    "tasks": "落实于任务序号（可选）",
    "articles": "落实于条款（如第五条，可选）",
    "sections": "落实于条目（如二、（一），可选）",
}


def change_hint(kind: str | None, has_tasks: bool) -> str:
    """The 落实于 input's placeholder: a draft of articles or sections with a task table takes either."""
    if kind in ("articles", "sections") and has_tasks:
        return "落实于条款或任务序号（如第五条、8，可选）" if kind == "articles" else "落实于条目或任务序号（可选）"
    return CHANGE_HINTS.get(kind or "tasks", CHANGE_HINTS["tasks"])


def _context(uow: UnitOfWork, round_id: int, undecided: bool, public: dict[str, object]) -> dict[str, object]:
    status = round_status(uow, round_id)
    rnd = uow.rounds.get(round_id)
    version = uow.drafts.version(rnd.draft_id, rnd.version) if rnd else None
    tasks = {t.number: (t, items) for t, items in uow.drafts.tasks(version.id or 0)} if version else {}
    draft = uow.drafts.get(rnd.draft_id) if rnd else None
    current_version = draft.current_version if draft else 0
    current = uow.drafts.version(draft.id or 0, current_version) if draft else None
    current_tasks = bool(current and uow.drafts.task_numbers(current.id or 0))
    return {
        "s": status,
        "tasks": tasks,
        "change_hint": change_hint(current.kind if current else None, current_tasks),
        "decided": sum(1 for c in status["comments"] if c["decision"]),
        "flagged": unapplied_adoptions(uow, round_id),
        "revised": bool(rnd and current_version != rnd.version),
        "current_version": current_version,
        "only_undecided": undecided,
        "row": None,
        "draft_id": rnd.draft_id if rnd else 0,
        "public": public,  # the public's groups sit in the same queue
    }


@router.get("/rounds/{round_id}/decisions")
def decisions_page(
    request: Request,
    round_id: Id,
    user: Staff,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    undecided: bool = False,
) -> Response:
    public = public_queue(uow, clock, user, settings, round_id)
    return page(request, "decisions.html", user, **_context(uow, round_id, undecided, public))


async def _refused(
    request: Request, uow: UnitOfWork, user: Staff, round_id: int, exc: DomainError, row: object
) -> Response:
    uow.rollback()
    form = await request.form()
    public = public_queue(uow, request.app.state.clock, user, request.app.state.settings, round_id)
    context = _context(uow, round_id, form.get("undecided") == "1", public) | {"row": row}
    return refused(request, "decisions.html", renamed_fields(exc, ALIASES), form, user=user, **context)


def _saved(uow: UnitOfWork, round_id: int, undecided: bool, after: int | None = None) -> Response:
    """Back to the page, at the next comment still undecided (after the one just saved), filter kept."""
    queue = [(c.id, d is not None) for c, _r, _u, d in uow.replies.decision_queue(round_id)]
    ids = [cid for cid, _ in queue]
    start = ids.index(after) + 1 if after in ids else 0
    waiting = [cid for cid, done in queue[start:] + queue[:start] if not done]
    anchor = f"#comment-{waiting[0]}" if waiting else ""
    query = "undecided=1&" if undecided else ""
    return RedirectResponse(f"/rounds/{round_id}/decisions?{query}ok=decided{anchor}", status_code=303)


@router.post("/rounds/{round_id}/decisions/{comment_id}")
async def decide_row(
    request: Request, round_id: Id, comment_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep
) -> Response:
    """One comment decided on its own (the row's own form)."""
    raw = await request.form()
    try:
        comment = uow.replies.comment(comment_id)
        if comment is None or comment.round_id != round_id:
            raise NotFound("COMMENT_NOT_FOUND", f"本轮没有编号为 {comment_id} 的修改意见。", comment_id=comment_id)
        change = str(raw.get("change_task") or "")  # "8", "序号8", "第五条": the service reads it
        cmd = Decide(comment_id, str(raw.get("outcome") or ""), str(raw.get("reason") or ""), change_item=change)
        decide(uow, clock, user.actor, cmd)
    except DomainError as exc:
        return await _refused(request, uow, user, round_id, exc, comment_id)
    return _saved(uow, round_id, raw.get("undecided") == "1", comment_id)


@router.post("/rounds/{round_id}/decisions")
async def bulk_decide(request: Request, round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep) -> Response:
    raw = await request.form()
    try:
        ids = [form_id(x, "意见编号") or 0 for x in raw.getlist("comment_id")]
        outcome = str(raw.get("outcome") or "")
        reason = str(raw.get("reason") or "")
        change = str(raw.get("change_task") or "")
        decide_many(uow, clock, user.actor, round_id, ids, Decide(0, outcome, reason, change_item=change))
    except DomainError as exc:
        return await _refused(request, uow, user, round_id, exc, "bulk")
    return _saved(uow, round_id, raw.get("undecided") == "1")


@router.post("/rounds/{round_id}/submit-review")
def to_review(round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, rules: RulesDep) -> Response:
    submit_review(uow, clock, user.actor, round_id, rules=rules)
    return back(f"/rounds/{round_id}", "submitted")
