"""The unit directory: list, edit, import CSV/XLSX."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from entrypoints.web.deps import ClockDep, Id, ReadUowDep, Staff, StaffWrite, UowDep
from entrypoints.web.downloads import units_file
from entrypoints.web.form_page import refused
from entrypoints.web.forms import parsed_units_file
from entrypoints.web.pages_common import back, page
from kernel.errors import DomainError
from storage.uow import UnitOfWork
from workflow.services.accounts import CurrentUser
from workflow.services.offices import office_profile
from workflow.services.units import import_units, update_unit

router = APIRouter(include_in_schema=False)


def _units_context(uow: UnitOfWork, user: CurrentUser) -> dict[str, object]:
    units = list(uow.directory.units(user.office_id, active_only=False))
    profile = office_profile(uow, user.office_id)
    return {
        "units": units,
        "aliases": {u.id: "；".join(json.loads(u.aliases or "[]")) for u in units},
        "category_labels": {c.key: c.label for c in profile.categories},
    }


@router.get("/units")
def units_page(request: Request, user: Staff, uow: ReadUowDep) -> Response:
    return page(request, "units.html", user, **_units_context(uow, user))


@router.get("/units/export.{fmt}")
def units_export(user: Staff, uow: ReadUowDep, fmt: str) -> Response:
    return units_file(uow, user.office_id, fmt)


@router.post("/units/import")
async def units_import(user: StaffWrite, uow: UowDep, clock: ClockDep, file: Annotated[UploadFile, File()]) -> Response:
    records = await parsed_units_file(file)
    result = import_units(uow, clock, user.actor, records, office_id=user.office_id)
    return back("/units", "units_imported_new" if result.new_categories else "units_imported")


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
        return refused(request, "units.html", exc, form, user=user, edited=unit_id, **_units_context(uow, user))
    return back("/units", "unit_saved")
