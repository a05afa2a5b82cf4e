"""Importing a draft and revising it into new versions."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput
from kernel.ids import ref
from kernel.text import check_text, check_texts
from states.draft import DRAFT_MACHINE, DraftContext, DraftStage, DraftState
from storage.models import Draft, DraftVersion, Task, TaskItem
from storage.uow import UnitOfWork
from workflow.doc_types import DEFAULT_TYPE, SHIPPED_TYPES, DocTypes
from workflow.item_matching import match_items
from workflow.parsing.draft_file import parse_draft_file
from workflow.parsing.draft_model import ParsedDraft
from workflow.parsing.draft_structure import UNRECOGNISED
from workflow.services._common import change_state, load_draft, record
from workflow.services.draft_items import item_rows, link_rows, units, version_items
from workflow.services.versions import diff_items


@dataclass(frozen=True)
class DraftStored:
    draft_id: int
    version: int
    tasks: int
    kind: str = "tasks"  # tasks | articles | sections
    items: int = 0  # addressable items: tasks, or chapters/sections/articles/款/项, or numbered headings
    changes: dict[str, int] = field(default_factory=dict)  # a revision: inserted/deleted/... counts

    def answer(self) -> dict[str, Any]:
        """What import and revise answer: ``tasks`` only for a task draft."""
        out: dict[str, Any] = {"draft_id": self.draft_id, "version": self.version}
        out |= {"kind": self.kind, "items": self.items}
        if self.kind == "tasks":
            out["tasks"] = self.tasks
        return out


def task_hash(title: str, items: list[tuple[str, str, str]]) -> str:
    """Fingerprint of a task's wording: equal hashes mean the task did not change."""
    norm = json.dumps([title.strip(), [[a.strip(), b.strip(), c.strip()] for a, b, c in items]], ensure_ascii=False)
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def _store_version(
    uow: UnitOfWork,
    draft: Draft,
    version: int,
    parsed: ParsedDraft,
    filename: str,
    stage: str,
    note: str,
    now: Any,
    previous: DraftVersion | None = None,
) -> DraftVersion:
    """The version, its task table (task drafts), its items, and how the previous version's items continue
    in it (matched by wording, so anchors survive renumbering)."""
    row = DraftVersion(
        draft_id=draft.id or 0,
        version=version,
        stage=stage,
        source_filename=filename,
        source_title=parsed.title,
        body=json.dumps(list(parsed.body), ensure_ascii=False),
        parts=json.dumps(
            [{"ordinal": p.ordinal, "heading": p.heading, "task_numbers": list(p.task_numbers)} for p in parsed.parts],
            ensure_ascii=False,
        ),
        note=note,
        created_at=now,
        kind=parsed.kind,
    )
    uow.drafts.add(row)
    addressable = item_rows(parsed.items)
    links = []
    if previous is not None:
        links = link_rows(match_items(units(version_items(uow, previous)), units(addressable)))
    uow.drafts.add_items(row.id or 0, addressable, links)
    rows = []
    for task in parsed.tasks:
        items = [(i.label, i.content, i.responsible) for i in task.items]
        rows.append(
            (
                Task(version_id=0, number=task.number, title=task.title, content_hash=task_hash(task.title, items)),
                [TaskItem(task_id=0, seq=n, label=a, content=b, responsible=c) for n, (a, b, c) in enumerate(items, 1)],
            )
        )
    uow.drafts.add_tasks(row.id or 0, rows)
    return row


def _check_stage(stage: str) -> str:
    try:
        return DraftStage(stage).value
    except ValueError:
        raise InvalidInput("DRAFT_STAGE_INVALID", f"文稿阶段“{stage}”无效。", stage=stage) from None


def check_parsed(parsed: ParsedDraft) -> None:
    """Every text a draft file carries into the database, checked for control characters (see kernel.text)."""
    check_text(parsed.title or "", "文稿标题")
    for draft_item in parsed.items:
        check_text(draft_item.heading, f"文稿{draft_item.label}")
        check_text(draft_item.text, f"文稿{draft_item.label}", multiline=True)
    for paragraph in parsed.body:
        check_text(paragraph, "文稿正文", multiline=True)
    for part in parsed.parts:
        check_text(part.heading, "文稿标题层次")
    for task in parsed.tasks:
        check_text(task.title, f"重点任务分工第{task.number}项", multiline=True)
        for item in task.items:
            for value in (item.label, item.content, item.responsible):
                check_text(value, f"重点任务分工第{task.number}项", multiline=True)


def import_draft(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    parsed: ParsedDraft,
    *,
    title: str,
    issuer: str,
    filename: str,
    office_id: int | None = None,
    stage: str = DraftStage.proposed,
    doc_type: str = DEFAULT_TYPE,
    legal_basis: str = "",
    rules: DocTypes = SHIPPED_TYPES,
) -> DraftStored:
    """Store a new draft at version 1 in the drafting state, as a document of type ``doc_type``."""
    check_texts({"文稿标题": title, "发文机关": issuer, "文件名": filename})
    check_parsed(parsed)
    if not title.strip():
        raise InvalidInput("DRAFT_TITLE_REQUIRED", "请填写文稿标题。")
    if not issuer.strip():
        raise InvalidInput("DRAFT_ISSUER_REQUIRED", "请填写发文机关。")
    _check_shape(parsed)
    kind = rules.get(doc_type)
    now = clock.now()
    draft = Draft(
        office_id=office_id,
        title=title.strip(),
        issuer=issuer.strip(),
        state=DRAFT_MACHINE.initial,
        current_version=1,
        doc_type=kind.key,
        legal_basis=legal_basis.strip(),
        created_at=now,
    )
    uow.drafts.add(draft)
    _store_version(uow, draft, 1, parsed, filename, _check_stage(stage), "", now)
    record(
        uow,
        actor,
        now,
        "draft.imported",
        ref("draft", draft.id),
        office_id=draft.office_id,
        to_state=draft.state,
        title=draft.title,
        issuer=draft.issuer,
        version=1,
        tasks=len(parsed.tasks),
        kind=parsed.kind,
        items=len(parsed.items),
        source=filename,
        doc_type=kind.key,
    )
    uow.commit()
    return DraftStored(draft.id or 0, 1, len(parsed.tasks), parsed.kind, len(parsed.items))


def _check_shape(parsed: ParsedDraft) -> None:
    """A draft must have something comments can point at: tasks, articles or numbered headings."""
    if not parsed.items:
        raise InvalidInput("DRAFT_TABLE_UNPARSEABLE", UNRECOGNISED)


def set_doc_type(
    uow: UnitOfWork, clock: Clock, actor: Actor, draft_id: int, doc_type: str, *, rules: DocTypes = SHIPPED_TYPES
) -> Draft:
    """Change a draft's type; only until its first round starts (the round was opened under the type's rules)."""
    kind = rules.get(doc_type)
    draft = load_draft(uow, draft_id, for_update=True)
    if uow.rounds.for_draft(draft_id):
        raise Conflict("DOC_TYPE_LOCKED", "该文稿已发起征求意见，文件类型不能再更改。", draft_id=draft_id)
    old = draft.doc_type
    draft.doc_type = kind.key
    uow.drafts.add(draft)
    record(uow, actor, clock.now(), "draft.type_changed", ref("draft", draft_id), office_id=draft.office_id,
           old_type=old, new_type=kind.key)
    uow.commit()
    return draft


def set_legal_basis(uow: UnitOfWork, clock: Clock, actor: Actor, draft_id: int, text: str) -> Draft:
    """制定依据 (one law, regulation or policy per line), part of the 送审材料; changeable until issue."""
    draft = load_draft(uow, draft_id, for_update=True)
    if draft.state in (DraftState.issued, DraftState.withdrawn):
        raise Conflict("DRAFT_CLOSED", "文稿已印发或撤回，不能再修改制定依据。", draft_id=draft_id)
    draft.legal_basis = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    uow.drafts.add(draft)
    record(uow, actor, clock.now(), "draft.legal_basis_set", ref("draft", draft_id), office_id=draft.office_id,
           legal_basis=draft.legal_basis)
    uow.commit()
    return draft


def revise_draft(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    draft_id: int,
    parsed: ParsedDraft,
    *,
    filename: str,
    note: str = "",
    stage: str | None = None,
) -> DraftStored:
    """A new version: after a return (goes back to drafting) or while deciding (carrying out comments)."""
    check_texts({"修改说明": note, "文件名": filename}, multiline=frozenset({"修改说明"}))
    check_parsed(parsed)
    draft = load_draft(uow, draft_id, for_update=True)
    now = clock.now()
    if not DRAFT_MACHINE.allows(draft.state, "revise"):
        DRAFT_MACHINE.fire(draft.state, "revise", DraftContext(now=now))  # raises, saying why not
    _check_shape(parsed)
    previous = uow.drafts.version(draft_id, draft.current_version)
    version = draft.current_version + 1
    _store_version(
        uow,
        draft,
        version,
        parsed,
        filename,
        _check_stage(stage or (previous.stage if previous else DraftStage.proposed)),
        note,
        now,
        previous,
    )
    draft.current_version = version
    changes = _change_counts(uow, draft_id, version) if previous is not None else {}
    change_state(
        uow, actor, now, DRAFT_MACHINE, draft, "revise", DraftContext(now=now),
        action="draft.revised",
        office_id=draft.office_id,
        version=version,
        tasks=len(parsed.tasks),
        kind=parsed.kind,
        items=len(parsed.items),
        changes=changes,
        source=filename,
        note=note,
    )
    uow.commit()
    return DraftStored(draft_id, version, len(parsed.tasks), parsed.kind, len(parsed.items), changes)


def _change_counts(uow: UnitOfWork, draft_id: int, version: int) -> dict[str, int]:
    """How many items the revision inserted, deleted, renumbered, changed… (recorded with the revision)."""
    return dict(Counter(c.change for c in diff_items(uow, draft_id, version - 1, version)))


def import_draft_file(
    uow: UnitOfWork, clock: Clock, actor: Actor, filename: str, data: bytes, **fields: Any
) -> DraftStored:
    """Parse an uploaded .txt/.md/.docx and store it as a new draft (the CLI, pages and API all come here)."""
    return import_draft(uow, clock, actor, parse_draft_file(filename, data), filename=filename, **fields)


def revise_draft_file(
    uow: UnitOfWork, clock: Clock, actor: Actor, draft_id: int, filename: str, data: bytes, note: str = ""
) -> DraftStored:
    return revise_draft(uow, clock, actor, draft_id, parse_draft_file(filename, data), filename=filename, note=note)
