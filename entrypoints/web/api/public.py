"""向社会公开征求意见: the public's side (no account: list, read, comment, receipt, feedback) and staff's
(open, comments, groups, moderation, decisions per group, merge/split, export, purge)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from entrypoints.web.api.public_models import (
    Anchor,
    ConsultationRow,
    ConsultationView,
    FeedbackView,
    GroupDecided,
    GroupDecisionBody,
    MergeBody,
    Moderated,
    ModerationBody,
    OpenBody,
    Opened,
    PublicCommentBody,
    PublicCommentRow,
    PublicGroupRow,
    Purged,
    ReceiptIssued,
    ReceiptView,
    SplitBody,
    StaffCommentBody,
)
from entrypoints.web.deps import (
    ClockDep,
    Id,
    ReadUowDep,
    RulesDep,
    SettingsDep,
    Staff,
    StaffWrite,
    UowDep,
    client_of,
    office_id_of,
)
from kernel.errors import InvalidInput
from kernel.timefmt import iso_beijing, read_instant
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.public.consultations import PublicTerms, for_round, public_draft, public_listing
from workflow.public.decisions import DecideGroup, decide_group, group_views
from workflow.public.exports import comments_csv, comments_xlsx
from workflow.public.feedback import lookup_receipt, public_feedback
from workflow.public.grouping import assign_groups, merge_groups, split_group
from workflow.public.intake import PublicClient, PublicCommentInput, record_public_comment, submit_public_comment
from workflow.public.moderation import moderate
from workflow.public.opening import OpenPublic, open_public
from workflow.public.policy import PublicPolicy, consultation_policy, office_policy, round_policy
from workflow.public.purge import purge_contacts
from workflow.services.deadline_spec import DeadlineSpec, resolve_deadline

router = APIRouter(tags=["向社会公开征求意见"])
Receipt = Annotated[str, Path(min_length=1, max_length=40, description="回执号，如 GK-XXXX-XXXX-XXXX")]


# -- helpers ------------------------------------------------------------------------------------------
def _client(request: Request) -> PublicClient:
    return PublicClient(client_of(request), request.app.state.secret)


def _input(body: PublicCommentBody) -> PublicCommentInput:
    return PublicCommentInput(
        kind=body.kind, text=body.text, target=body.target, basis=body.basis, reason=body.reason,
        name=body.name, contact=body.contact, honeypot=body.website,
    )


# -- the public ---------------------------------------------------------------------------------------
@router.get("/public/consultations")
def api_public_list(uow: ReadUowDep, clock: ClockDep, rules: RulesDep) -> list[ConsultationRow]:
    """意见征集: every open consultation of every office on this server."""
    return [ConsultationRow(**row) for row in public_listing(uow, clock, rules=rules)]


@router.get("/public/consultations/{consultation_id}")
def api_public_draft(consultation_id: Id, uow: ReadUowDep, clock: ClockDep, rules: RulesDep) -> ConsultationView:
    return ConsultationView(**public_draft(uow, clock, consultation_id, rules=rules))


@router.post("/public/consultations/{consultation_id}/comments", status_code=201)
def api_public_comment(
    request: Request, consultation_id: Id, body: PublicCommentBody, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> ReceiptIssued:
    """A comment without an account; keep the receipt number to look up the outcome."""
    policy = consultation_policy(uow, settings.section("public"), consultation_id)
    uow.rollback()
    stored = submit_public_comment(uow, clock, consultation_id, _input(body), _client(request), policy)
    return ReceiptIssued(receipt=stored.receipt, folded=stored.folded)


@router.get("/public/receipts/{receipt}")
def api_receipt(request: Request, receipt: Receipt, uow: UowDep, clock: ClockDep, settings: SettingsDep) -> ReceiptView:
    policy = PublicPolicy.from_mapping(settings.section("public"))
    return ReceiptView(**lookup_receipt(uow, clock, receipt, _client(request), policy))


@router.get("/public/consultations/{consultation_id}/feedback")
def api_feedback(consultation_id: Id, uow: ReadUowDep, clock: ClockDep) -> FeedbackView:
    """采纳情况, once the outcome is final (``final`` false until then)."""
    data: dict[str, Any] = public_feedback(uow, clock, consultation_id)
    return FeedbackView(**data)


# -- staff --------------------------------------------------------------------------------------------
@router.post("/public/consultations", status_code=201)
def api_open(
    body: OpenBody, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep, rules: RulesDep
) -> Opened:
    resolved = resolve_deadline(DeadlineSpec(body.until), clock, settings.section("calendar"))
    cmd = OpenPublic(
        draft_id=body.draft_id,
        office_id=office_id_of(user),
        until=resolved.at,
        terms=PublicTerms(body.explanation, body.contact_info),
        doc_number=body.doc_number,
        shorten_reason=body.shorten_reason,
        deadline_warning=resolved.warning,
    )
    result = open_public(uow, clock, user.actor, cmd, secret=settings.secret_key, rules=rules)
    opened = result.consultation_id or 0
    return Opened(round_id=result.round_id, consultation_id=opened, deadline=iso_beijing(result.deadline))


def _grouped(uow: UnitOfWork, clock: ClockDep, user: Any, settings: Settings, round_id: int) -> None:
    for_round(uow, round_id)
    assign_groups(uow, clock, user.actor, round_id, round_policy(uow, settings.section("public"), round_id))


@router.get("/rounds/{round_id}/public/comments")
def api_comments(
    round_id: Id, user: Staff, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> list[PublicCommentRow]:
    _grouped(uow, clock, user, settings, round_id)
    return [
        PublicCommentRow(
            id=c.id or 0, receipt=c.receipt, kind=c.kind, target=c.target,
            anchor=Anchor(key=c.anchor_key, label=c.anchor_label, version=c.anchor_version) if c.anchor_key else None,
            text=c.text, status=c.state, group_id=c.group_id,
        )
        for c in uow.public.comments(round_id)
    ]


@router.get("/rounds/{round_id}/public/groups")
def api_groups(
    round_id: Id, user: Staff, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> list[PublicGroupRow]:
    _grouped(uow, clock, user, settings, round_id)
    return [
        PublicGroupRow(group_id=g["group_id"], size=g["size"], sample=g["sample"], decision=g["decision"])
        for g in group_views(uow, round_id)
    ]


@router.post("/rounds/{round_id}/public/comments", status_code=201)
def api_staff_comment(
    round_id: Id, body: StaffCommentBody, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> ReceiptIssued:
    """A comment received by letter, e-mail or fax, entered by staff."""
    at = read_instant(body.received_at, "收到时间") if body.received_at else None
    policy = round_policy(uow, settings.section("public"), round_id)
    stored = record_public_comment(
        uow, clock, user.actor, round_id, _input(body), policy, channel=body.channel, received_at=at
    )
    return ReceiptIssued(receipt=stored.receipt, folded=False)


@router.post("/public/comments/{comment_id}/moderation")
def api_moderate(
    comment_id: Id, body: ModerationBody, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> Moderated:
    found = uow.public.comment(comment_id)
    policy = round_policy(uow, settings.section("public"), found.round_id if found else 0)
    row = moderate(uow, clock, user.actor, comment_id, publish=body.publish, reason=body.reason, policy=policy)
    return Moderated(comment_id=comment_id, status=row.state, reason=row.moderation_reason)


@router.post("/public/groups/{group_id}/decision")
def api_decide_group(
    group_id: Id, body: GroupDecisionBody, user: StaffWrite, uow: UowDep, clock: ClockDep
) -> GroupDecided:
    row = decide_group(uow, clock, user.actor, DecideGroup(group_id, body.outcome, body.reason))
    return GroupDecided(group_id=group_id, decision=row.outcome, reason=row.reason)


@router.post("/public/groups/{group_id}/merge")
def api_merge(group_id: Id, body: MergeBody, user: StaffWrite, uow: UowDep, clock: ClockDep) -> GroupDecided:
    row = merge_groups(uow, clock, user.actor, group_id, body.group_ids)
    return GroupDecided(group_id=row.id or 0, decision=row.outcome, reason=row.reason)


@router.post("/public/groups/{group_id}/split")
def api_split(group_id: Id, body: SplitBody, user: StaffWrite, uow: UowDep, clock: ClockDep) -> GroupDecided:
    row = split_group(uow, clock, user.actor, group_id, body.comment_ids)
    return GroupDecided(group_id=row.id or 0, decision=row.outcome, reason=row.reason)


@router.get("/rounds/{round_id}/public/export", response_class=Response)
def api_export(
    round_id: Id, user: Staff, uow: UowDep, clock: ClockDep, settings: SettingsDep, format: str = "csv"
) -> Response:
    """Every public comment with its group and decision (no names or contacts), as CSV or XLSX."""
    if format not in ("csv", "xlsx"):
        raise InvalidInput("EXPORT_FORMAT_INVALID", "导出格式须为 csv 或 xlsx。")
    _grouped(uow, clock, user, settings, round_id)
    if format == "csv":
        data, media = comments_csv(uow, round_id), "text/csv; charset=utf-8"
    else:
        data, media = comments_xlsx(uow, round_id), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    name = f"public-comments-{round_id}.{format}"
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/public/purge")
def api_purge(user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep) -> Purged:
    section = settings.section("public")
    result = purge_contacts(
        uow, clock, user.actor, lambda office_id: office_policy(uow, section, office_id).contact_retention_days
    )
    return Purged(purged=int(str(result["purged"])), rounds=[int(r) for r in result["rounds"]])  # type: ignore[attr-defined]
