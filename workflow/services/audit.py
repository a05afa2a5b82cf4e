"""Audit-trail verification and export for the justice bureau."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.timefmt import iso_beijing
from storage.audit import ChainVerdict
from storage.uow import UnitOfWork
from workflow.services._common import record
from workflow.spreadsheet import safe_cell

FIELDS = (
    "seq",
    "at",
    "actor",
    "role",
    "action",
    "entity",
    "round_id",
    "from_state",
    "to_state",
    "payload",
    "imported",
    "prev_hash",
    "hash",
)


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
    out = []
    for ev in uow.audit.events(round_id=round_id):
        out.append(
            {
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
            }
        )
    return out


def events_csv(events: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(FIELDS), extrasaction="ignore")
    writer.writeheader()
    for ev in events:
        row = {**ev, "payload": json.dumps(ev["payload"], ensure_ascii=False)}
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return buf.getvalue()


def note_backup(uow: UnitOfWork, clock: Clock, actor: Actor, output: str) -> None:
    """Who copied the data out, when, and where to, is itself on the record (written before the copy)."""
    record(uow, actor, clock.now(), "database.backup", "database", output=output)
    uow.commit()
