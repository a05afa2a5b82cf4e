"""Tracked items: a measures table imported, an issued notice's tasks taken over, unit names mapped,
items supervised (挂牌督办) and signed off (销号)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from kernel.ids import ref
from kernel.timefmt import BEIJING
from states.tracked_item import TRACKED_ITEM_MACHINE, ItemContext, TrackedItemState, is_overdue
from storage.models import ItemEvidence, MeasureTable, TrackedItem, UnitMapping
from storage.uow import UnitOfWork
from workflow.parsing.due_dates import Due, DueKind, due_in_text, parse_due
from workflow.parsing.measures_model import FIELD_LABELS, RowProblem
from workflow.services._common import change_state, record
from workflow.services.offices import office_profile
from workflow.tracking.units import Resolver
from workflow.unit_names import resolve_unit

if TYPE_CHECKING:
    from storage.views import UnitRow
    from workflow.profiles import OfficeProfile

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
"""Evidence files (photos, scans, PDFs) above 20 MB are refused: ask for a smaller scan."""


@dataclass(frozen=True)
class ImportMeasures:
    office_id: int
    filename: str
    data: bytes
    doc_date: date | None = None


@dataclass(frozen=True)
class ImportResult:
    table_id: int
    items: list[dict[str, Any]]
    problems: list[dict[str, Any]]


def today(clock: Clock) -> date:
    """The office's calendar day now (due dates are Beijing days)."""
    return clock.now().astimezone(BEIJING).date()


def item_view(item: TrackedItem, unit_names: list[str], on: date) -> dict[str, Any]:
    """The published shape of an item (``tasks list --json``, ``tasks import``, the API)."""
    return {
        "id": item.id,
        "category": item.category,
        "problem": item.problem,
        "measure": item.measure,
        "units": unit_names,
        "due": item.due_date.isoformat() if item.due_date else None,
        "status": item.state,
        "overdue": is_overdue(item.state, item.due_date, on),
    }


def _views(uow: UnitOfWork, items: list[TrackedItem], on: date) -> list[dict[str, Any]]:
    units = uow.tracking.units_of([i.id or 0 for i in items])
    return [item_view(i, [u.name for _l, u in units.get(i.id or 0, [])], on) for i in items]


@dataclass(frozen=True)
class _Directory:
    """What resolving responsible-unit text reads: the office's unit mappings, its units (plain rows) and its
    profile. Read once per service call: an issued draft's 30 tasks read them once each before, and the
    resolution compared every name with every unit through ORM attributes."""

    mappings: dict[str, list[int]]
    units: list[UnitRow]
    profile: OfficeProfile

    def resolver(self, groups: dict[str, list[str]]) -> Resolver:
        """Resolution against this directory and a table's groups, each party looked up once."""
        return Resolver(self.units, self.mappings, groups, profile=self.profile)


def _directory(uow: UnitOfWork, office_id: int) -> _Directory:
    return _Directory(
        uow.tracking.mappings(office_id),
        uow.directory.unit_rows(office_id, active_only=False),
        office_profile(uow, office_id),
    )


def _resolved(resolver: Resolver, responsible: str) -> tuple[list[tuple[int, str]], list[str]]:
    """The units ``responsible`` names as (unit_id, role), leads first, and the names left unresolved."""
    found: dict[int, str] = {}
    unresolved: list[str] = []
    for text in [t for t in responsible.split("\n") if t.strip()]:
        res = resolver.resolve(text)
        for uid, _name, role in res.units:
            if found.get(uid) != "lead":
                found[uid] = role
        unresolved += [u for u in res.unresolved if u not in unresolved]
    return sorted(found.items(), key=lambda kv: kv[1] != "lead"), unresolved


class _NewItems:
    """New items, each linked to the units its responsible text names (resolved as it is added), stored
    together: one batched insert of the items, one of their units."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self.items: list[TrackedItem] = []
        self._links: list[list[tuple[int, str]]] = []

    def add(self, item: TrackedItem) -> list[str]:
        """Keep ``item`` with its units; the names left unresolved."""
        units, unresolved = _resolved(self._resolver, item.responsible)
        item.unresolved = json.dumps(unresolved, ensure_ascii=False)
        self.items.append(item)
        self._links.append(units)
        return unresolved

    def store(self, uow: UnitOfWork) -> None:
        uow.tracking.add_items(self.items)  # their ids are known from here on
        links = zip(self.items, self._links, strict=True)
        uow.tracking.add_units([(item.id or 0, uid, role) for item, units in links for uid, role in units])


def _resolve_into(uow: UnitOfWork, resolver: Resolver, item: TrackedItem) -> list[str]:
    """(Re)link a stored ``item`` to the units its responsible text names; returns the names left unresolved."""
    units, unresolved = _resolved(resolver, item.responsible)
    uow.tracking.set_units(item.id or 0, units)
    item.unresolved = json.dumps(unresolved, ensure_ascii=False)
    uow.save(item)
    return unresolved


def _due_problem(row: int, due: Due) -> RowProblem | None:
    if due.kind == DueKind.unknown:
        return RowProblem(row, FIELD_LABELS["due"], "DUE_UNKNOWN", f"完成时限“{due.text}”无法识别，请核对。")
    return None


def import_measures(uow: UnitOfWork, clock: Clock, actor: Actor, cmd: ImportMeasures) -> ImportResult:
    """整改措施表 → one tracked item per measure; what needs a person's look is in ``problems``."""
    # Imported here: the file readers load the Word library, which the scheduler and most CLI calls never need.
    from workflow.parsing.measures_file import parse_measures_file

    parsed = parse_measures_file(cmd.filename, cmd.data)
    doc_date = cmd.doc_date or parsed.doc_date
    if doc_date is None:
        raise InvalidInput(
            "MEASURES_DATE_REQUIRED",
            "文件未写明成文日期，请用 --date 指定（如 2024-06-01），没有年份的完成时限（10月底）据此推算。",
        )
    now = clock.now()
    table = MeasureTable(
        office_id=cmd.office_id,
        title=parsed.title or cmd.filename,
        doc_date=doc_date,
        source_filename=cmd.filename,
        headers=json.dumps(list(parsed.headers), ensure_ascii=False),
        groups=json.dumps({k: list(v) for k, v in parsed.groups.items()}, ensure_ascii=False),
        created_at=now,
    )
    uow.tracking.add(table)
    groups = {k: list(v) for k, v in parsed.groups.items()}
    problems = [p.to_dict() for p in parsed.problems]
    items = _NewItems(_directory(uow, cmd.office_id).resolver(groups))
    for row in parsed.rows:
        due = parse_due(row.due_text, doc_date)
        if (bad := _due_problem(row.row, due)) is not None:
            problems.append(bad.to_dict())
        for number, text in row.measures or ((None, ""),):
            item = TrackedItem(
                table_id=table.id or 0,
                seq=len(items.items) + 1,
                row=row.row,
                category=row.category,
                problem=row.problem,
                measure_number=number,
                measure=text,
                provincial=row.provincial,
                responsible=row.city or row.provincial,
                due_text=due.text,
                due_kind=due.kind.value,
                due_date=due.on,
                created_at=now,
            )
            missing = items.add(item)
            if missing:
                problems.append(
                    RowProblem(
                        row.row,
                        FIELD_LABELS["city"],
                        "UNIT_UNRESOLVED",
                        f"责任单位“{'、'.join(missing)}”不在单位名录中，请用“tasks map-unit”指定对应单位。",
                    ).to_dict()
                )
    items.store(uow)
    problems = list({json.dumps(p, ensure_ascii=False, sort_keys=True): p for p in problems}.values())
    table.problems = json.dumps(problems, ensure_ascii=False)
    uow.tracking.add(table)
    record(
        uow,
        actor,
        now,
        "measures.imported",
        ref("measuretable", table.id),
        office_id=table.office_id,
        filename=cmd.filename,
        doc_date=doc_date.isoformat(),
        items=len(items.items),
        problems=len(problems),
    )
    uow.commit()
    return ImportResult(table.id or 0, _views(uow, items.items, today(clock)), problems)


def track_issued_draft(uow: UnitOfWork, actor: Actor, now: datetime, draft_id: int) -> int:
    """An issued task-division draft becomes tracked items (one per task), in the caller's transaction."""
    draft = uow.drafts.get(draft_id)
    if draft is None or draft.office_id is None or uow.tracking.table_for_draft(draft_id) is not None:
        return 0
    version = uow.drafts.version(draft_id, draft.current_version)
    tasks = uow.drafts.tasks(version.id or 0) if version else []
    if not tasks:
        return 0
    parts = json.loads(version.parts or "[]") if version else []
    heading = {n: f"{p['ordinal']}{p['heading']}" for p in parts for n in p.get("task_numbers", [])}
    issued_on = now.astimezone(BEIJING).date()
    table = MeasureTable(
        office_id=draft.office_id,
        title=draft.title,
        source="draft",
        draft_id=draft_id,
        doc_date=issued_on,
        source_filename=draft.issued_doc_number or "",
        created_at=now,
    )
    uow.tracking.add(table)
    items = _NewItems(_directory(uow, draft.office_id).resolver({}))
    unresolved = 0
    for task, task_items in tasks:
        content = "\n".join(
            f"{i.label}{i.content}"
            if i.label.startswith("(")
            else (f"{i.label}：{i.content}" if i.label else i.content)
            for i in task_items
        )
        due = due_in_text(content, issued_on)
        item = TrackedItem(
            table_id=table.id or 0,
            seq=task.number,
            row=task.number,
            category=heading.get(task.number, ""),
            problem=task.title,
            measure_number=task.number,
            measure=content,
            responsible="\n".join(dict.fromkeys(i.responsible for i in task_items if i.responsible.strip())),
            due_text=due.text,
            due_kind=due.kind.value,
            due_date=due.on,
            created_at=now,
        )
        unresolved += bool(items.add(item))
    items.store(uow)
    record(
        uow,
        actor,
        now,
        "tasks.tracked",
        ref("draft", draft_id),
        office_id=draft.office_id,
        table_id=table.id,
        items=len(tasks),
        unresolved=unresolved,
    )
    return len(tasks)


def list_items(
    uow: UnitOfWork,
    clock: Clock,
    office_id: int,
    *,
    overdue: bool = False,
    unit: str | None = None,
    table_id: int | None = None,
) -> list[dict[str, Any]]:
    items = uow.tracking.items(office_id, table_id)
    views = _views(uow, items, today(clock))
    if unit:
        wanted = resolve_unit(unit, uow.directory.units(office_id, active_only=False)).name
        views = [v for v in views if wanted in v["units"]]
    return [v for v in views if v["overdue"]] if overdue else views


@dataclass(frozen=True)
class MapResult:
    text: str
    unit: str
    items_updated: int
    still_unresolved: list[str]


def map_unit(uow: UnitOfWork, clock: Clock, actor: Actor, office_id: int, text: str, unit_name: str) -> MapResult:
    """Staff say once which unit a name means; every item of the office naming it is linked again."""
    wanted = text.strip()
    if not wanted:
        raise InvalidInput("MAPPING_TEXT_EMPTY", "请填写要对应的责任单位名称。")
    unit = resolve_unit(unit_name, uow.directory.units(office_id, active_only=False))
    now = clock.now()
    if not uow.tracking.has_mapping(office_id, wanted, unit.id or 0):
        uow.tracking.add(UnitMapping(office_id=office_id, text=wanted, unit_id=unit.id or 0, created_at=now))
    updated = 0
    left: list[str] = []
    tables = {t.id: t for t in uow.tracking.tables(office_id)}
    directory = _directory(uow, office_id)  # with the mapping just added
    resolvers: dict[int, Resolver] = {}  # per table: each has its own groups
    for item in uow.tracking.items(office_id):
        if wanted in item.responsible or wanted in json.loads(item.unresolved or "[]"):
            resolver = resolvers.get(item.table_id)
            if resolver is None:
                table = tables.get(item.table_id)
                resolver = resolvers[item.table_id] = directory.resolver(json.loads(table.groups) if table else {})
            missing = _resolve_into(uow, resolver, item)
            updated += 1
            left += [m for m in missing if m not in left]
    record(uow, actor, now, "unit_mapping.added", ref("unit", unit.id), office_id=office_id, text=wanted,
           unit=unit.name, items=updated)
    uow.commit()
    return MapResult(wanted, unit.name, updated, left)


def load_item(uow: UnitOfWork, item_id: int, *, for_update: bool = False) -> TrackedItem:
    item = uow.tracking.item(item_id, for_update=for_update)
    if item is None:
        raise NotFound("ITEM_NOT_FOUND", f"跟踪事项 {item_id} 不存在。", item_id=item_id)
    return item


def item_office(uow: UnitOfWork, item: TrackedItem) -> int | None:
    """The office whose tracked item this is (through its table)."""
    table = uow.tracking.table(item.table_id)
    return table.office_id if table is not None else None


def supervise(uow: UnitOfWork, clock: Clock, actor: Actor, item_id: int, note: str) -> TrackedItem:
    """挂牌督办: the item carries the note in every following progress request until it is closed."""
    item = load_item(uow, item_id, for_update=True)
    if item.state == TrackedItemState.closed:
        raise Conflict("ITEM_CLOSED", "该事项已销号，无需督办。", item_id=item_id)
    if not note.strip():
        raise InvalidInput("SUPERVISION_NOTE_REQUIRED", "挂牌督办须写明督办要求。")
    item.supervised, item.supervision_note = True, note.strip()
    uow.save(item)
    record(uow, actor, clock.now(), "item.supervised", ref("tracked_item", item.id), office_id=item_office(uow, item),
           note=item.supervision_note)
    uow.commit()
    return item


def store_evidence(
    uow: UnitOfWork,
    actor: Actor,
    now: datetime,
    item_id: int,
    filename: str,
    content_type: str,
    data: bytes,
    *,
    purpose: str,
    request_id: int | None = None,
) -> ItemEvidence:
    if not data:
        raise InvalidInput("EVIDENCE_EMPTY", "佐证材料文件为空。")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise PayloadTooLarge("EVIDENCE_TOO_LARGE", "佐证材料超过 20 MB，请压缩后上传。", size=len(data))
    row = ItemEvidence(
        item_id=item_id,
        request_id=request_id,
        purpose=purpose,
        filename=filename[:200] or "evidence",
        content_type=content_type or "application/octet-stream",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
        uploaded_by=actor.name,
        uploaded_at=now,
    )
    uow.tracking.add(row)
    return row


def close_item(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    item_id: int,
    filename: str,
    data: bytes,
    content_type: str = "application/octet-stream",
) -> TrackedItem:
    """销号: only an item a unit reported done, and only with the evidence of it."""
    now = clock.now()
    item = load_item(uow, item_id, for_update=True)
    evidence = (
        store_evidence(uow, actor, now, item_id, filename, content_type, data, purpose="signoff") if data else None
    )
    item.closed_at, item.closed_by = now, actor.name
    change_state(
        uow,
        actor,
        now,
        TRACKED_ITEM_MACHINE,
        item,
        "close",
        ItemContext(has_evidence=evidence is not None),
        action="item.closed",
        office_id=item_office(uow, item),
        evidence=evidence.filename if evidence else "",
        sha256=evidence.sha256 if evidence else "",
    )
    uow.commit()
    return item
