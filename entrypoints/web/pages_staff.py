"""Staff pages: dashboard, starting a round, the round page, decisions, the unit directory."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from entrypoints.web.deps import AnyUser, Staff, check_csrf, clock_of, new_uow, office_id_of, settings_of
from entrypoints.web.forms import (
    UNIT_SUFFIXES,
    comment_rows,
    read_upload,
    store_uploaded_draft,
    store_uploaded_revision,
)
from entrypoints.web.render import templates
from workflow.errors import InvalidInput
from workflow.parsing.units_file import parse_units_file
from workflow.reports.official import letter_document
from workflow.reports.render import render_report
from workflow.services import decisions as decision_service
from workflow.services.dashboard import dashboard
from workflow.services.delivery_view import deliveries
from workflow.services.issuance import issue
from workflow.services.queries import round_status
from workflow.services.replies import ScanFile, SubmitReply, admit_late_reply, submit_reply
from workflow.services.review import submit_review
from workflow.services.rounds import DEFAULT_REQUIREMENTS, StartRound, change_deadline, start_round
from workflow.services.schedule_view import next_actions
from workflow.services.units import import_units, update_unit
from workflow.services.versions import unapplied_adoptions
from workflow.timefmt import parse_instant, to_beijing

router = APIRouter(include_in_schema=False)
NOTICES = {
    "round_started": "已发起征求意见，通知已进入发送队列。",
    "reply_saved": "回复已登记。",
    "deadline_changed": "截止时间已调整。",
    "decided": "采纳决定已保存。",
    "submitted": "已提交合法性审查。",
    "revised": "修改稿已导入。",
    "issued": "已印发。",
    "admitted": "逾期回复已纳入采纳决定。",
    "units_imported": "单位名录已导入。",
    "unit_saved": "单位信息已保存。",
    "draft_uploaded": "文稿已导入，请核对下方重点任务分工。",
    "link_revoked": "原回复链接已撤销，新的链接已随通知重新发送。",
    "withdrawn": "文稿已撤回。",
}


def page(request: Request, name: str, user: object, **context: object) -> Response:
    notice = NOTICES.get(request.query_params.get("ok", ""))
    return templates.TemplateResponse(request, name, {"user": user, "notice": notice, **context})


def back(url: str, ok: str) -> Response:
    return RedirectResponse(f"{url}{'&' if '?' in url else '?'}ok={ok}", status_code=303)


@router.get("/")
def home(request: Request, user: AnyUser) -> Response:
    if user.role == "reviewer":
        return RedirectResponse("/review", status_code=303)
    with new_uow(request) as uow:
        data = dashboard(uow, clock_of(request))
    return page(request, "dashboard.html", user, **data)


@router.get("/rounds/new")
def new_round(request: Request, user: Staff, draft: int | None = None) -> Response:
    with new_uow(request) as uow:
        drafts = [d for d in uow.drafts.all() if d.state == "drafting"]
        chosen = uow.drafts.get(draft) if draft else None
        tasks = []
        if chosen is not None:
            version = uow.drafts.version(chosen.id or 0, chosen.current_version)
            tasks = uow.drafts.tasks(version.id or 0) if version else []
        units = list(uow.directory.units())
    return page(
        request,
        "round_new.html",
        user,
        drafts=drafts,
        chosen=chosen,
        tasks=tasks,
        units=units,
        requirements=DEFAULT_REQUIREMENTS,
        today=to_beijing(clock_of(request).now()).date(),
    )


@router.post("/drafts")
async def upload_draft(
    request: Request,
    user: Staff,
    csrf_token: Annotated[str, Form()],
    title: Annotated[str, Form()],
    issuer: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> Response:
    check_csrf(user, csrf_token)
    stored = await store_uploaded_draft(request, user, file, title=title, issuer=issuer)
    return back(f"/rounds/new?draft={stored.draft_id}", "draft_uploaded")


def _start_command(request: Request, form: dict[str, object], office_id: int) -> StartRound:
    from workflow.calendar import CalendarConfig, WorkCalendar, deadline_after_workdays

    workdays = str(form.get("workdays") or "").strip()
    deadline_text = str(form.get("deadline") or "").strip()
    warning = ""
    if workdays:
        try:
            n = int(workdays)
        except ValueError:
            raise InvalidInput("WORKDAYS_INVALID", "工作日数须为整数。") from None
        calendar = WorkCalendar(CalendarConfig.from_mapping(settings_of(request).section("calendar")))
        deadline, result = deadline_after_workdays(to_beijing(clock_of(request).now()).date(), n, calendar)
        warning = "；".join(result.warnings)
    elif deadline_text:
        try:
            deadline = parse_instant(deadline_text)
        except ValueError:
            raise InvalidInput("DATETIME_INVALID", "截止时间格式不正确。") from None
    else:
        raise InvalidInput("DEADLINE_REQUIRED", "请填写截止时间或工作日数。")
    letter_date = str(form.get("letter_date") or "")
    return StartRound(
        draft_id=int(str(form.get("draft_id") or 0)),
        office_id=office_id,
        doc_number=str(form.get("doc_number") or ""),
        deadline=deadline,
        contact=str(form.get("contact") or ""),
        phone=str(form.get("phone") or ""),
        unit_names=[str(x) for x in form.get("units", [])],  # type: ignore[union-attr]
        categories=[str(x) for x in form.get("categories", [])],  # type: ignore[union-attr]
        letter_date=date.fromisoformat(letter_date) if letter_date else None,
        basis=str(form.get("basis") or ""),
        requirements=str(form.get("requirements") or DEFAULT_REQUIREMENTS),
        deadline_warning=warning,
    )


async def _form(request: Request) -> dict[str, object]:
    raw = await request.form()
    data: dict[str, object] = {k: raw.get(k) for k in raw}
    data["units"] = raw.getlist("units")
    data["categories"] = raw.getlist("categories")
    return data


@router.post("/rounds/preview")
async def preview_letter(request: Request, user: Staff) -> Response:
    form = await _form(request)
    check_csrf(user, str(form.get("csrf_token") or ""))
    from documents.html_writer import render_html
    from workflow.categories import parse_category
    from workflow.doc_number import parse_doc_number

    with new_uow(request) as uow:
        office = uow.directory.configured_office(settings_of(request).office_name)
        cmd = _start_command(request, form, office_id_of(request, uow))
        draft = uow.drafts.get(cmd.draft_id)
        units = list(uow.directory.units())
        categories = {parse_category(c).value for c in cmd.categories}
        categories |= {u.category for u in units if u.name in cmd.unit_names}
    doc = letter_document(
        draft_title=draft.title if draft else "",
        office_name=office.name if office else "",
        office_short=office.short_name if office else "",
        doc_number=str(parse_doc_number(cmd.doc_number)),
        deadline=cmd.deadline,
        letter_date=cmd.letter_date or to_beijing(clock_of(request).now()).date(),
        contact=cmd.contact,
        phone=cmd.phone,
        basis=cmd.basis,
        requirements=cmd.requirements,
        categories=categories or {"member_unit"},
    )
    return Response(render_html(doc), media_type="text/html; charset=utf-8")


@router.post("/rounds")
async def create_round(request: Request, user: Staff) -> Response:
    form = await _form(request)
    check_csrf(user, str(form.get("csrf_token") or ""))
    with new_uow(request) as uow:
        cmd = _start_command(request, form, office_id_of(request, uow))
    with new_uow(request) as uow:
        started = start_round(uow, clock_of(request), user.actor, cmd)
    url = f"/rounds/{started.round_id}"
    if started.without_address:
        return RedirectResponse(f"{url}?ok=round_started&warn=no_address", status_code=303)
    return back(url, "round_started")


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
    if scan is not None and getattr(scan, "filename", ""):
        data = await scan.read(10 * 1024 * 1024 + 1)  # type: ignore[union-attr]
        attachment = ScanFile(scan.filename, scan.content_type or "", data)  # type: ignore[union-attr]
    received = str(raw.get("received_at") or "").strip()
    rows = comment_rows(raw.getlist("target"), raw.getlist("text"), raw.getlist("basis"), raw.getlist("reason"))  # type: ignore[arg-type]
    cmd = SubmitReply(
        round_id=round_id,
        unit_name=str(raw.get("unit") or ""),
        no_comments=bool(raw.get("no_comments")),
        comments=[] if raw.get("no_comments") else rows,
        channel="paper",
        received_at=parse_instant(received) if received else None,
        sealed=bool(raw.get("sealed")),
        attachment=attachment,
    )
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
    try:
        at = parse_instant(deadline)
    except ValueError:
        raise InvalidInput("DATETIME_INVALID", "截止时间格式不正确。") from None
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


MEDIA = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "zip": "application/zip",
}


@router.get("/rounds/{round_id}/documents/{kind}.{fmt}")
def document(request: Request, round_id: int, kind: str, fmt: str, user: AnyUser, unit: str | None = None) -> Response:
    with new_uow(request) as uow:
        rendered = render_report(uow, round_id, kind, fmt, unit=unit)
    filename = rendered.filename or f"{kind}.{rendered.format}"
    disposition = "inline" if rendered.format in ("html",) else "attachment"
    return Response(
        rendered.data,
        media_type=MEDIA.get(rendered.format, "application/octet-stream"),
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}"},
    )


@router.get("/attachments/{attachment_id}")
def attachment(request: Request, attachment_id: int, user: AnyUser) -> Response:
    from workflow.errors import NotFound

    with new_uow(request) as uow:
        row = uow.accounts.attachment(attachment_id)
        if row is None:
            raise NotFound("ATTACHMENT_NOT_FOUND", "附件不存在。")
        data, name, ctype, digest = row.data, row.filename, row.content_type, row.sha256
    return Response(
        data,
        media_type=ctype,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}", "X-Content-SHA256": digest},
    )


@router.get("/units")
def units_page(request: Request, user: Staff) -> Response:
    with new_uow(request) as uow:
        units = list(uow.directory.units(active_only=False))
    import json

    return page(
        request,
        "units.html",
        user,
        units=units,
        aliases={u.id: "；".join(json.loads(u.aliases or "[]")) for u in units},
    )


@router.post("/units/import")
async def units_import(
    request: Request, user: Staff, csrf_token: Annotated[str, Form()], file: Annotated[UploadFile, File()]
) -> Response:
    check_csrf(user, csrf_token)
    data = await read_upload(file, UNIT_SUFFIXES)
    records = parse_units_file(file.filename or "units.csv", data or b"")
    with new_uow(request) as uow:
        import_units(uow, clock_of(request), user.actor, records)
    return back("/units", "units_imported")


@router.post("/units/{unit_id}")
def unit_save(
    request: Request,
    unit_id: int,
    user: Staff,
    csrf_token: Annotated[str, Form()],
    name: Annotated[str, Form()],
    category: Annotated[str, Form()],
    aliases: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    webhook: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(user, csrf_token)
    with new_uow(request) as uow:
        update_unit(
            uow,
            clock_of(request),
            user.actor,
            unit_id,
            name=name,
            category=category,
            aliases=aliases,
            contact=contact,
            phone=phone,
            email=email,
            webhook=webhook,
        )
    return back("/units", "unit_saved")
