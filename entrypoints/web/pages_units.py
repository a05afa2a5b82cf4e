"""The unit directory: list, edit, import CSV/XLSX."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from entrypoints.web.deps import ClockDep, Id, Staff, StaffWrite, UowDep
from entrypoints.web.downloads import units_file
from entrypoints.web.form_page import refused
from entrypoints.web.forms import parsed_units_file
from entrypoints.web.pages_common import back, page
from kernel.errors import DomainError
from storage.uow import UnitOfWork
from workflow.services.units import import_units, update_unit

router = APIRouter(include_in_schema=False)


def _units_context(uow: UnitOfWork) -> dict[str, object]:
    units = list(uow.directory.units(active_only=False))
    return {"units": units, "aliases": {u.id: "；".join(json.loads(u.aliases or "[]")) for u in units}}


@router.get("/units")
def units_page(request: Request, user: Staff, uow: UowDep) -> Response:
    return page(request, "units.html", user, **_units_context(uow))


@router.get("/units/export.{fmt}")
def units_export(user: Staff, uow: UowDep, fmt: str) -> Response:
    return units_file(uow, fmt)


@router.post("/units/import")
async def units_import(user: StaffWrite, uow: UowDep, clock: ClockDep, file: Annotated[UploadFile, File()]) -> Response:
    records = await parsed_units_file(file)
    import_units(uow, clock, user.actor, records)
    return back("/units", "units_imported")


@router.post("/units/{unit_id}")
async def unit_save(
    request: Request,
    unit_id: Id,
    user: StaffWrite,
    uow: UowDep,
    clock: ClockDep,
    name: Annotated[str, Form()] = "",  # blank reaches the service, which says so in Chinese
    category: Annotated[str, Form()] = "",
    aliases: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    webhook: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    try:
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
    except DomainError as exc:
        uow.rollback()
        form = await request.form()
        return refused(request, "units.html", exc, form, user=user, edited=unit_id, **_units_context(uow))
    return back("/units", "unit_saved")
