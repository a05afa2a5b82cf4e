"""The unit directory: list, edit, import CSV/XLSX."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from entrypoints.web.deps import Staff, check_csrf, clock_of, new_uow
from entrypoints.web.forms import (
    UNIT_SUFFIXES,
    read_upload,
)
from entrypoints.web.pages_common import back, page
from workflow.parsing.units_file import parse_units_file
from workflow.services.units import import_units, update_unit

router = APIRouter(include_in_schema=False)


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


@router.get("/units/export.{fmt}")
def units_export(request: Request, user: Staff, fmt: str) -> Response:
    return unit_file(request, fmt)


def unit_file(request: Request, fmt: str) -> Response:
    """The directory as CSV or XLSX with the import's headers (shared by the page and the API)."""
    from urllib.parse import quote

    from workflow.reports.units_export import export_units

    with new_uow(request) as uow:
        data = export_units(list(uow.directory.units()), fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    name = quote(f"单位名录.{fmt}")
    return Response(data, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    active: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(user, csrf_token)
    with new_uow(request) as uow:
        update_unit(
            uow,
            clock_of(request),
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
