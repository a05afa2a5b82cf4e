"""The reviewer's CSV export carries every hashed field: every hash recomputes from the CSV alone."""

from __future__ import annotations

import csv
import io

from sqlalchemy import Engine

from kernel.actors import Actor, Role
from kernel.clock import FixedClock
from storage.uow import UnitOfWork
from tests.support.audit_round import full_round
from workflow.reports.render import render_report
from workflow.services.audit import csv_event_hash, events_csv, export_events, note_backup


def _rows(data: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.lstrip("\ufeff"))))


def test_every_hash_in_the_exported_csv_recomputes_from_its_row(engine: Engine, clock: FixedClock) -> None:
    built = full_round(engine, clock)
    for name in ("'=SUM(A1)", "-负责人", "@admin", "'quoted"):  # formula-like and apostrophe-led cells
        with UnitOfWork(engine) as uow:
            note_backup(uow, clock, Actor(name, Role.staff), "/srv/backup.db")
    with UnitOfWork(engine) as uow:
        whole = _rows(events_csv(export_events(uow)))
        round_csv = _rows(render_report(uow, built.round_id, "audit", "csv").data.decode("utf-8"))
        tip = uow.audit.head()
    assert {"round_id", "payload", "imported", "prev_hash", "hash"} <= set(whole[0])
    assert tip is not None and len(whole) == tip[0], "the export carries every stored event"
    assert len(round_csv) > 15
    prev = "0" * 64
    for row in whole:
        assert row["prev_hash"] == prev, f"seq {row['seq']} does not follow its predecessor"
        assert csv_event_hash(row) == row["hash"], f"seq {row['seq']} ({row['action']}) does not recompute"
        prev = row["hash"]
    assert all(csv_event_hash(row) == row["hash"] for row in round_csv)
    assert {r["round_id"] for r in round_csv} == {str(built.round_id)}
    assert [r["actor"] for r in whole[-4:]] == ["''=SUM(A1)", "'-负责人", "'@admin", "''quoted"]
