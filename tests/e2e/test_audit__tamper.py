"""The tamper suite: the 15 ways someone with write access to the database forged the trail in the
attack on issue 12, each detected by ``audit verify --checkpoint`` (the chain against a checkpoint signed
with a key the database does not hold) or, for attacks on the state tables, ``audit verify --state``.

Each case: a whole round through the services (checkpoints published as it goes), a signed checkpoint
of the head written with ``audit checkpoint --output``, one attack in raw SQL, then the verdict must
name the attack's code. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, delete, select, text, update

from kernel.clock import FixedClock
from storage.audit import GENESIS_HASH, event_hash
from storage.checkpoints import install
from storage.db import make_engine
from storage.models import AuditEvent, AuditHead
from storage.uow import UnitOfWork
from tests.support.audit_round import Built, full_round
from tests.support.cli import Cli, write_config
from tests.support.scenario import STAFF
from workflow.config import load_settings
from workflow.services.audit import note_backup
from workflow.services.checkpoints import load_publisher

AUDIT = (
    '\n[audit]\nsigning_key = "keys/audit.key"\ncheckpoint_file = "audit/checkpoints.jsonl"\ncheckpoint_every = 10\n'
)
EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]
HEAD = AuditHead.__table__  # type: ignore[attr-defined]


@dataclass
class World:
    cli: Cli
    engine: Engine
    built: Built
    checkpoint: Path
    tmp: Path

    def verify(self, *extra: str) -> dict[str, Any]:
        result = self.cli("audit", "verify", "--checkpoint", str(self.checkpoint), "--state", *extra)
        data = result.json
        if result.exit_code == 0:
            return {"ok": True, "codes": [], **data}
        assert result.exit_code == 3, result.stdout + result.stderr
        error = data["error"]
        return {"ok": False, "codes": [f["code"] for f in error["findings"]], **error}


@pytest.fixture
def world(tmp_path: Path, db_url: str, clock: FixedClock) -> Iterator[World]:
    config = write_config(tmp_path / "config.toml", db_url, AUDIT)
    cli = Cli(config, clock)
    init = cli.ok("init")
    assert init["audit_key_created"] is True
    assert (tmp_path / "keys/audit.key").stat().st_mode & 0o777 == 0o600
    engine = make_engine(db_url)
    install(engine, load_publisher(load_settings(config)))
    built = full_round(engine, clock)
    checkpoint = tmp_path / "head.json"
    cli.ok("audit", "checkpoint", "--output", str(checkpoint))
    yield World(cli, engine, built, checkpoint, tmp_path)
    engine.dispose()


def _rows(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(EVENTS).order_by(EVENTS.c.seq))]


def _last_seq(conn: Connection) -> int:
    return int(conn.execute(select(EVENTS.c.seq).order_by(EVENTS.c.seq.desc()).limit(1)).scalar_one())


def _rechain(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """What a careful forger does after changing rows: renumber, recompute every hash, fix the head."""
    conn.execute(delete(EVENTS))
    prev = GENESIS_HASH
    for seq, row in enumerate(rows, 1):
        row = {**row, "seq": seq, "prev_hash": prev}
        fields = {k: row[k] for k in ("seq", "at", "actor", "role", "action", "entity", "round_id")}
        fields |= {k: row[k] for k in ("from_state", "to_state", "payload", "imported", "prev_hash")}
        row["hash"] = prev = event_hash(**fields)
        conn.execute(EVENTS.insert().values(**row))
    conn.execute(update(HEAD).values(seq=len(rows), hash=prev))


def _middle(conn: Connection) -> int:
    return _last_seq(conn) // 2


# --- the 7 attacks the bare chain already caught -------------------------------------------------


def edit_payload(conn: Connection) -> None:
    seq = _middle(conn)
    conn.execute(update(EVENTS).where(EVENTS.c.seq == seq).values(payload='{"forged":true}'))


def edit_actor(conn: Connection) -> None:
    conn.execute(update(EVENTS).where(EVENTS.c.seq == 3).values(actor="冒名者"))


def edit_stored_hash(conn: Connection) -> None:
    seq = _middle(conn)
    conn.execute(update(EVENTS).where(EVENTS.c.seq == seq).values(hash="f" * 64))


def delete_middle_event(conn: Connection) -> None:
    conn.execute(delete(EVENTS).where(EVENTS.c.seq == _middle(conn)))


def delete_first_event(conn: Connection) -> None:
    conn.execute(delete(EVENTS).where(EVENTS.c.seq == 1))


def truncate_tail(conn: Connection) -> None:
    conn.execute(delete(EVENTS).where(EVENTS.c.seq > _last_seq(conn) - 3))


def reorder_events(conn: Connection) -> None:
    a, b = 4, 5
    conn.execute(update(EVENTS).where(EVENTS.c.seq == a).values(seq=-1))
    conn.execute(update(EVENTS).where(EVENTS.c.seq == b).values(seq=a))
    conn.execute(update(EVENTS).where(EVENTS.c.seq == -1).values(seq=b))


# --- the 8 that went through before checkpoints and content hashing ------------------------------


def truncate_and_rewrite_head(conn: Connection) -> None:
    keep = _last_seq(conn) - 3
    conn.execute(delete(EVENTS).where(EVENTS.c.seq > keep))
    last = conn.execute(select(EVENTS.c.hash).where(EVENTS.c.seq == keep)).scalar_one()
    conn.execute(update(HEAD).values(seq=keep, hash=last))


def delete_head_row(conn: Connection) -> None:
    conn.execute(delete(HEAD))


def edit_middle_and_rechain(conn: Connection) -> None:
    rows = _rows(conn)
    target = next(r for r in rows if r["action"] == "comment.decided" and r["to_state"] == "rejected")
    target["to_state"] = "adopted"
    target["payload"] = json.dumps({**json.loads(target["payload"]), "reason": ""}, ensure_ascii=False)
    _rechain(conn, rows)


def backdate_and_rechain(conn: Connection) -> None:
    rows = _rows(conn)
    late = next(r for r in rows if r["action"] == "reply.late")
    late["at"] = late["at"] - timedelta(days=3)
    late["action"], late["to_state"] = "reply.submitted", "with_comments"
    _rechain(conn, rows)


def delete_event_and_rechain(conn: Connection) -> None:
    rows = [r for r in _rows(conn) if r["action"] != "reply.late_admitted"]
    _rechain(conn, rows)


def change_comment_text(conn: Connection) -> None:
    conn.execute(text("UPDATE comment SET text = '建议全文删除。' WHERE id = (SELECT MIN(id) FROM comment)"))


def change_recipient_state(conn: Connection) -> None:
    conn.execute(text("UPDATE recipient SET state = 'with_comments' WHERE state = 'deemed_no_objection'"))


def change_decision_outcome(conn: Connection) -> None:
    conn.execute(text("UPDATE decision SET outcome = 'adopted', reason = '' WHERE outcome = 'rejected'"))


CASES: list[tuple[Callable[[Connection], None], str]] = [
    (edit_payload, "AUDIT_CHAIN_BROKEN"),
    (edit_actor, "AUDIT_CHAIN_BROKEN"),
    (edit_stored_hash, "AUDIT_CHAIN_BROKEN"),
    (delete_middle_event, "AUDIT_CHAIN_BROKEN"),
    (delete_first_event, "AUDIT_CHAIN_BROKEN"),
    (truncate_tail, "AUDIT_CHECKPOINT_MISSING"),
    (reorder_events, "AUDIT_CHAIN_BROKEN"),
    (truncate_and_rewrite_head, "AUDIT_CHECKPOINT_MISSING"),
    (delete_head_row, "AUDIT_CHAIN_BROKEN"),
    (edit_middle_and_rechain, "AUDIT_CHECKPOINT_MISMATCH"),
    (backdate_and_rechain, "AUDIT_CHECKPOINT_MISMATCH"),
    (delete_event_and_rechain, "AUDIT_CHECKPOINT_MISSING"),
    (change_comment_text, "AUDIT_STATE_MISMATCH"),
    (change_recipient_state, "AUDIT_STATE_MISMATCH"),
    (change_decision_outcome, "AUDIT_STATE_MISMATCH"),
]


def test_an_untouched_trail_passes_against_its_checkpoint_and_its_tables(world: World) -> None:
    verdict = world.verify()
    assert verdict["ok"] and verdict["checkpoints"] == 1 and verdict["differences"] == []
    assert verdict["state"]["checked"]["recipients"] == 5


@pytest.mark.parametrize(("attack", "code"), CASES, ids=[f.__name__ for f, _ in CASES])
def test_each_attack_on_the_database_is_detected(world: World, attack: Callable[[Connection], None], code: str) -> None:
    with world.engine.begin() as conn:
        attack(conn)
    verdict = world.verify()
    assert not verdict["ok"]
    assert code in verdict["codes"], verdict
    assert all(f["message"] for f in verdict["findings"]), "every finding says in Chinese what is wrong"


def test_the_state_check_names_entity_expected_and_found(world: World) -> None:
    with world.engine.begin() as conn:
        change_decision_outcome(conn)
        change_comment_text(conn)
    diffs = world.verify()["differences"]
    decided = [d for d in diffs if d["field"] == "采纳结论"]
    assert decided and all(d["expected"] == "rejected" and d["found"] == "adopted" for d in decided)
    text_diff = next(d for d in diffs if d["field"] == "意见内容")
    assert text_diff["found"] == "建议全文删除。" and text_diff["entity"].startswith("comment:")


def test_the_published_checkpoint_file_catches_a_rewrite_too(world: World) -> None:
    stored = world.tmp / "audit/checkpoints.jsonl"
    lines = stored.read_text().splitlines()
    assert len(lines) >= 4, "milestones (started, deadline, review requested/decided, issued) each publish one"
    world.checkpoint = stored
    assert world.verify()["ok"]
    with world.engine.begin() as conn:
        edit_middle_and_rechain(conn)
    assert "AUDIT_CHECKPOINT_MISMATCH" in world.verify()["codes"]


def test_a_forged_checkpoint_or_another_key_is_refused(world: World) -> None:
    data = json.loads(world.checkpoint.read_text())
    forged = world.tmp / "forged.json"
    forged.write_text(json.dumps({**data, "hash": "0" * 64}))
    world.checkpoint = forged
    assert "AUDIT_CHECKPOINT_SIGNATURE_INVALID" in world.verify()["codes"]
    forged.write_text(json.dumps({**data, "key_id": "0123456789abcdef"}))
    assert "AUDIT_CHECKPOINT_KEY_UNKNOWN" in world.verify()["codes"]


def test_the_reviewer_verifies_with_the_exported_public_key(world: World) -> None:
    pem = world.tmp / "office.pub"
    exported = world.cli.ok("audit", "public-key", "--output", str(pem))
    assert pem.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    verdict = world.verify("--public-key", str(pem))
    assert verdict["ok"] and verdict["latest_checkpoint"]["key_id"] == exported["key_id"]


def test_a_deleted_head_row_is_restored_on_the_next_write_and_the_deletion_stays_on_record(
    world: World, clock: FixedClock
) -> None:
    with world.engine.begin() as conn:
        delete_head_row(conn)
    clock.advance(timedelta(minutes=1))
    with UnitOfWork(world.engine) as uow:  # a later write neither fails with UNIQUE nor forks the chain
        note_backup(uow, clock, STAFF, "/tmp/backup.db")
    verdict = world.cli.ok("audit", "verify", "--checkpoint", str(world.checkpoint))
    assert verdict["ok"]
    events = world.cli.ok("audit", "export", "--format", "json")["events"]
    assert [e["action"] for e in events[-2:]] == ["audit.head_restored", "database.backup"]
