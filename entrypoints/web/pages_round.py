"""The round page and its actions: paper replies, deadline changes, late replies, links, revision, withdrawal, issue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.datastructures import UploadFile as StarletteUploadFile

from entrypoints.web.deps import AnyUser, Staff, check_csrf, clock_of, new_uow, settings_of
from entrypoints.web.forms import (
    comment_rows,
    read_upload,
    store_uploaded_revision,
)
from entrypoints.web.pages_common import back, page
from kernel.errors import InvalidInput, NotFound
from kernel.timefmt import read_instant, to_beijing
from workflow.calendar import read_deadline
from workflow.services.delivery_view import deliveries
from workflow.services.issuance import issue
from workflow.services.queries import round_status
from workflow.services.replies import ScanFile, SubmitReply, admit_late_reply, submit_reply, with_form
from workflow.services.rounds import change_deadline
from workflow.services.schedule_view import next_actions
from workflow.services.versions import unapplied_adoptions

router = APIRouter(include_in_schema=False)


@router.get("/rounds/{round_id}")
def round_page(request: Request, round_id: int, user: AnyUser, tab: str = "overview") -> Response:
    from workflow.services.audit import export_events

    with new_uow(request) as uow:
        status = round_status(uow, round_id)
        replies = uow.replies.for_round(round_id)
        by_reply: dict[int, list[object]] = {}
        for comment in uow.replies.comments_of([r.id or 0 for r, _ in replies]):
            by_reply.setdefault(comment.reply_id, []).append(comment)
        attachments = {a.reply_id: a for a in uow.accounts.attachments([r.id or 0 for r, _ in replies])}
        sent = deliveries(uow, round_id)
        actions = next_actions(uow, clock_of(request), settings_of(request), round_id)
        events = export_events(uow, round_id) if tab == "audit" else []
        flagged = unapplied_adoptions(uow, round_id)
    warning = (
        "以下单位未登记邮箱或 webhook，通知需线下送达："
        + "、".join(sorted({d["unit"] for d in sent if d["status"] == "undeliverable"}))
        if any(d["status"] == "undeliverable" for d in sent)
        else None
    )
    return page(
        request,
        "round.html",
        user,
        s=status,
        replies=replies,
        by_reply=by_reply,
        attachments=attachments,
        deliveries=sent,
        actions=actions,
        events=events,
        tab=tab,
        warning=warning,
        flagged=flagged,
        now_local=to_beijing(clock_of(request).now()).strftime("%Y-%m-%dT%H:%M"),
    )


@router.post("/rounds/{round_id}/paper-reply")
async def paper_reply(request: Request, round_id: int, user: Staff) -> Response:
    raw = await request.form()
    check_csrf(user, str(raw.get("csrf_token") or ""))
    scan = raw.get("scan")
    attachment = None
    if isinstance(scan, StarletteUploadFile) and scan.filename:  # what request.form() gives (FastAPI's is a subclass)
        data = await scan.read(10 * 1024 * 1024 + 1)
        attachment = ScanFile(scan.filename, scan.content_type or "", data)
    received = str(raw.get("received_at") or "").strip()
    received_at = read_instant(received, "收到时间") if received else None
    rows = comment_rows(raw.getlist("target"), raw.getlist("text"), raw.getlist("basis"), raw.getlist("reason"))  # type: ignore[arg-type]
    no_comments = bool(raw.get("no_comments"))
    cmd = SubmitReply(
        round_id=round_id,
        unit_name=str(raw.get("unit") or ""),
        no_comments=no_comments,
        comments=[] if no_comments else rows,
        channel=str(raw.get("channel") or "paper"),
        received_at=received_at,
        sealed=bool(raw.get("sealed")),
        attachment=attachment,
    )
    filled = raw.get("form_docx")
    if isinstance(filled, StarletteUploadFile) and filled.filename:
        if rows or no_comments:
            raise InvalidInput("REPLY_FORM_AND_ROWS", "已上传回复表时，请不要再在下方表格中填写意见或勾选无修改意见。")
        cmd = with_form(cmd, filled.filename, await read_upload(filled, (".docx",)) or b"")
    with new_uow(request) as uow:
        submit_reply(uow, clock_of(request), user.actor, cmd)
    return back(f"/rounds/{round_id}", "reply_saved")


@router.post("/rounds/{round_id}/deadline")
def move_deadline(
    request: Request,
    round_id: int,
    user: Staff,
    csrf_token: Annotated[str, Form()],
    deadline: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(user, csrf_token)
    at = read_deadline(deadline, settings_of(request).section("calendar"))
    with new_uow(request) as uow:
        change_deadline(uow, clock_of(request), user.actor, round_id, at, reason)
    return back(f"/rounds/{round_id}", "deadline_changed")


@router.post("/rounds/{round_id}/admit/{reply_id}")
def admit(
    request: Request,
    round_id: int,
    reply_id: int,
    user: Staff,
    csrf_token: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(user, csrf_token)
    with new_uow(request) as uow:
        reply = uow.replies.get(reply_id)
        if reply is None or reply.round_id != round_id:
            raise NotFound("REPLY_NOT_FOUND", f"本轮没有编号为 {reply_id} 的回复。", reply_id=reply_id)
        admit_late_reply(uow, clock_of(request), user.actor, reply_id, reason)
    return back(f"/rounds/{round_id}", "admitted")


@router.post("/rounds/{round_id}/links/{recipient_id}/revoke")
def revoke(
    request: Request, round_id: int, recipient_id: int, user: Staff, csrf_token: Annotated[str, Form()]
) -> Response:
    from workflow.services.links import revoke_link

    check_csrf(user, csrf_token)
    with new_uow(request) as uow:
        recipient = uow.rounds.recipient_by_id(recipient_id)
        if recipient is None or recipient.round_id != round_id:
            raise InvalidInput("LINK_NOT_FOUND", "该单位不是本轮的征求对象。")
        revoke_link(uow, clock_of(request), user.actor, recipient_id)
    return back(f"/rounds/{round_id}", "link_revoked")


@router.post("/rounds/{round_id}/revise")
async def revise(
    request: Request,
    round_id: int,
    user: Staff,
    csrf_token: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    note: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(user, csrf_token)
    with new_uow(request) as uow:
        rnd = uow.rounds.get(round_id)
        draft_id = rnd.draft_id if rnd else 0
    await store_uploaded_revision(request, user, file, draft_id=draft_id, note=note)
    return back(f"/rounds/{round_id}", "revised")


@router.post("/rounds/{round_id}/withdraw")
def withdraw_page(
    request: Request,
    round_id: int,
    user: Staff,
    csrf_token: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    from workflow.services.withdrawal import withdraw

    check_csrf(user, csrf_token)
    with new_uow(request) as uow:
        withdraw(uow, clock_of(request), user.actor, round_id, reason)
    return back(f"/rounds/{round_id}", "withdrawn")


@router.post("/rounds/{round_id}/issue")
def issue_page(
    request: Request, round_id: int, user: Staff, csrf_token: Annotated[str, Form()], doc_number: Annotated[str, Form()]
) -> Response:
    check_csrf(user, csrf_token)
    with new_uow(request) as uow:
        issue(uow, clock_of(request), user.actor, round_id, doc_number)
    return back(f"/rounds/{round_id}", "issued")
