"""The issuing office (发文机关) as configured: created once, and every later change audited."""

from __future__ import annotations

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.ids import ref
from storage.models import Office
from storage.uow import UnitOfWork
from workflow.services._common import record


def ensure_office(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    name: str,
    short_name: str = "",
    *,
    email: str | None = None,
    reviewer_unit: str | None = None,
) -> int:
    """The office from config: created on first use, its contact and reviewer brought in line after.

    ``None`` leaves a field as stored. Whatever changes is one audit event naming the old and new values,
    so the justice bureau can see who redirected review results or notices, and when.
    """
    now = clock.now()
    office = uow.directory.office_by_name(name)
    if office is None:
        office = Office(name=name, short_name=short_name)
        if email is not None:
            office.email = email
        if reviewer_unit is not None:
            office.reviewer_unit = reviewer_unit
        uow.directory.add(office)
        record(
            uow,
            actor,
            now,
            "office.created",
            ref("office", office.id),
            name=name,
            short_name=short_name,
            email=office.email,
            reviewer_unit=office.reviewer_unit,
        )
        uow.commit()
        return office.id or 0
    wanted = {"email": email, "reviewer_unit": reviewer_unit}
    changes = {
        field: {"old": getattr(office, field), "new": value}
        for field, value in wanted.items()
        if value is not None and getattr(office, field) != value
    }
    if changes:
        for field, change in changes.items():
            setattr(office, field, change["new"])
        uow.directory.add(office)
        record(uow, actor, now, "office.updated", ref("office", office.id), changes=changes)
        uow.commit()
    return office.id or 0
