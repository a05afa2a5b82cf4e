"""The unit directory: list, edit, import CSV/XLSX."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from entrypoints.web.deps import ClockDep, Id, Staff, StaffWrite, UowDep
from entrypoints.web.downloads import units_file
from entrypoints.web.forms import parsed_units_file
from entrypoints.web.pages_common import back, page
from workflow.services.units import import_units, update_unit

router = APIRouter(include_in_schema=False)


@router.get("/units")
def units_page(request: Request, user: Staff, uow: UowDep) -> Response:
    units = list(uow.directory.units(active_only=False))
    return page(
        request,
        "units.html",
        user,
        units=units,
        aliases={u.id: "；".join(json.loads(u.aliases or "[]")) for u in units},
    )


@router.get("/units/export.{fmt}")
def units_export(user: Staff, uow: UowDep, fmt: str) -> Response:
    return units_file(uow, fmt)


@router.post("/units/import")
async def units_import(user: StaffWrite, uow: UowDep, clock: ClockDep, file: Annotated[UploadFile, File()]) -> Response:
    records = await parsed_units_file(file)
    import_units(uow, clock, user.actor, records)
    return back("/units", "units_imported")


@router.post("/units/{unit_id}")
def unit_save(
    unit_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    name: Annotated[str, Form()],
    category: Annotated[str, Form()],
    aliases: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    webhook: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    update_unit(
        uow,
        clock,
        user.actor,
        unit_id,
        active=bool(active),
        name=name,
        category=category,
        aliases=aliases,
        contact=contact,
        phone=phone,
        email=email,
        webhook=webhook,
    )
    return back("/units", "unit_saved")
