"""JSON API under /api/v1: every action the pages offer, with the CLI's error codes.

Authentication is the same server-side session as the pages (POST /session); unsafe methods must
send the session's CSRF token in the ``X-CSRF-Token`` header. Unit replies use the personal link.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Request, Response, UploadFile

from entrypoints.web.api_bodies import (
    AdmitBody,
    DeadlineBody,
    DecisionBody,
    IssueBody,
    LinkReplyBody,
    LoginBody,
    ReplyBody,
    ReviewBody,
    StartBody,
    UnitPatch,
    WithdrawBody,
    comment_inputs,
)
from entrypoints.web.deps import (
    SESSION_COOKIE,
    AnyUser,
    Forbidden,
    Reviewer,
    Staff,
    check_csrf,
    clock_of,
    limit_link,
    limit_rate,
    new_uow,
    office_id_of,
    settings_of,
)
from entrypoints.web.forms import UNIT_SUFFIXES, read_upload, store_uploaded_draft, store_uploaded_revision
from entrypoints.web.pages_auth import set_session_cookie
from kernel.errors import InvalidInput
from kernel.timefmt import cn_datetime, iso_beijing, parse_instant, read_instant, to_beijing
from workflow.calendar import read_deadline
from workflow.parsing.units_file import parse_units_file
from workflow.reports.adoption import adoption_table
from workflow.services import decisions as decision_service
from workflow.services.accounts import login, logout
from workflow.services.audit import export_events, verify
from workflow.services.dashboard import dashboard
from workflow.services.issuance import issue
from workflow.services.links import resolve_link
from workflow.services.queries import list_rounds, round_status
from workflow.services.replies import SubmitReply, admit_late_reply, submit_reply, with_form
from workflow.services.review import record_review, submit_review
from workflow.services.rounds import StartRound, change_deadline, start_round
from workflow.services.units import import_units, unit_summary, update_unit

router = APIRouter()
Csrf = Annotated[str | None, Header(alias="X-CSRF-Token")]


def _deadline(request: Request, text: str) -> Any:
    return read_deadline(text, settings_of(request).section("calendar"))


@router.post("/session", tags=["会话"])
def api_login(request: Request, response: Response, body: LoginBody) -> dict[str, Any]:
    limit_rate(request, request.app.state.login_rule, body.username)
    with new_uow(request) as uow:
        started = login(uow, clock_of(request), body.username, body.password)
        user = uow.accounts.user(started.user_id)
    set_session_cookie(request, response, started.token)
    return {
        "csrf_token": started.csrf_token,
        "user": {"username": user.username if user else "", "role": user.role if user else ""},
    }


@router.delete("/session", tags=["会话"])
def api_logout(request: Request, user: AnyUser, x_csrf_token: Csrf = None) -> dict[str, bool]:
    check_csrf(user, x_csrf_token)
    with new_uow(request) as uow:
        logout(uow, clock_of(request), user, request.cookies.get(SESSION_COOKIE, ""))
    return {"ok": True}


@router.get("/dashboard", tags=["征求意见"])
def api_dashboard(request: Request, user: Staff) -> dict[str, Any]:
    with new_uow(request) as uow:
        data = dashboard(uow, clock_of(request), request.app.state.health_policy)
    return {
        "totals": data["totals"],
        "problems": data["problems"],
        "rounds": [
            {
                "round_id": r["round"].id,
                "doc_number": r["round"].doc_number,
                "state": r["round"].state,
                "draft_state": r["draft"].state if r["draft"] else None,
                "deadline": iso_beijing(r["round"].deadline),
                "silent": r["silent"],
                "undecided": r["undecided"],
                "time_left": r["time_left_text"],
            }
            for r in data["rounds"]
        ],
    }


@router.get("/rounds", tags=["征求意见"])
def api_rounds(request: Request, user: AnyUser) -> list[dict[str, Any]]:
    with new_uow(request) as uow:
        return list_rounds(uow)


@router.get("/rounds/{round_id}", tags=["征求意见"])
def api_round(request: Request, round_id: int, user: AnyUser) -> dict[str, Any]:
    with new_uow(request) as uow:
        return round_status(uow, round_id)


@router.post("/drafts", tags=["文稿"])
async def api_draft(
    request: Request,
    user: Staff,
    title: Annotated[str, Form()],
    issuer: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    x_csrf_token: Csrf = None,
) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    stored = await store_uploaded_draft(request, user, file, title=title, issuer=issuer)
    return {"draft_id": stored.draft_id, "version": stored.version, "tasks": stored.tasks}


@router.post("/drafts/{draft_id}/versions", tags=["文稿"])
async def api_revise(
    request: Request,
    draft_id: int,
    user: Staff,
    file: Annotated[UploadFile, File()],
    note: Annotated[str, Form()] = "",
    x_csrf_token: Csrf = None,
) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    stored = await store_uploaded_revision(request, user, file, draft_id=draft_id, note=note)
    return {"draft_id": stored.draft_id, "version": stored.version, "tasks": stored.tasks}


@router.get("/workdays", tags=["工作日"])
def api_workdays(request: Request, user: Staff, add: int, start: date | None = None) -> dict[str, Any]:
    from workflow.calendar import CalendarConfig, WorkCalendar, deadline_after_workdays

    calendar = WorkCalendar(CalendarConfig.from_mapping(settings_of(request).section("calendar")))
    begin = start or to_beijing(clock_of(request).now()).date()
    at, result = deadline_after_workdays(begin, add, calendar)
    return {
        "from": begin.isoformat(),
        "add": add,
        "date": result.end.isoformat(),
        "deadline": iso_beijing(at),
        "deadline_text": cn_datetime(at),
        "reasoning": result.reasoning_zh(),
        "warnings": list(result.warnings),
    }


@router.post("/rounds", tags=["征求意见"], status_code=201)
def api_start(request: Request, user: Staff, body: StartBody, x_csrf_token: Csrf = None) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    warning = ""
    if (body.deadline is None) == (body.workdays is None):
        raise InvalidInput("DEADLINE_REQUIRED", "请指定 deadline 或 workdays 之一。")
    if body.workdays is not None:
        data = api_workdays(request, user, body.workdays)
        deadline, warning = parse_instant(data["deadline"]), "；".join(data["warnings"])
    else:
        deadline = _deadline(request, body.deadline or "")
    with new_uow(request) as uow:
        started = start_round(
            uow,
            clock_of(request),
            user.actor,
            StartRound(
                draft_id=body.draft_id,
                office_id=office_id_of(request, uow),
                doc_number=body.doc_number,
                deadline=deadline,
                contact=body.contact,
                phone=body.phone,
                unit_names=body.units,
                categories=body.categories,
                all_units=body.all_units,
                letter_date=body.letter_date,
                basis=body.basis,
                requirements=body.requirements,
                deadline_warning=warning,
            ),
        )
    return {
        "round_id": started.round_id,
        "deadline": iso_beijing(started.deadline),
        "recipients": started.recipients,
        "without_address": started.without_address,
    }


@router.post("/rounds/{round_id}/deadline", tags=["征求意见"])
def api_deadline(
    request: Request, round_id: int, user: Staff, body: DeadlineBody, x_csrf_token: Csrf = None
) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    with new_uow(request) as uow:
        row = change_deadline(
            uow, clock_of(request), user.actor, round_id, _deadline(request, body.deadline), body.reason
        )
    return {"round_id": round_id, "deadline": iso_beijing(row.deadline)}


@router.post("/rounds/{round_id}/replies", tags=["回复"], status_code=201)
def api_reply(
    request: Request, round_id: int, user: Staff, body: ReplyBody, x_csrf_token: Csrf = None
) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    with new_uow(request) as uow:
        stored = submit_reply(
            uow,
            clock_of(request),
            user.actor,
            SubmitReply(
                round_id=round_id,
                unit_name=body.unit,
                no_comments=body.no_comments,
                comments=comment_inputs(body.comments),
                channel=body.channel,
                received_at=read_instant(body.received_at, "收到时间") if body.received_at else None,
                sealed=body.sealed,
            ),
        )
    return {"reply_id": stored.reply_id, "late": stored.late, "revision": stored.revision, "state": stored.state}


@router.post("/rounds/{round_id}/replies/form", tags=["回复"], status_code=201)
async def api_reply_form(
    request: Request,
    round_id: int,
    user: Staff,
    unit: Annotated[str, Form()],
    file: Annotated[UploadFile, File(description="单位填好的回复表（.docx）")],
    channel: Annotated[str, Form()] = "email",
    received_at: Annotated[str, Form()] = "",
    sealed: Annotated[bool, Form()] = False,
    x_csrf_token: Csrf = None,
) -> dict[str, Any]:
    """Register a reply from a unit's filled-in Word 回复表; the file is kept with its SHA-256."""
    check_csrf(user, x_csrf_token)
    received = read_instant(received_at, "收到时间") if received_at else None
    base = SubmitReply(round_id=round_id, unit_name=unit, channel=channel, received_at=received, sealed=sealed)
    cmd = with_form(base, file.filename or "", await read_upload(file, (".docx",)) or b"")
    with new_uow(request) as uow:
        stored = submit_reply(uow, clock_of(request), user.actor, cmd)
    return {
        "reply_id": stored.reply_id,
        "late": stored.late,
        "revision": stored.revision,
        "state": stored.state,
        "comments": len(cmd.comments),
    }


@router.post("/rounds/{round_id}/recipients/{recipient_id}/revoke-link", tags=["单位回复"])
def api_revoke(
    request: Request, round_id: int, recipient_id: int, user: Staff, x_csrf_token: Csrf = None
) -> dict[str, Any]:
    from workflow.services.links import revoke_link

    check_csrf(user, x_csrf_token)
    with new_uow(request) as uow:
        recipient = uow.rounds.recipient_by_id(recipient_id)
        if recipient is None or recipient.round_id != round_id:
            raise InvalidInput("LINK_NOT_FOUND", "该单位不是本轮的征求对象。")
        revoke_link(uow, clock_of(request), user.actor, recipient_id)
    return {"recipient_id": recipient_id, "revoked": True}


@router.post("/replies/{reply_id}/admit", tags=["回复"])
def api_admit(
    request: Request, reply_id: int, user: Staff, body: AdmitBody, x_csrf_token: Csrf = None
) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    with new_uow(request) as uow:
        admit_late_reply(uow, clock_of(request), user.actor, reply_id, body.reason)
    return {"reply_id": reply_id, "admitted": True}


@router.post("/comments/{comment_id}/decision", tags=["采纳决定"])
def api_decide(
    request: Request, comment_id: int, user: Staff, body: DecisionBody, x_csrf_token: Csrf = None
) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    with new_uow(request) as uow:
        row = decision_service.decide(
            uow,
            clock_of(request),
            user.actor,
            decision_service.Decide(comment_id, body.outcome, body.reason, body.change_task),
        )
    return {"comment_id": comment_id, "decision": row.outcome, "reason": row.reason}


@router.post("/rounds/{round_id}/submit-review", tags=["合法性审查"])
def api_submit(request: Request, round_id: int, user: Staff, x_csrf_token: Csrf = None) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    with new_uow(request) as uow:
        review = submit_review(uow, clock_of(request), user.actor, round_id)
    return {"round_id": round_id, "review_id": review.id, "state": "legality_review"}


@router.post("/rounds/{round_id}/review", tags=["合法性审查"])
def api_review(
    request: Request, round_id: int, user: Reviewer, body: ReviewBody, x_csrf_token: Csrf = None
) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    with new_uow(request) as uow:
        review = record_review(
            uow,
            clock_of(request),
            user.actor,
            round_id,
            approve=body.approve,
            reviewer=user.display_name,
            opinion=body.opinion,
        )
    return {"round_id": round_id, "review_id": review.id, "result": review.state}


@router.post("/rounds/{round_id}/issue", tags=["印发"])
def api_issue(
    request: Request, round_id: int, user: Staff, body: IssueBody, x_csrf_token: Csrf = None
) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    with new_uow(request) as uow:
        draft = issue(uow, clock_of(request), user.actor, round_id, body.doc_number)
    return {"round_id": round_id, "doc_number": draft.issued_doc_number, "state": draft.state}


@router.post("/rounds/{round_id}/withdraw", tags=["征求意见"])
def api_withdraw(
    request: Request, round_id: int, user: Staff, body: WithdrawBody, x_csrf_token: Csrf = None
) -> dict[str, Any]:
    from workflow.services.withdrawal import withdraw

    check_csrf(user, x_csrf_token)
    with new_uow(request) as uow:
        draft = withdraw(uow, clock_of(request), user.actor, round_id, body.reason)
    return {"round_id": round_id, "state": draft.state}


@router.get("/rounds/{round_id}/adoption", tags=["文书"])
def api_adoption(request: Request, round_id: int, user: AnyUser) -> dict[str, Any]:
    with new_uow(request) as uow:
        return adoption_table(uow, round_id)


@router.get("/rounds/{round_id}/audit", tags=["审计"])
def api_round_audit(request: Request, round_id: int, user: AnyUser) -> dict[str, Any]:
    with new_uow(request) as uow:
        return {"events": export_events(uow, round_id)}


@router.get("/audit/verify", tags=["审计"])
def api_verify(request: Request, user: AnyUser) -> dict[str, Any]:
    with new_uow(request) as uow:
        verdict = verify(uow)
    return {
        "ok": verdict.ok,
        "checked": verdict.checked,
        "first_bad_seq": verdict.first_bad_seq,
        "problem": verdict.problem,
    }


@router.get("/units", tags=["单位名录"])
def api_units(request: Request, user: AnyUser, include_inactive: bool = False) -> dict[str, Any]:
    with new_uow(request) as uow:
        return {"units": [unit_summary(u) for u in uow.directory.units(active_only=not include_inactive)]}


@router.get("/units/export", tags=["单位名录"])
def api_units_export(request: Request, user: Staff, format: str = "xlsx") -> Response:
    """The directory as a file with the import's headers: edit it and import it again."""
    from entrypoints.web.pages_units import unit_file

    return unit_file(request, format)


@router.patch("/units/{unit_id}", tags=["单位名录"])
def api_unit_patch(
    request: Request, unit_id: int, body: UnitPatch, user: Staff, x_csrf_token: Csrf = None
) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    fields = body.model_dump(exclude_none=True, exclude={"active"})
    with new_uow(request) as uow:
        unit = update_unit(uow, clock_of(request), user.actor, unit_id, active=body.active, **fields)
        return unit_summary(unit)


@router.get("/attachments/{attachment_id}", tags=["文书"])
def api_attachment(request: Request, attachment_id: int, user: AnyUser) -> Response:
    """A scan of a sealed paper reply, with its SHA-256 in ``X-Content-SHA256``."""
    from entrypoints.web.pages_files import attachment

    return attachment(request, attachment_id, user)


@router.get("/rounds/{round_id}/documents/{kind}", tags=["文书"])
def api_document(
    request: Request, round_id: int, kind: str, user: AnyUser, format: str = "docx", unit: str | None = None
) -> Response:
    """The round's documents as files: letter, reply-form, adoption, explanation, review-package, audit."""
    from entrypoints.web.pages_files import document

    return document(request, round_id, kind, format, user, unit)


@router.post("/units/import", tags=["单位名录"])
async def api_units_import(
    request: Request, user: Staff, file: Annotated[UploadFile, File()], x_csrf_token: Csrf = None
) -> dict[str, Any]:
    check_csrf(user, x_csrf_token)
    records = parse_units_file(file.filename or "", await read_upload(file, UNIT_SUFFIXES) or b"")
    with new_uow(request) as uow:
        result = import_units(uow, clock_of(request), user.actor, records)
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


@router.get("/links/{token}", tags=["单位回复"])
def api_link(request: Request, token: str) -> dict[str, Any]:
    limit_link(request, token)
    with new_uow(request) as uow:
        target = resolve_link(uow, clock_of(request), token)
        recipient = uow.rounds.recipient_by_id(target.recipient_id)
        replies = uow.replies.for_recipient(target.recipient_id)
        comments = uow.replies.comments_of([r.id or 0 for r in replies])
        return {
            "round_id": target.round_id,
            "writable": target.writable,
            "state": recipient.state if recipient else None,
            "replies": [
                {
                    "revision": r.revision,
                    "kind": r.kind,
                    "late": r.late,
                    "received_at": iso_beijing(r.received_at),
                    "comments": [{"target": c.target, "text": c.text} for c in comments if c.reply_id == r.id],
                }
                for r in replies
            ],
        }


@router.post("/links/{token}/replies", tags=["单位回复"], status_code=201)
def api_link_reply(request: Request, token: str, body: LinkReplyBody) -> dict[str, Any]:
    from kernel.actors import Actor, Role

    limit_link(request, token)
    with new_uow(request) as uow:
        target = resolve_link(uow, clock_of(request), token)
        unit = uow.directory.unit(target.unit_id)
    if not target.writable:
        raise Forbidden("LINK_READ_ONLY", "征求意见已截止，回复链接只能查看，不能再提交。")
    with new_uow(request) as uow:
        stored = submit_reply(
            uow,
            clock_of(request),
            Actor(unit.name if unit else "回复单位", Role.unit),
            SubmitReply(
                round_id=target.round_id,
                unit_id=target.unit_id,
                no_comments=body.no_comments,
                comments=comment_inputs(body.comments),
            ),
        )
    return {"reply_id": stored.reply_id, "late": stored.late, "revision": stored.revision, "state": stored.state}
