"""kill -9 during a reply storm: ``consultflow serve`` as a real process on loopback, a few hundred
concurrent link replies from another process, SIGKILL mid-stream, restart. Every reply the server
acknowledged (201) is stored exactly once, nothing is stored twice, the deadline that passed while the
server was down is caught up after the restart, and the audit trail verifies — chain, tables and the
checkpoints published before the crash. On SQLite and PostgreSQL. (The deadline is brought forward while
the server is down, so the test does not wait for a deadline set far enough away for a slow machine.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kernel.clock import SystemClock
from storage.checkpoints import read_checkpoints
from storage.db import create_schema, make_engine
from storage.models import Comment, Reply
from storage.signing import SigningKey
from storage.uow import UnitOfWork
from tests.support.cli import write_config
from tests.support.processes import ROOT, free_port, running, wait_http, wait_until
from tests.support.scenario import SECRET, STAFF, new_round, setup_office
from workflow.services.audit import verify
from workflow.services.audit_state import verify_state
from workflow.services.checkpoints import verify_against
from workflow.services.links import link_token
from workflow.services.rounds import change_deadline

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("realtime")]
CLOCK = SystemClock()
UNITS = 40
PER_UNIT = 8  # 320 replies
CONFIG = f"""
[security]
secret_key = "{SECRET}"
link_requests_per_minute = 100000
[scheduler]
sweep_interval_seconds = 60
resync_interval_seconds = 0.5
[audit]
signing_key = "audit.key"
checkpoint_file = "checkpoints.jsonl"
checkpoint_every = 20
"""


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_sigkill_mid_storm_loses_and_duplicates_no_acknowledged_reply(tmp_path: Path, db_url: str) -> None:
    engine = make_engine(db_url)
    create_schema(engine)
    config = write_config(tmp_path / "config.toml", db_url, CONFIG)
    key = SigningKey.create(tmp_path / "audit.key")
    office = setup_office(engine, CLOCK, units=UNITS)
    acks = tmp_path / "acks.jsonl"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"

    with running("serve", "--port", str(port), "--config", str(config), log=log) as server:
        wait_http(url + "/healthz", timeout=90)
        # The round starts once the server is up (its scheduler picks the deadline up within 0.5 s), with a
        # deadline far enough away that a slow machine still sends every reply in time.
        deadline = datetime.now(UTC) + timedelta(seconds=90)
        rid = new_round(engine, CLOCK, office, deadline, 1)
        with UnitOfWork(engine) as uow:
            tokens = [link_token(uow, CLOCK, SECRET, rec.id or 0) for rec, _u in uow.rounds.recipients(rid)]
            uow.commit()
        (tmp_path / "tokens.json").write_text(json.dumps(tokens))
        command = [sys.executable, "-m", "tests.support.reply_storm", url, str(tmp_path / "tokens.json"), str(acks)]
        storm = subprocess.Popen(
            [*command, "--per-token", str(PER_UNIT), "--threads", "16"],
            cwd=ROOT,
            env=os.environ.copy(),
        )

        def acknowledged_so_far() -> int:
            return sum(1 for a in _lines(acks) if a["status"] == 201) if acks.exists() else 0

        got_going = wait_until(lambda: acknowledged_so_far() >= 40, timeout=60)
        statuses = Counter(a["status"] for a in _lines(acks)) if acks.exists() else Counter()
        assert got_going, f"the storm got going: {statuses}"
        os.kill(server.pid, signal.SIGKILL)
        killed_at = datetime.now(UTC)
        server.wait()
        assert storm.wait(timeout=60) == 0
    answers = _lines(acks)
    acknowledged = [a for a in answers if a["status"] == 201]
    assert 40 <= len(acknowledged) < UNITS * PER_UNIT, "killed mid-stream, not before or after"
    assert any(a["status"] == 0 for a in answers), "some requests died with the server"
    assert killed_at < deadline, "killed while the round was open: the restart has a deadline to catch up"
    published_before = read_checkpoints((tmp_path / "checkpoints.jsonl").read_text())
    # While the server is down, staff bring the deadline forward; it passes before the server is back.
    deadline = datetime.now(UTC) + timedelta(seconds=1)
    with UnitOfWork(engine) as uow:
        change_deadline(uow, CLOCK, STAFF, rid, deadline, "提前截止")
    wait_until(lambda: datetime.now(UTC) > deadline + timedelta(seconds=0.5), timeout=5)

    with running("serve", "--port", str(port), "--config", str(config), log=log):
        wait_http(url + "/healthz", timeout=90)

        def caught_up() -> bool:
            with UnitOfWork(engine) as uow:
                row = uow.rounds.get(rid)
                return row is not None and row.state == "closed"

        assert wait_until(caught_up, timeout=30), "the deadline that passed during the downtime is enforced"

    with UnitOfWork(engine) as uow:
        texts = Counter(uow.session.execute(select(Comment.text)).scalars())
        stored_replies = uow.session.execute(select(func.count()).select_from(Reply)).scalar_one()
        for a in acknowledged:
            assert texts[str(a["nonce"])] == 1, f"acknowledged {a['nonce']} stored {texts[str(a['nonce'])]} times"
            reply = uow.replies.get(int(a["reply_id"]))
            assert reply is not None and reply.late == a["late"], "acknowledged on time stays on time"
        assert max(texts.values()) == 1, "nothing stored twice"
        assert stored_replies == sum(texts.values()) >= len(acknowledged)
        states = Counter(r.state for r, _u in uow.rounds.recipients(rid))
        replied_units = {int(a["unit"]) for a in acknowledged}
        assert states["pending"] == 0 and states["with_comments"] >= len(replied_units)
        chain = verify(uow)
        replay = verify_state(uow)
        published = read_checkpoints((tmp_path / "checkpoints.jsonl").read_text())
        assert published_before and len(published) > len(published_before)
        report = verify_against(uow, published, key)
    assert chain.ok, chain
    assert replay.ok, [d.message for d in replay.differences]
    assert report.ok, [f.message for f in report.findings]
    engine.dispose()
