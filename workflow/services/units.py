"""Importing and listing an office's unit directory, in the words of the office's profile."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import InvalidInput, NotFound
from kernel.ids import ref
from kernel.text import check_text, check_texts
from notifications.addresses import validate_email, validate_webhook_url
from storage.models import Unit
from storage.uow import UnitOfWork
from workflow.profiles import OfficeProfile, fold
from workflow.services._common import record
from workflow.services.offices import add_categories, office_profile


class UnitRecordLike(Protocol):
    """A row to import (from a file, a form or the demo); read-only, so frozen dataclasses qualify."""

    @property
    def name(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...
    @property
    def contact(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def webhook(self) -> str: ...


@dataclass(frozen=True)
class UnitsImported:
    created: int
    updated: int
    unchanged: int
    new_categories: list[str] = field(default_factory=list)  # labels the file brought, now in the profile


def _validate_addresses(rec: UnitRecordLike) -> None:
    """Refuse malformed addresses now, not when a message bounces after the deadline."""
    if rec.email:
        validate_email(rec.email)
    if rec.webhook:
        validate_webhook_url(rec.webhook)


_FIELD_LABELS = {
    "name": "单位名称",
    "category": "单位类别",
    "aliases": "别名",
    "contact": "联系人",
    "phone": "联系电话",
    "email": "邮箱",
}


def _new_labels(profile: OfficeProfile, records: Sequence[UnitRecordLike]) -> list[str]:
    """Categories the file names that the profile does not know, in the order they first appear."""
    seen: dict[str, str] = {}
    for rec in records:
        label = rec.category.strip()
        if label and profile.find_category(label) is None:
            seen.setdefault(fold(label), label)
    return list(seen.values())


def import_units(
    uow: UnitOfWork, clock: Clock, actor: Actor, records: Sequence[UnitRecordLike], *, office_id: int
) -> UnitsImported:
    """Create or update the office's units by name; one audit event per unit that changed.

    A category the office has not declared is added to its profile (printed as the file writes it),
    unless the office locked its list (``UNIT_CATEGORY_LOCKED``, nothing imported).
    """
    if not records:
        raise InvalidInput("UNITS_EMPTY", "单位名录文件中没有任何单位。")
    for rec in records:
        check_texts(
            {
                "单位名称": rec.name,
                "单位类别": rec.category,
                "联系人": rec.contact,
                "联系电话": rec.phone,
                "邮箱": rec.email,
                "webhook": rec.webhook,
            }
        )
        for alias in rec.aliases:
            check_text(alias, "别名")
    now = clock.now()
    profile = office_profile(uow, office_id)
    new_labels = _new_labels(profile, records)
    profile, _added = add_categories(uow, clock, actor, office_id, new_labels)
    existing = {u.name: u for u in uow.directory.units(office_id, active_only=False)}
    alias_owner: dict[str, str] = {}
    for rec in records:
        for alias in rec.aliases:
            other = alias_owner.setdefault(alias, rec.name)
            if other != rec.name:
                raise InvalidInput(
                    "UNITS_ALIAS_CONFLICT", f"别名“{alias}”同时属于“{other}”和“{rec.name}”。", alias=alias
                )
    created = updated = unchanged = 0
    for rec in records:
        category = profile.parse_category(rec.category).key
        _validate_addresses(rec)
        values: dict[str, Any] = {
            "category": category,
            "aliases": json.dumps(list(rec.aliases), ensure_ascii=False),
            "contact": rec.contact,
            "phone": rec.phone,
            "email": rec.email,
            "webhook": rec.webhook,
            "active": True,
        }
        unit = existing.get(rec.name)
        if unit is None:
            unit = Unit(office_id=office_id, name=rec.name, **values)
            uow.directory.add(unit)
            created += 1
            record(uow, actor, now, "unit.created", ref("unit", unit.id), office_id=office_id, name=rec.name, **values)
            continue
        changed = {k: v for k, v in values.items() if getattr(unit, k) != v}
        if not changed:
            unchanged += 1
            continue
        for key, value in changed.items():
            setattr(unit, key, value)
        uow.directory.add(unit)
        updated += 1
        record(uow, actor, now, "unit.updated", ref("unit", unit.id), office_id=office_id, name=rec.name,
               changed=changed)
    uow.commit()
    return UnitsImported(created, updated, unchanged, new_labels)


def update_unit(
    uow: UnitOfWork, clock: Clock, actor: Actor, unit_id: int, *, active: bool | None = None, **fields: str
) -> Unit:
    """Edit one unit of the directory (from the web page); audited with what changed.

    A renamed unit keeps its old name as an alias (机构改革: 安监局 → 应急管理局), so replies and
    commands that use the old name still find it. A disabled unit stays in old rounds but is not
    offered for new ones.
    """
    unit = uow.directory.unit(unit_id)
    if unit is None:
        raise NotFound("UNIT_UNKNOWN", f"单位 {unit_id} 不存在。")
    profile = office_profile(uow, unit.office_id)
    values = {k: check_text((v or "").strip(), _FIELD_LABELS.get(k, k)) for k, v in fields.items()}
    if "name" in values and not values["name"]:
        raise InvalidInput("UNITS_ROW_INVALID", "单位名称不能为空。")
    if "category" in values:
        values["category"] = profile.parse_category(values["category"]).key
    if "aliases" in values:
        values["aliases"] = json.dumps(
            [a.strip() for a in re.split(r"[;；、]", values["aliases"]) if a.strip()], ensure_ascii=False
        )
    if values.get("email"):
        values["email"] = validate_email(values["email"])
    if values.get("webhook"):
        values["webhook"] = validate_webhook_url(values["webhook"])
    renamed = values.get("name") and values["name"] != unit.name
    if renamed and uow.directory.unit_by_name(unit.office_id, values["name"]):
        raise InvalidInput("UNITS_DUPLICATE", f"单位“{values['name']}”已存在。")
    if values.get("name") and values["name"] != unit.name:
        kept = json.loads(values.get("aliases", unit.aliases) or "[]")
        if unit.name not in kept:
            values["aliases"] = json.dumps([*kept, unit.name], ensure_ascii=False)
    changed: dict[str, object] = {k: v for k, v in values.items() if getattr(unit, k) != v}
    if active is not None and active != unit.active:
        changed["active"] = active
    for key, value in changed.items():
        setattr(unit, key, value)
    uow.directory.add(unit)
    if changed:
        record(uow, actor, clock.now(), "unit.updated", ref("unit", unit.id), office_id=unit.office_id,
               name=unit.name, changed=changed)
    uow.commit()
    return unit


def unit_summary(unit: Unit, profile: OfficeProfile) -> dict[str, Any]:
    """One unit as the CLI and the API show it (its category in its office's words)."""
    return {
        "id": unit.id,
        "name": unit.name,
        "category": unit.category,
        "category_label": profile.category_label(unit.category),
        "aliases": json.loads(unit.aliases or "[]"),
        "contact": unit.contact,
        "phone": unit.phone,
        "email": unit.email,
        "webhook": unit.webhook,
        "active": unit.active,
    }
