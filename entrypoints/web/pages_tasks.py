"""Staff pages for tracking after issue: the supervision view (overdue items, silent units, supervised
items, names to map, the progress chart), importing a measures table, starting a month's round, each
unit's progress link (revoke and re-send), supervising (挂牌督办) and signing off (销号) an item, and the
documents."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from entrypoints.web.deps import ClockDep, Id, ReadUowDep, SettingsDep, Staff, StaffWrite, UowDep, office_id_of
from entrypoints.web.downloads import evidence_file, tracking_file
from entrypoints.web.forms import EVIDENCE_SUFFIXES, MEASURE_SUFFIXES, read_upload
from entrypoints.web.pages_common import NOTICES, back, page
from kernel.timefmt import read_instant
from states.tracked_item import TRACKED_ITEM_MACHINE
from workflow.parsing.due_dates import DueKind
from workflow.reports.tracking import progress_series, progress_summary
from workflow.services.progress import StartProgress, start_progress
from workflow.services.progress_links import load_progress_round, progress_links, request_in_round, revoke_progress_link
from workflow.services.tracking import ImportMeasures, close_item, import_measures, list_items, map_unit, supervise
from workflow.tracking.chart import progress_chart
from workflow.tracking.schedule import ProgressSettings, month_label, read_day

router = APIRouter(include_in_schema=False)
NOTICES.update(
    measures_imported="整改措施表已导入，请核对下方“需人工确认”的问题。",
    unit_mapped="单位对应关系已保存，相关事项已更新。",
    progress_started="本月进展报送已发起，请求已进入发送队列。",
    supervised="已挂牌督办。",
    closed="已销号。",
    progress_link_reissued="新的报送链接已生成，并随报送通知重新发送（单位已不能报送的，只更换链接）。",
    progress_link_revoked="报送链接已撤销，该单位暂时无法通过链接报送。",
)


@router.get("/tasks")
def tasks_page(request: Request, user: Staff, uow: ReadUowDep, clock: ClockDep) -> Response:
    office_id = office_id_of(user)
    overdue_only = request.query_params.get("overdue") == "1"
    items = list_items(uow, clock, office_id, overdue=overdue_only)
    rows = {i.id: i for i in uow.tracking.items(office_id)}
    tables = uow.tracking.tables(office_id)
    rounds = uow.tracking.rounds(office_id)
    summary = progress_summary(uow, clock, office_id) if rounds else None
    unresolved = sorted({name for r in rows.values() for name in json.loads(r.unresolved or "[]")})
    return page(
        request,
        "tasks.html",
        user,
        items=items,
        rows=rows,
        tables=tables,
        problems=json.loads(tables[-1].problems) if tables else [],
        rounds=rounds,
        summary=summary,
        chart=progress_chart(progress_series(uow, office_id)) if rounds else None,
        unresolved=unresolved,
        units=list(uow.directory.units(office_id)),
        overdue_only=overdue_only,
        state_label=TRACKED_ITEM_MACHINE.label,
        due_kinds={
            DueKind.recurring.value: "周期性",
            DueKind.open_ended.value: "长期",
            DueKind.unknown.value: "无法识别",
        },
    )


@router.post("/tasks/import")
async def tasks_import(
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    file: Annotated[UploadFile, File()],
    doc_date: Annotated[str, Form()] = "",
) -> Response:
    data = await read_upload(file, MEASURE_SUFFIXES) or b""
    office_id = office_id_of(user)
    import_measures(
        uow, clock, user.actor, ImportMeasures(office_id, file.filename or "措施表.txt", data, read_day(doc_date))
    )
    return back("/tasks", "measures_imported")


@router.post("/tasks/map-unit")
def tasks_map(
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    text: Annotated[str, Form()],
    unit: Annotated[str, Form()],
) -> Response:
    map_unit(uow, clock, user.actor, office_id_of(user), text, unit)
    return back("/tasks", "unit_mapped")


@router.post("/tasks/{item_id}/supervise")
def tasks_supervise(
    user: StaffWrite, uow: UowDep, clock: ClockDep, item_id: Id, note: Annotated[str, Form()]
) -> Response:
    supervise(uow, clock, user.actor, item_id, note)
    return back("/tasks", "supervised")


@router.post("/tasks/{item_id}/close")
async def tasks_close(
    user: StaffWrite, uow: UowDep, clock: ClockDep, item_id: Id, evidence: Annotated[UploadFile, File()]
) -> Response:
    data = await read_upload(evidence, EVIDENCE_SUFFIXES) or b""
    close_item(uow, clock, user.actor, item_id, evidence.filename or "佐证材料", data, evidence.content_type or "")
    return back("/tasks", "closed")


@router.post("/progress/start")
def progress_start(
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    month: Annotated[str, Form()],
    due: Annotated[str, Form()] = "",
) -> Response:
    schedule = ProgressSettings.from_mapping(settings.section("progress"))
    at = read_instant(due, "报送截止时间", date_only_at=schedule.due_time) if due.strip() else None
    cmd = StartProgress(office_id_of(user), month, at)
    start_progress(uow, clock, user.actor, cmd, schedule, settings.secret_key)
    return back("/tasks", "progress_started")


@router.get("/progress/rounds/{round_id}/links")
def progress_links_page(
    request: Request, round_id: Id, user: Staff, uow: ReadUowDep, settings: SettingsDep
) -> Response:
    rnd = load_progress_round(uow, round_id)
    found = progress_links(uow, settings.secret_key, settings.base_url, round_id)
    label = month_label(rnd.month)
    return page(request, "progress_links.html", user, round_id=round_id, month_label=label, links=found)


@router.post("/progress/rounds/{round_id}/requests/{request_id}/revoke")
def progress_link_revoke(
    round_id: Id,
    request_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    reissue: Annotated[str, Form()] = "1",
) -> Response:
    request_in_round(uow, round_id, request_id)
    again = reissue != "0"
    revoke_progress_link(uow, clock, user.actor, request_id, secret=settings.secret_key, reissue=again)
    return back(f"/progress/rounds/{round_id}/links", "progress_link_reissued" if again else "progress_link_revoked")


@router.get("/tasks/documents/{kind}.{fmt}")
def tasks_document(
    user: Staff, uow: ReadUowDep, clock: ClockDep, kind: str, fmt: str, month: str | None = None
) -> Response:
    return tracking_file(uow, clock, office_id_of(user), kind, fmt, month or None)


@router.get("/tasks/evidence/{evidence_id}")
def tasks_evidence(user: Staff, uow: ReadUowDep, evidence_id: Id) -> Response:
    return evidence_file(uow, evidence_id)
