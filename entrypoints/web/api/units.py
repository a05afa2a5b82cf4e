"""The unit directory: list, edit one, import a file, export it for editing."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import Response

from entrypoints.web.api.bodies import UnitPatch
from entrypoints.web.api.schemas import Units, UnitsImported
from entrypoints.web.api.views import UnitView
from entrypoints.web.deps import AnyUser, ClockDep, Id, ReadUowDep, Staff, StaffWrite, UowDep
from entrypoints.web.downloads import units_file
from entrypoints.web.forms import parsed_units_file
from workflow.services.offices import office_profile
from workflow.services.units import import_units, unit_summary, update_unit

router = APIRouter(prefix="/units", tags=["单位名录"])


@router.get("")
def api_units(user: AnyUser, uow: ReadUowDep, include_inactive: bool = False) -> Units:
    """The signed-in user's office's directory, categories in its profile's words."""
    units = uow.directory.units(user.office_id, active_only=not include_inactive)
    profile = office_profile(uow, user.office_id)
    return Units(units=[UnitView.model_validate(unit_summary(u, profile)) for u in units])


@router.get("/export", response_class=Response)
def api_units_export(user: Staff, uow: ReadUowDep, format: str = "xlsx") -> Response:
    """The directory as a file with the import's headers: edit it and import it again."""
    return units_file(uow, user.office_id, format)


@router.patch("/{unit_id}", response_model=UnitView)
def api_unit_patch(unit_id: Id, body: UnitPatch, user: StaffWrite, uow: UowDep, clock: ClockDep) -> dict[str, Any]:
    fields = body.model_dump(exclude_none=True, exclude={"active"})
    unit = update_unit(uow, clock, user.actor, unit_id, active=body.active, **fields)
    return unit_summary(unit, office_profile(uow, unit.office_id))


@router.post("/import")
async def api_units_import(
    user: StaffWrite, uow: UowDep, clock: ClockDep, file: Annotated[UploadFile, File()]
) -> UnitsImported:
    records = await parsed_units_file(file)
    result = import_units(uow, clock, user.actor, records, office_id=user.office_id)
    return UnitsImported(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        new_categories=result.new_categories,
    )
