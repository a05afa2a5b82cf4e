"""The unit's reply page, reached by its personal link without an account.

The link reaches one recipient of one round; it is writable until the deadline and read-only
after (``workflow.services.link_replies`` decides). The form's CSRF token is bound to the link
(HMAC of the token), since there is no session.
"""

from __future__ import annotations

from dataclasses import fields
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from documents.docx_writer import render_docx
from entrypoints.web.deps import ClockDep, Id, LinkVisitDep, UowDep
from entrypoints.web.downloads import signed_file
from entrypoints.web.form_page import refused
from entrypoints.web.forms import form_comment_rows
from entrypoints.web.render import templates
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput, NotFound
from storage.uow import UnitOfWork
from workflow.reports import official
from workflow.services.link_replies import (
    LinkReply,
    LinkVisit,
    link_form_token,
    link_page,
    link_signed_document,
    submit_link_reply,
)

router = APIRouter(include_in_schema=False)


def _page_context(request: Request, visit: LinkVisit, uow: UnitOfWork, clock: Clock) -> dict[str, object]:
    shown = link_page(uow, clock, visit)
    return {
        **{f.name: getattr(shown, f.name) for f in fields(shown)},
        "user": None,
        "token": visit.token,
        "csrf": link_form_token(request.app.state.secret, visit.token),
    }


@router.get("/r/{token}")
def reply_page(request: Request, visit: LinkVisitDep, uow: UowDep, clock: ClockDep, sent: int = 0) -> Response:
    context = _page_context(request, visit, uow, clock)
    return templates.TemplateResponse(request, "unit_reply.html", {**context, "sent": bool(sent)})


@router.post("/r/{token}")
async def reply_submit(request: Request, visit: LinkVisitDep, uow: UowDep, clock: ClockDep) -> Response:
    raw = await request.form()
    no_comments = bool(raw.get("no_comments"))
    form_token = raw.get("csrf_token")
    typed = form_comment_rows(raw)
    reply = LinkReply(
        no_comments=no_comments,
        comments=typed,  # ticked 无修改意见 with comments typed: refused, never dropped
        form_token=form_token if isinstance(form_token, str) else "",
        form_secret=request.app.state.secret,
    )
    try:
        submit_link_reply(uow, clock, visit, reply)
    except (InvalidInput, Conflict) as exc:
        uow.rollback()
        context = _page_context(request, visit, uow, clock)
        return refused(request, "unit_reply.html", exc, raw, **context, typed=typed, sent=False)
    return RedirectResponse(f"/r/{visit.token}?sent=1", status_code=303)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/r/{token}/signed/{document_id}")
def unit_signed(document_id: Id, visit: LinkVisitDep, uow: UowDep, clock: ClockDep) -> Response:
    """The issued document as signed and sealed (PDF, DOCX or OFD), once the draft is issued."""
    return signed_file(link_signed_document(uow, clock, visit, document_id))


@router.get("/r/{token}/{kind}.docx")
def unit_download(kind: str, visit: LinkVisitDep, uow: UowDep, clock: ClockDep) -> Response:
    """The letter, the unit's own 回复表 (its name filled in) or the 代拟稿 the round asks about (with its task
    table), as Word files."""
    shown = link_page(uow, clock, visit)
    round_id, unit = shown.round.id or 0, shown.unit.name if shown.unit else ""
    if kind == "letter":
        doc = official.letter(uow, round_id)
    elif kind == "reply-form":
        doc = official.reply_form(uow, round_id, unit)
    elif kind == "draft":
        doc = official.draft_document(uow, round_id)
    else:
        raise NotFound("DOCUMENT_NOT_FOUND", "没有这份文件。")
    name = quote(f"{doc.title}.docx")
    return Response(
        render_docx(doc), media_type=DOCX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    )
