"""Staff's side of a public consultation: the moderation queue (publish, or hide with a reason from the
office's list; flagged comments marked), the groups (merge, split), decisions per group (also on the
采纳决定 page) and the exports. Names and contacts are shown to staff only, here."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from entrypoints.web.deps import ClockDep, Id, SettingsDep, Staff, StaffWrite, UowDep
from entrypoints.web.forms import form_id
from entrypoints.web.pages_common import back, page
from kernel.errors import InvalidInput
from states.public_comment import CHANNEL_LABELS, KIND_LABELS, MODERATION_MACHINE
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.public.consultations import for_round
from workflow.public.decisions import DecideGroup, decide_group, group_views, public_counts
from workflow.public.exports import comments_csv, comments_xlsx
from workflow.public.grouping import assign_groups, merge_groups, split_group
from workflow.public.moderation import moderate
from workflow.public.policy import round_policy

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def public_queue(uow: UnitOfWork, clock: ClockDep, user: Staff, settings: Settings, round_id: int) -> dict[str, object]:
    """What the 采纳决定 page shows of the public: its groups with their decisions (new comments grouped first)."""
    if uow.public.consultation_for_round(round_id) is None:
        return {"groups": [], "total": 0, "undecided": 0, "unmoderated": 0, "present": False}
    assign_groups(uow, clock, user.actor, round_id, round_policy(uow, settings.section("public"), round_id))
    total, undecided, _missing = public_counts(uow, round_id)
    return {
        "groups": group_views(uow, round_id),
        "total": total,
        "undecided": undecided,
        "unmoderated": uow.public.unmoderated(round_id),
        "present": True,
    }


@router.get("/rounds/{round_id}/public")
def public_staff_page(
    request: Request, round_id: Id, user: Staff, uow: UowDep, clock: ClockDep, settings: SettingsDep, only: str = ""
) -> Response:
    consultation = for_round(uow, round_id)
    policy = round_policy(uow, settings.section("public"), round_id)
    queue = public_queue(uow, clock, user, settings, round_id)
    comments = uow.public.comments(round_id)
    contacts = uow.public.contacts([c.id or 0 for c in comments])
    rows = [
        {
            "c": c,
            "kind_label": KIND_LABELS.get(c.kind, c.kind),
            "channel_label": CHANNEL_LABELS.get(c.channel, c.channel),
            "state_label": MODERATION_MACHINE.label(c.state),
            "flags": json.loads(c.flagged or "[]"),
            "contact": contacts.get(c.id or 0),
        }
        for c in comments
        if not only or c.state == only
    ]
    rnd = uow.rounds.get(round_id)
    return page(
        request,
        "public_staff.html",
        user,
        consultation=consultation,
        rnd=rnd,
        rows=rows,
        q=queue,
        hide_reasons=policy.hide_reasons,
        only=only,
    )


@router.post("/rounds/{round_id}/public/moderate")
async def public_moderate(
    request: Request, round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> Response:
    raw = await request.form()
    ids = [form_id(x, "意见编号") or 0 for x in raw.getlist("comment_id")]
    if not ids:
        raise InvalidInput("COMMENTS_NOT_SELECTED", "请至少选择一条意见。")
    publish = raw.get("action") == "publish"
    policy = round_policy(uow, settings.section("public"), round_id)
    reason = str(raw.get("reason") or "")
    for comment_id in ids:
        moderate(uow, clock, user.actor, comment_id, publish=publish, reason=reason, policy=policy, commit=False)
    uow.commit()
    return back(f"/rounds/{round_id}/public", "moderated")


@router.post("/rounds/{round_id}/public/merge")
async def public_merge(request: Request, round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep) -> Response:
    raw = await request.form()
    ids = [form_id(x, "意见组编号") or 0 for x in raw.getlist("group_id")]
    if len(ids) < 2:
        raise InvalidInput("PUBLIC_GROUPS_REQUIRED", "请至少选择两个意见组合并。")
    merge_groups(uow, clock, user.actor, ids[0], ids[1:])
    return back(f"/rounds/{round_id}/public", "merged")


@router.post("/rounds/{round_id}/public/split")
async def public_split(request: Request, round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep) -> Response:
    raw = await request.form()
    group = form_id(raw.get("group_id"), "意见组编号") or 0
    ids = [form_id(x, "意见编号") or 0 for x in raw.getlist("comment_id")]
    split_group(uow, clock, user.actor, group, ids)
    return back(f"/rounds/{round_id}/public", "split")


@router.post("/rounds/{round_id}/public/decisions")
async def public_decide(request: Request, round_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep) -> Response:
    raw = await request.form()
    ids = [form_id(x, "意见组编号") or 0 for x in raw.getlist("group_id")]
    if not ids:
        raise InvalidInput("COMMENTS_NOT_SELECTED", "请至少选择一个意见组。")
    outcome, reason = str(raw.get("outcome") or ""), str(raw.get("reason") or "")
    for group_id in ids:  # each decision commits on its own, as deciding them one by one would
        decide_group(uow, clock, user.actor, DecideGroup(group_id, outcome, reason))
    return back(f"/rounds/{round_id}/decisions", "decided")


@router.get("/rounds/{round_id}/public/comments.{fmt}")
def public_export(round_id: Id, fmt: str, user: Staff, uow: UowDep, clock: ClockDep, settings: SettingsDep) -> Response:
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("EXPORT_FORMAT_INVALID", "导出格式须为 csv 或 xlsx。")
    for_round(uow, round_id)
    assign_groups(uow, clock, user.actor, round_id, round_policy(uow, settings.section("public"), round_id))
    data = comments_csv(uow, round_id) if fmt == "csv" else comments_xlsx(uow, round_id)
    media = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    disposition = f'attachment; filename="public-comments-{round_id}.{fmt}"'
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})
