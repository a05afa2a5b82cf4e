"""The round page and its actions: paper replies, deadline changes, late replies, links, revision, withdrawal
(印发 and the signed final document are in ``pages_issue``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.datastructures import UploadFile as StarletteUploadFile

from entrypoints.web.deps import AnyUser, ClockDep, Id, ReadUowDep, RulesDep, SettingsDep, StaffWrite, UowDep
from entrypoints.web.forms import form_comment_rows, parsed_reply_form, store_uploaded_revision
from entrypoints.web.pages_common import back, page
from kernel.clock import Clock
from kernel.errors import InvalidInput, NotFound
from kernel.timefmt import read_instant, to_beijing
from states.recipient import RECIPIENT_MACHINE
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.doc_types import DocTypes
from workflow.services.audit_view import audit_lines
from workflow.services.deadline_spec import DeadlineSpec, resolve_deadline
from workflow.services.draft_items import round_draft
from workflow.services.links import revoke_link
from workflow.services.process_view import process_status
from workflow.services.recipients import recipient_in_round
from workflow.services.replies import ScanFile, SubmitReply, admit_late_reply, submit_reply
from workflow.services.round_view import STATE_FILTERS, round_page_view
from workflow.services.rounds import change_deadline
from workflow.services.schedule_view import next_actions
from workflow.services.versions import unapplied_adoptions
from workflow.services.withdrawal import withdraw

router = APIRouter(include_in_schema=False)


@router.get("/rounds/{round_id}")
def round_page(
    request: Request,
    round_id: Id,
    user: AnyUser,
    uow: ReadUowDep,
    clock: ClockDep,
    settings: SettingsDep,
    rules: RulesDep,
    tab: str = "overview",
    state: str = "",
    p: int = 1,
) -> Response:
    context = round_context(uow, clock, settings, rules, round_id, tab, state=state, page_no=p)
    return page(request, "round.html", user, **context)


def round_context(
    uow: UnitOfWork,
    clock: Clock,
    settings: Settings,
    rules: DocTypes,
    round_id: int,
    tab: str = "overview",
    *,
    state: str = "",
    page_no: int = 1,
) -> dict[str, object]:
    """Everything the round page shows; also used to show it again with a refused form's problems.
    ``tab``: overview, audit, or all (both, every unit and every folded reply open: what 打印全部 prints);
    the overview shows one page (``page_no``) of the units, of one ``state`` if given."""
    tab = tab if tab in ("overview", "audit", "all") else "overview"
    view = round_page_view(uow, round_id, state=state, page=page_no, everything=tab == "all")
    undeliverable = view["undeliverable"]
    # only units: a notice to the office itself (the review result) has no unit to name
    offline = "以下单位未登记邮箱或 webhook，通知需线下送达：" + "、".join(undeliverable)
    return {
        "s": view,
        "replies": view["replies"],
        "by_reply": view["by_reply"],
        "attachments": view["attachments"],
        "actions": next_actions(uow, clock, settings, round_id),
        "events": audit_lines(uow, round_id) if tab in ("audit", "all") else [],
        "tab": tab,
        "warning": offline if undeliverable else None,
        "flagged": unapplied_adoptions(uow, round_id),
        "now_local": to_beijing(clock.now()).strftime("%Y-%m-%dT%H:%M"),
        "process": process_status(uow, round_id, rules),
        "doc_types": rules.all(),
        "target_options": _target_options(uow, round_id),
        "anchors": view["anchors"],
        "versions": _versions(uow, view["round"]["draft_id"]),
        "public": uow.public.consultation_for_round(round_id),
        "signed": uow.process.signed_documents(round_id),
        "recipient_states": [(st, RECIPIENT_MACHINE.label(st)) for st in STATE_FILTERS],
    }


def _versions(uow: UnitOfWork, draft_id: int) -> list[int]:
    return [v.version for v in uow.drafts.versions(draft_id)]


def _target_options(uow: UnitOfWork, round_id: int) -> list[tuple[str, str]]:
    """The 条目 choices of the paper-reply form: the items of the version the round asked about."""
    rnd = uow.rounds.get(round_id)
    return round_draft(uow, rnd.draft_id, rnd.version).targets if rnd else [("全文", "全文")]


@router.post("/rounds/{round_id}/paper-reply")
async def paper_reply(request: Request, round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep) -> Response:
    raw = await request.form()
    scan = raw.get("scan")
    attachment = None
    if isinstance(scan, StarletteUploadFile) and scan.filename:  # what request.form() gives (FastAPI's is a subclass)
        attachment = ScanFile(scan.filename, scan.content_type or "", await scan.read(10 * 1024 * 1024 + 1))
    received = str(raw.get("received_at") or "").strip()
    rows = form_comment_rows(raw)
    no_comments = bool(raw.get("no_comments"))
    cmd = SubmitReply(
        round_id=round_id,
        unit_name=str(raw.get("unit") or ""),
        no_comments=no_comments,
        comments=[] if no_comments else rows,
        channel=str(raw.get("channel") or "paper"),
        received_at=read_instant(received, "收到时间") if received else None,
        sealed=bool(raw.get("sealed")),
        attachment=attachment,
    )
    filled = raw.get("form_docx")
    if isinstance(filled, StarletteUploadFile) and filled.filename:
        if rows or no_comments:
            raise InvalidInput("REPLY_FORM_AND_ROWS", "已上传回复表时，请不要再在下方表格中填写意见或勾选无修改意见。")
        cmd = await parsed_reply_form(cmd, filled)
    submit_reply(uow, clock, user.actor, cmd)
    return back(f"/rounds/{round_id}", "reply_saved")


@router.post("/rounds/{round_id}/deadline")
def move_deadline(
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    deadline: Annotated[str, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    at = resolve_deadline(DeadlineSpec(deadline_text=deadline), clock, settings.section("calendar")).at
    change_deadline(uow, clock, user.actor, round_id, at, reason)
    return back(f"/rounds/{round_id}", "deadline_changed")


@router.post("/rounds/{round_id}/admit/{reply_id}")
def admit(
    round_id: Id,
    reply_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    reason: Annotated[str, Form()] = "",
) -> Response:
    reply = uow.replies.get(reply_id)
    if reply is None or reply.round_id != round_id:
        raise NotFound("REPLY_NOT_FOUND", f"本轮没有编号为 {reply_id} 的回复。", reply_id=reply_id)
    admit_late_reply(uow, clock, user.actor, reply_id, reason)
    return back(f"/rounds/{round_id}", "admitted")


@router.post("/rounds/{round_id}/links/{recipient_id}/revoke")
def revoke(
    round_id: Id, recipient_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> Response:
    recipient_in_round(uow, round_id, recipient_id)
    revoke_link(uow, clock, user.actor, recipient_id, secret=settings.secret_key)
    return back(f"/rounds/{round_id}", "link_revoked")


@router.post("/rounds/{round_id}/revise")
async def revise(
    round_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    file: Annotated[UploadFile, File()],
    note: Annotated[str, Form()] = "",
    back_to: Annotated[str, Form()] = "",
) -> Response:
    rnd = uow.rounds.get(round_id)
    await store_uploaded_revision(uow, clock, user, file, draft_id=rnd.draft_id if rnd else 0, note=note)
    return back(f"/rounds/{round_id}{'/decisions' if back_to == 'decisions' else ''}", "revised")


@router.post("/rounds/{round_id}/withdraw")
def withdraw_page(
    round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, reason: Annotated[str, Form()] = ""
) -> Response:
    withdraw(uow, clock, user.actor, round_id, reason)
    return back(f"/rounds/{round_id}", "withdrawn")
