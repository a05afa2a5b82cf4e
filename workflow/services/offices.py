"""The issuing offices (发文机关) and their profiles: created once, and every later change audited."""

from __future__ import annotations

import json

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import NotFound
from kernel.ids import ref
from storage.models import Office
from storage.uow import UnitOfWork
from workflow.profiles import OfficeProfile, profile_from_mapping
from workflow.services._common import record


def office_profile(uow: UnitOfWork, office_id: int) -> OfficeProfile:
    """The office's profile as stored; an office created before profiles existed gets one from its row
    (no categories yet: its first unit import declares them)."""
    office = uow.directory.office(office_id)
    if office is None:
        raise NotFound("OFFICE_NOT_FOUND", f"发文机关 {office_id} 不存在。", office_id=office_id)
    stored = json.loads(office.profile or "{}")
    if stored:
        return profile_from_mapping(stored)
    return OfficeProfile(
        code=office.code or f"office-{office.id}",
        name=office.name,
        short_name=office.short_name,
        email=office.email,
        reviewer_unit=office.reviewer_unit,
    )


def _profile_json(profile: OfficeProfile) -> str:
    return json.dumps(profile.to_mapping(), ensure_ascii=False, sort_keys=True)


def ensure_office(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    name: str,
    short_name: str = "",
    *,
    email: str | None = None,
    reviewer_unit: str | None = None,
    profile: OfficeProfile | None = None,
) -> int:
    """The office from config: created on first use, its contact, reviewer and profile brought in line after.

    ``None`` leaves a field as stored. Whatever changes is one audit event naming the old and new values,
    so the justice bureau can see who redirected review results or notices, and when. A profile, when
    given, is the truth for name, short name, e-mail and reviewer unless those are passed explicitly.
    """
    if profile is not None:
        name = profile.name
        short_name = short_name or profile.short_name
        email = email if email is not None else profile.email
        reviewer_unit = reviewer_unit if reviewer_unit is not None else profile.reviewer_unit
    now = clock.now()
    office = uow.directory.office_by_name(name)
    if office is None:
        office = Office(name=name, short_name=short_name)
        if email is not None:
            office.email = email
        if reviewer_unit is not None:
            office.reviewer_unit = reviewer_unit
        if profile is not None:
            office.code = profile.code
            office.profile = _profile_json(profile)
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
            code=office.code,
        )
        uow.commit()
        return office.id or 0
    wanted: dict[str, str | None] = {"email": email, "reviewer_unit": reviewer_unit}
    if profile is not None:
        wanted |= {"code": profile.code, "profile": _profile_json(profile)}
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
