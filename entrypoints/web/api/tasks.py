"""Tracked items: import a measures table, list, map a unit name, supervise, sign off, documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from entrypoints.web.api.bodies import MapUnitBody, SuperviseBody
from entrypoints.web.api.schemas import ItemState, TasksImported, TrackedItem, UnitMapped
from entrypoints.web.deps import AnyUser, ClockDep, Id, ReadUowDep, Staff, StaffWrite, UowDep, office_id_of
from entrypoints.web.downloads import tracking_file
from entrypoints.web.forms import EVIDENCE_SUFFIXES, MEASURE_SUFFIXES, read_upload
from storage.models import TrackedItem as TrackedRow
from workflow.services.tracking import ImportMeasures, close_item, import_measures, list_items, map_unit, supervise
from workflow.tracking.schedule import read_day

router = APIRouter(prefix="/tasks", tags=["任务跟踪"])


def _state(row: TrackedRow) -> ItemState:
    return ItemState(id=row.id or 0, status=row.state, supervised=row.supervised, note=row.supervision_note)


@router.get("")
def api_tasks(
    user: AnyUser, uow: ReadUowDep, clock: ClockDep, overdue: bool = False, unit: str | None = None
) -> list[TrackedItem]:
    items = list_items(uow, clock, office_id_of(user), overdue=overdue, unit=unit)
    return [TrackedItem.model_validate(i) for i in items]


@router.post("/import", status_code=201)
async def api_tasks_import(
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    file: Annotated[UploadFile, File()],
    date: Annotated[str, Form(description="成文日期，如 2024-06-01")] = "",
) -> TasksImported:
    data = await read_upload(file, MEASURE_SUFFIXES) or b""
    cmd = ImportMeasures(office_id_of(user), file.filename or "措施表.txt", data, read_day(date))
    result = import_measures(uow, clock, user.actor, cmd)
    return TasksImported.model_validate(
        {"imported": len(result.items), "items": result.items, "problems": result.problems}
    )


@router.post("/map-unit")
def api_map_unit(
    body: MapUnitBody, user: StaffWrite, uow: UowDep, clock: ClockDep
) -> UnitMapped:
    result = map_unit(uow, clock, user.actor, office_id_of(user), body.text, body.unit)
    return UnitMapped(
        text=result.text, unit=result.unit, items_updated=result.items_updated, unresolved=result.still_unresolved
    )


@router.post("/{item_id}/supervise")
def api_supervise(item_id: Id, body: SuperviseBody, user: StaffWrite, uow: UowDep, clock: ClockDep) -> ItemState:
    return _state(supervise(uow, clock, user.actor, item_id, body.note))


@router.post("/{item_id}/close")
async def api_close(
    item_id: Id, user: StaffWrite, uow: UowDep, clock: ClockDep, evidence: Annotated[UploadFile, File()]
) -> ItemState:
    data = await read_upload(evidence, EVIDENCE_SUFFIXES) or b""
    row = close_item(
        uow, clock, user.actor, item_id, evidence.filename or "佐证材料", data, evidence.content_type or ""
    )
    return _state(row)


@router.get("/documents/{kind}", response_class=Response)
def api_tasks_document(
    kind: str,
    user: Staff,
    uow: ReadUowDep,
    clock: ClockDep,
    format: str = "docx",
    month: str | None = None,
) -> Response:
    """measures (docx, xlsx, html, md, json) or progress-summary (docx, html, md, json)."""
    return tracking_file(uow, clock, office_id_of(user), kind, format, month)
