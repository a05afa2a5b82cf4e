"""Importing and listing the unit directory."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import InvalidInput, NotFound
from kernel.ids import ref
from kernel.text import check_text, check_texts
from notifications.addresses import validate_email, validate_webhook_url
from storage.models import Unit
from storage.uow import UnitOfWork
from workflow.categories import category_label, parse_category
from workflow.services._common import record


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


def import_units(uow: UnitOfWork, clock: Clock, actor: Actor, records: Sequence[UnitRecordLike]) -> UnitsImported:
    """Create or update units by name; one audit event per unit that changed."""
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
    existing = {u.name: u for u in uow.directory.units(active_only=False)}
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
        category = parse_category(rec.category).value
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
            unit = Unit(name=rec.name, **values)
            uow.directory.add(unit)
            created += 1
            record(uow, actor, now, "unit.created", ref("unit", unit.id), name=rec.name, **values)
            continue
        changed = {k: v for k, v in values.items() if getattr(unit, k) != v}
        if not changed:
            unchanged += 1
            continue
        for key, value in changed.items():
            setattr(unit, key, value)
        uow.directory.add(unit)
        updated += 1
        record(uow, actor, now, "unit.updated", ref("unit", unit.id), name=rec.name, changed=changed)
    uow.commit()
    return UnitsImported(created, updated, unchanged)


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
    values = {k: check_text((v or "").strip(), _FIELD_LABELS.get(k, k)) for k, v in fields.items()}
    if "name" in values and not values["name"]:
        raise InvalidInput("UNITS_ROW_INVALID", "单位名称不能为空。")
    if "category" in values:
        values["category"] = parse_category(values["category"]).value
    if "aliases" in values:
        values["aliases"] = json.dumps(
            [a.strip() for a in re.split(r"[;；、]", values["aliases"]) if a.strip()], ensure_ascii=False
        )
    if values.get("email"):
        values["email"] = validate_email(values["email"])
    if values.get("webhook"):
        values["webhook"] = validate_webhook_url(values["webhook"])
    if values.get("name") and values["name"] != unit.name and uow.directory.unit_by_name(values["name"]):
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
        record(uow, actor, clock.now(), "unit.updated", ref("unit", unit.id), name=unit.name, changed=changed)
    uow.commit()
    return unit


def unit_summary(unit: Unit) -> dict[str, Any]:
    """One unit as the CLI and the API show it."""
    return {
        "id": unit.id,
        "name": unit.name,
        "category": unit.category,
        "category_label": category_label(unit.category),
        "aliases": json.loads(unit.aliases or "[]"),
        "contact": unit.contact,
        "phone": unit.phone,
        "email": unit.email,
        "webhook": unit.webhook,
        "active": unit.active,
    }
