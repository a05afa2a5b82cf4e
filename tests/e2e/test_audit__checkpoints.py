"""Signed checkpoints: published at round milestones and every N events, after the commit; written on
demand; printed in the documents a round produces; a failing checkpoint file never blocks the round."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from kernel.clock import FixedClock
from storage.checkpoints import MILESTONES, install, read_checkpoints
from storage.db import make_engine
from storage.uow import UnitOfWork
from tests.support.audit_round import full_round
from tests.support.cli import Cli, write_config
from tests.support.scenario import STAFF
from workflow.config import load_settings
from workflow.services.audit import note_backup
from workflow.services.checkpoints import load_publisher

AUDIT = '\n[audit]\nsigning_key = "audit.key"\ncheckpoint_file = "out/checkpoints.jsonl"\ncheckpoint_every = 5\n'


def _setup(tmp_path: Path, db_url: str, clock: FixedClock) -> tuple[Cli, Path]:
    config = write_config(tmp_path / "config.toml", db_url, AUDIT)
    cli = Cli(config, clock)
    cli.ok("init")
    return cli, config


def test_milestones_and_every_n_events_publish_signed_checkpoints(
    tmp_path: Path, db_url: str, clock: FixedClock
) -> None:
    cli, config = _setup(tmp_path, db_url, clock)
    engine = make_engine(db_url)
    install(engine, load_publisher(load_settings(config)))
    try:
        full_round(engine, clock)
    finally:
        engine.dispose()
    published = read_checkpoints((tmp_path / "out/checkpoints.jsonl").read_text())
    seqs = [cp.seq for cp in published]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    exported = {e["seq"]: e for e in cli.ok("audit", "export", "--format", "json")["events"]}
    milestones = [e for e in exported.values() if e["action"] in MILESTONES]
    assert {e["action"] for e in milestones} >= {"round.started", "round.deadline_enforced", "draft.issued"}
    for event in milestones:  # signed as the head of the transaction that recorded the milestone
        signed = min(s for s in seqs if s >= event["seq"])
        assert {exported[n]["at"] for n in range(event["seq"], signed + 1)} == {event["at"]}, event["action"]
    ordinary = {"reply.submitted", "reply.late", "reply.late_admitted", "comment.decided"}
    assert ordinary & {exported[s]["action"] for s in seqs}, "every 5 events too, not only at milestones"
    assert all(exported[cp.seq]["hash"] == cp.hash for cp in published)
    verdict = cli.ok("audit", "verify", "--checkpoint", str(tmp_path / "out/checkpoints.jsonl"))
    assert verdict["ok"] and verdict["checkpoints"] == len(published)


def test_audit_checkpoint_writes_the_signed_head_and_documents_print_it(
    tmp_path: Path, db_url: str, clock: FixedClock
) -> None:
    cli, config = _setup(tmp_path, db_url, clock)
    engine = make_engine(db_url)
    install(engine, load_publisher(load_settings(config)))
    try:
        built = full_round(engine, clock)
    finally:
        engine.dispose()
    head = tmp_path / "head.json"
    written = cli.ok("audit", "checkpoint", "--output", str(head))
    data = json.loads(head.read_text())
    assert set(data) == {"seq", "hash", "at", "key_id", "signature"} and data["seq"] == written["seq"]
    assert data["key_id"] == cli.ok("audit", "public-key")["key_id"]
    rid = str(built.round_id)
    for kind in ("adoption", "review-package", "explanation", "audit"):
        md = cli("report", "--round", rid, "--kind", kind, "--format", "md", json=False).stdout
        assert f"审计检查点：序号 {data['seq']}；哈希 {data['hash']}" in md, kind
        assert f"密钥编号 {data['key_id']}" in md and data["signature"][:16] in md, kind
    docx = tmp_path / "review.docx"
    cli.ok("report", "--round", rid, "--kind", "review-package", "--format", "docx", "--output", str(docx))
    with zipfile.ZipFile(io.BytesIO(docx.read_bytes())) as archive:
        assert data["hash"] in archive.read("word/document.xml").decode()
    table = cli.ok("report", "--round", rid, "--kind", "adoption", "--format", "json")
    assert table["audit_checkpoint"]["hash"] == data["hash"]


def test_an_unwritable_checkpoint_file_never_blocks_the_round(tmp_path: Path, db_url: str, clock: FixedClock) -> None:
    cli, config = _setup(tmp_path, db_url, clock)
    (tmp_path / "out").write_text("a file where the directory should be")  # every write fails
    engine = make_engine(db_url)
    install(engine, load_publisher(load_settings(config)))
    try:
        full_round(engine, clock)
        assert cli.ok("audit", "verify")["ok"], "every business transaction committed"
        (tmp_path / "out").unlink()
        with UnitOfWork(engine) as uow:  # not a milestone, not the N-th event: retried because the last failed
            note_backup(uow, clock, STAFF, "/srv/b.db")
    finally:
        engine.dispose()
    [retried] = read_checkpoints((tmp_path / "out/checkpoints.jsonl").read_text())
    assert retried.seq == cli.ok("audit", "verify")["checked"]


def test_a_missing_key_is_named(tmp_path: Path, db_url: str, clock: FixedClock) -> None:
    cli, _ = _setup(tmp_path, db_url, clock)
    (tmp_path / "audit.key").unlink()
    assert cli.error("audit", "checkpoint")["code"] == "AUDIT_KEY_MISSING"
    assert (
        cli.error("audit", "verify", "--checkpoint", str(tmp_path / "nope.json"))["code"]
        == "AUDIT_CHECKPOINT_MALFORMED"
    )
