"""Audit-trail verification and export for the justice bureau."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.timefmt import iso_beijing
from storage.audit import EVENT_COLUMNS, ChainVerdict, canonical_payload, event_hash
from storage.uow import UnitOfWork
from workflow.services._common import load_round, record
from workflow.spreadsheet import safe_cell

FIELDS = EVENT_COLUMNS  # the export's columns: every stored column, as the chain check reads them


@dataclass(frozen=True)
class Verdict:
    """The chain check as people read it: ``problem`` says in Chinese what is wrong where."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def explain(verdict: ChainVerdict) -> Verdict:
    """Chinese wording for the storage layer's fault codes."""
    seq = verdict.first_bad_seq
    problems = {
        "gap": f"缺少序号 {seq} 的审计记录（记录被删除或顺序被改动）",
        "prev_hash": f"序号 {seq} 的前序哈希与上一条记录不符",
        "hash": f"序号 {seq} 的审计记录内容与其哈希不符（记录被修改）",
        "tail": f"链尾记录缺失：应有 {verdict.expected_events} 条，实有 {verdict.checked} 条",
        "head_missing": f"链头记录（audithead 表）被删除：现存 {verdict.checked} 条审计记录，无法确认其后是否被截断",
    }
    return Verdict(verdict.ok, verdict.checked, seq, problems.get(verdict.fault, ""))


def verify(uow: UnitOfWork) -> Verdict:
    return explain(uow.audit.verify())


def export_events(uow: UnitOfWork, round_id: int | None = None) -> list[dict[str, Any]]:
    """The trail (one round's, if given) as the unit of work's offices may read it: a scoped unit of work
    exports its offices' events only; an unscoped one (the server's administrator) exports all."""
    if round_id is not None:
        load_round(uow, round_id)  # another office's round is not found, not an empty trail
    return [_exported(ev) for ev in uow.audit.events(round_id=round_id, offices=uow.offices)]


def count_events(uow: UnitOfWork, round_id: int | None = None) -> int:
    """How many events :func:`export_events` would export, counted in SQL."""
    if round_id is not None:
        load_round(uow, round_id)
    return uow.audit.count(round_id=round_id, offices=uow.offices)


def export_page(uow: UnitOfWork, round_id: int | None, offset: int, limit: int) -> list[dict[str, Any]]:
    """Events ``offset`` to ``offset + limit`` of :func:`export_events` (the same scope and order), paged in SQL."""
    if round_id is not None:
        load_round(uow, round_id)
    return [_exported(ev) for ev in uow.audit.page(round_id=round_id, offices=uow.offices, offset=offset, limit=limit)]


def _exported(ev: Any) -> dict[str, Any]:
    return {
        "seq": ev.seq,
        "at": iso_beijing(ev.at),
        "actor": ev.actor,
        "role": ev.role,
        "action": ev.action,
        "entity": ev.entity,
        "round_id": ev.round_id,
        "from_state": ev.from_state,
        "to_state": ev.to_state,
        "payload": json.loads(ev.payload or "{}"),
        "imported": ev.imported,
        "prev_hash": ev.prev_hash,
        "hash": ev.hash,
        "office_id": ev.office_id,
    }


def events_csv(events: list[dict[str, Any]]) -> str:
    """Every hashed field, so each hash can be recomputed from the CSV alone (README, "The audit trail"):
    ``payload`` is the exact JSON that was hashed, an empty ``from_state``/``to_state``/``round_id``/
    ``office_id`` is none, and a cell a spreadsheet would run as a formula — or one that itself starts
    with an apostrophe — gets one leading apostrophe, which a verifier drops."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(FIELDS), extrasaction="ignore")
    writer.writeheader()
    for ev in events:
        row = {**ev, "payload": canonical_payload(ev["payload"])}
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return buf.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("'"):
        return "'" + value
    return safe_cell(value)


def csv_event_hash(row: dict[str, str]) -> str:
    """Recompute one event's hash from a row of :func:`events_csv` (what a reviewer's script does)."""

    def cell(name: str) -> str:
        value = row[name]
        return value[1:] if value.startswith("'") else value

    return event_hash(
        seq=int(cell("seq")),
        at=datetime.fromisoformat(cell("at")),
        actor=cell("actor"),
        role=cell("role"),
        action=cell("action"),
        entity=cell("entity"),
        round_id=int(cell("round_id")) if cell("round_id") else None,
        from_state=cell("from_state") or None,
        to_state=cell("to_state") or None,
        payload=cell("payload"),
        imported=cell("imported") == "True",
        prev_hash=cell("prev_hash"),
        office_id=int(cell("office_id")) if row.get("office_id") else None,
    )


def note_backup(uow: UnitOfWork, clock: Clock, actor: Actor, output: str) -> None:
    """Who copied the data out, when, and where to, is itself on the record (written before the copy)."""
    record(uow, actor, clock.now(), "database.backup", "database", output=output)
    uow.commit()
