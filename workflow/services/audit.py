"""Audit-trail verification and export for the justice bureau."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.timefmt import iso_beijing
from storage.audit import ChainVerdict, iter_events, verify_chain
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
    "from_state",
    "to_state",
    "payload",
    "imported",
    "prev_hash",
    "hash",
)


def verify(uow: UnitOfWork) -> ChainVerdict:
    return verify_chain(uow.session)


def export_events(uow: UnitOfWork, round_id: int | None = None) -> list[dict[str, Any]]:
    out = []
    for ev in iter_events(uow.session, round_id=round_id):
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
