"""A relay process killed (SIGKILL) after the SMTP server accepted a message and before the
database recorded it: the next relay re-sends it with the same Message-ID, and nothing is lost."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kernel.clock import SystemClock
from storage.db import create_schema, make_engine
from storage.uow import UnitOfWork
from tests.support.cli import write_config
from tests.support.processes import ROOT, cli_command, wait_until
from tests.support.scenario import new_round, setup_office
from tests.support.smtp_server import SmtpServer

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("realtime")]


def test_killed_relay_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "relay.db"
    engine = make_engine(f"sqlite:///{db}")
    create_schema(engine)
    clock = SystemClock()
    office = setup_office(engine, clock, units=3)
    rid = new_round(engine, clock, office, datetime.now(UTC) + timedelta(days=1), 1)
    server = SmtpServer()
    config = (
        write_config(
            tmp_path / "config.toml",
            f"sqlite:///{db}",
            f"""
[notifications.smtp]
host = "127.0.0.1"
port = {server.port}
sender = "ajw@xiaoyi.example.cn"
timeout = 5
""",
        )
        .read_text(encoding="utf-8")
        .replace('enabled = ["console"]\nconsole_only = true', 'enabled = ["email"]\nlease_seconds = 1\nbatch = 1')
    )
    (tmp_path / "config.toml").write_text(config, encoding="utf-8")
    blocker = sqlite3.connect(db, timeout=30, isolation_level=None, check_same_thread=False)
    original = server.handler.handle_DATA

    async def accept_then_freeze_the_database(srv, session, envelope):  # type: ignore[no-untyped-def]
        answer = await original(srv, session, envelope)
        if len(server.received) == 1:
            blocker.execute("BEGIN IMMEDIATE")  # the relay cannot record what it just sent
        return answer

    server.handler.handle_DATA = accept_then_freeze_the_database  # type: ignore[method-assign]
    server.start()
    try:
        relay = subprocess.Popen(
            cli_command("notify", "once", "--config", str(tmp_path / "config.toml")),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert wait_until(lambda: len(server.received) == 1, timeout=20)
        time.sleep(0.5)
        relay.send_signal(signal.SIGKILL)
        relay.wait(timeout=10)
        blocker.execute("ROLLBACK")
        with UnitOfWork(engine) as uow:
            statuses = Counter(m.status for m in uow.outbox.for_round(rid))
        assert statuses == {"sending": 1, "pending": 2}  # sent, but not recorded
        time.sleep(1.2)  # the dead relay's lease runs out
        again = subprocess.run(
            cli_command("notify", "once", "--config", str(tmp_path / "config.toml"), "--json"),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert again.returncode == 0, again.stdout + again.stderr
    finally:
        server.stop()
        blocker.close()
    with UnitOfWork(engine) as uow:
        assert Counter(m.status for m in uow.outbox.for_round(rid)) == {"sent": 3}
    per_recipient = Counter(r.rcpt_tos[0] for r in server.received)
    assert set(per_recipient) == {f"unit{i}@xiaoyi.example.cn" for i in (1, 2, 3)}
    first = server.received[0]
    resent = [r for r in server.received if r.rcpt_tos == first.rcpt_tos]
    assert len(resent) == 2 and len({r.message["Message-ID"] for r in resent}) == 1  # the receiver can drop it
    engine.dispose()
