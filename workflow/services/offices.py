"""The issuing offices (发文机关) and their profiles: created once, and every later change audited.

One server may run several offices. Each is created from its profile (``consultflow init`` for the
configured ones, ``consultflow offices add --profile FILE`` for more) and keeps its profile in the
database: categories a unit import brings are added there, so a later ``init`` from the same file keeps
them (the file's categories first, then the ones the office added).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, NotFound
from kernel.ids import ref
from storage.models import Office
from storage.uow import UnitOfWork
from workflow.profiles import CategorySpec, OfficeProfile, profile_from_mapping
from workflow.services._common import record


def office_profile(uow: UnitOfWork, office_id: int) -> OfficeProfile:
    """The office's profile as stored; an office created before profiles existed gets one from its row
    (no categories yet: its first unit import declares them)."""
    office = uow.directory.office(office_id)
    if office is None:
        raise NotFound("OFFICE_NOT_FOUND", f"发文机关 {office_id} 不存在。", office_id=office_id)
    return profile_of(office)


def profile_of(office: Office) -> OfficeProfile:
    """The profile stored on an office row (see ``office_profile``)."""
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


def office_by_code(uow: UnitOfWork, code: str) -> Office:
    """The office ``--office CODE`` names; an unknown code lists the ones there are."""
    office = uow.directory.office_by_code(code)
    if office is None or office.id is None:
        known = "、".join(o.code for o in uow.directory.offices() if o.code) or "（尚无，请先执行 consultflow init）"
        raise NotFound("OFFICE_NOT_FOUND", f"发文机关“{code}”不存在。已有：{known}。", office=code)
    return office


def _profile_json(profile: OfficeProfile) -> str:
    return json.dumps(profile.to_mapping(), ensure_ascii=False, sort_keys=True)


def keep_added_categories(new: OfficeProfile, stored: OfficeProfile) -> OfficeProfile:
    """``new`` (from a file) plus the categories the office added since (by a unit import), after its own.

    A category the file now declares under the same label replaces the added one's place, not its key:
    units keep the key they were imported with.
    """
    have_keys = {c.key for c in new.categories}
    have_labels = {c.label for c in new.categories}
    extra = tuple(c for c in stored.categories if c.key not in have_keys and c.label not in have_labels)
    return replace(new, categories=(*new.categories, *extra)) if extra else new


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
    given, is the truth for name, short name, e-mail and reviewer unless those are passed explicitly; the
    office is found by the profile's code (so renaming an office in its profile renames it here).
    """
    office = None
    if profile is not None:
        name = profile.name
        short_name = short_name or profile.short_name
        email = email if email is not None else profile.email
        reviewer_unit = reviewer_unit if reviewer_unit is not None else profile.reviewer_unit
        office = uow.directory.office_by_code(profile.code)
    now = clock.now()
    office = office or uow.directory.office_by_name(name)
    if office is None:
        return _create(uow, actor, now, name, short_name, email, reviewer_unit, profile)
    wanted: dict[str, str | None] = {"email": email, "reviewer_unit": reviewer_unit}
    if profile is not None:
        if office.code not in (None, profile.code):
            raise Conflict(
                "OFFICE_EXISTS",
                f"机关名称“{name}”已被机关“{office.code}”使用，不能再登记为“{profile.code}”。",
                office=profile.code,
            )
        merged = keep_added_categories(profile, profile_of(office)) if office.profile not in ("", "{}") else profile
        wanted |= {"name": name, "short_name": short_name, "code": profile.code, "profile": _profile_json(merged)}
        other = uow.directory.office_by_name(name)
        if other is not None and other.id != office.id:
            raise Conflict("OFFICE_EXISTS", f"机关名称“{name}”已被另一机关使用。", office=profile.code)
    changes = {
        field: {"old": getattr(office, field), "new": value}
        for field, value in wanted.items()
        if value is not None and getattr(office, field) != value
    }
    if changes:
        for field, change in changes.items():
            setattr(office, field, change["new"])
        uow.directory.add(office)
        record(uow, actor, now, "office.updated", ref("office", office.id), office_id=office.id, changes=changes)
        uow.commit()
    return office.id or 0


def _create(
    uow: UnitOfWork,
    actor: Actor,
    now: Any,
    name: str,
    short_name: str,
    email: str | None,
    reviewer_unit: str | None,
    profile: OfficeProfile | None,
) -> int:
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
        office_id=office.id,
        name=name,
        short_name=short_name,
        email=office.email,
        reviewer_unit=office.reviewer_unit,
        code=office.code,
    )
    uow.commit()
    return office.id or 0


def add_categories(
    uow: UnitOfWork, clock: Clock, actor: Actor, office_id: int, labels: list[str]
) -> tuple[OfficeProfile, list[CategorySpec]]:
    """Append categories a unit file brought, in the order given; refused (nothing kept) when locked.

    Stored on the office and audited in the caller's unit of work (the import commits them with its units).
    """
    profile = office_profile(uow, office_id)
    added: list[CategorySpec] = []
    for label in labels:
        profile, spec = profile.with_category(label)
        added.append(spec)
    if added:
        office = uow.directory.office(office_id)
        if office is not None:  # office_profile found it
            office.profile = _profile_json(profile)
            uow.directory.add(office)
        record(
            uow,
            actor,
            clock.now(),
            "office.categories_added",
            ref("office", office_id),
            office_id=office_id,
            categories=[{"key": c.key, "label": c.label, "addressee": c.addressee, "kind": c.kind} for c in added],
        )
    return profile, added


def office_summary(office: Office) -> dict[str, Any]:
    """One office as ``offices list`` and Settings pages show it."""
    profile = profile_of(office)
    return {
        "id": office.id,
        "code": profile.code,
        "name": office.name,
        "short_name": office.short_name,
        "level": profile.level,
        "reviewer_unit": office.reviewer_unit,
        "doc_number_prefix": profile.doc_number_prefix,
        "categories": [c.label for c in profile.categories],
        "categories_locked": profile.categories_locked,
    }


def list_offices(uow: UnitOfWork) -> list[dict[str, Any]]:
    """The offices this unit of work may see (all of them for the server's own commands)."""
    return [office_summary(o) for o in uow.directory.offices()]
