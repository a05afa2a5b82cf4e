"""The unit's reply page, reached by its personal link without an account.

The link reaches one recipient of one round; it is writable until the deadline and read-only
after. The form's CSRF token is bound to the link (HMAC of the token), since there is no session.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from entrypoints.web.deps import clock_of, limit_link, new_uow
from entrypoints.web.forms import comment_rows
from entrypoints.web.render import templates
from kernel.actors import Actor, Role
from kernel.errors import Forbidden
from workflow.services.links import resolve_link
from workflow.services.replies import SubmitReply, submit_reply

router = APIRouter(include_in_schema=False)


def link_csrf(request: Request, token: str) -> str:
    return hmac.new(request.app.state.secret.encode(), f"reply-form:{token}".encode(), hashlib.sha256).hexdigest()


@router.get("/r/{token}")
def reply_page(request: Request, token: str, sent: int = 0) -> Response:
    limit_link(request, token)
    with new_uow(request) as uow:
        target = resolve_link(uow, clock_of(request), token)
        rnd = uow.rounds.get(target.round_id)
        draft = uow.drafts.get(rnd.draft_id) if rnd else None
        unit = uow.directory.unit(target.unit_id)
        recipient = uow.rounds.recipient_by_id(target.recipient_id)
        version = uow.drafts.version(draft.id or 0, rnd.version) if draft and rnd else None
        tasks = uow.drafts.tasks(version.id or 0) if version else []
        replies = list(uow.replies.for_recipient(target.recipient_id))
        comments: dict[int, list[object]] = {}
        for c in uow.replies.comments_of([r.id or 0 for r in replies]):
            comments.setdefault(c.reply_id, []).append(c)
    return templates.TemplateResponse(
        request,
        "unit_reply.html",
        {
            "user": None,
            "token": token,
            "csrf": link_csrf(request, token),
            "writable": target.writable,
            "round": rnd,
            "draft": draft,
            "unit": unit,
            "recipient": recipient,
            "tasks": tasks,
            "known_targets": {"全文", *(f"序号{task.number}" for task, _items in tasks)},
            "replies": replies,
            "comments": comments,
            "sent": bool(sent),
        },
    )


@router.post("/r/{token}")
async def reply_submit(request: Request, token: str, csrf_token: Annotated[str, Form()] = "") -> Response:
    limit_link(request, token)
    if not hmac.compare_digest(csrf_token, link_csrf(request, token)):
        raise Forbidden("CSRF_INVALID", "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试。")
    raw = await request.form()
    with new_uow(request) as uow:
        target = resolve_link(uow, clock_of(request), token)
        unit = uow.directory.unit(target.unit_id)
    if not target.writable:
        raise Forbidden("LINK_READ_ONLY", "征求意见已截止，回复链接只能查看，不能再提交。逾期未回复，视为无意见。")
    no_comments = bool(raw.get("no_comments"))
    rows = comment_rows(raw.getlist("target"), raw.getlist("text"), raw.getlist("basis"), raw.getlist("reason"))  # type: ignore[arg-type]
    cmd = SubmitReply(
        round_id=target.round_id,
        unit_id=target.unit_id,
        no_comments=no_comments,
        comments=[] if no_comments else rows,
        channel="web",
    )
    with new_uow(request) as uow:
        submit_reply(uow, clock_of(request), Actor(unit.name if unit else "回复单位", Role.unit), cmd)
    return RedirectResponse(f"/r/{token}?sent=1", status_code=303)
