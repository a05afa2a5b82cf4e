"""A database that answers reads but refuses writes (issue 12, item 6) is reported, never a bare 500:
/healthz answers 503, login and replies ``DB_UNAVAILABLE`` (503), and the CLI one Chinese line with the code.

The database is a real SQLite file opened read-only (``mode=ro``), as a full disk, a read-only mount or a
replica would be; reads still work, so only a write shows the fault.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from kernel.clock import FixedClock
from storage.db import make_engine
from tests.support.cli import Cli, write_config
from tests.support.live_server import live_server
from tests.support.web import PASSWORD, WebWorld, build_world
from workflow.config import load_settings


@pytest.fixture
def world(sqlite_engine: Engine, tmp_path: Path) -> WebWorld:
    return build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)


def _read_only_url(tmp_path: Path) -> str:
    return f"sqlite:///file:{tmp_path / 'unit.db'}?mode=ro&uri=true"


@pytest.fixture
def read_only(world: WebWorld, tmp_path: Path) -> Iterator[str]:
    url = _read_only_url(tmp_path)
    settings = load_settings(write_config(tmp_path / "ro.toml", url, '\n[security]\nsecret_key = "test-secret-key"\n'))
    engine = make_engine(url)
    with live_server(settings, engine, FixedClock(world.clock.now()), ready="/login") as base:
        yield base
    engine.dispose()


def test_healthz_proves_the_database_takes_writes(world: WebWorld, read_only: str) -> None:
    assert world.client().get("/healthz").status_code == 200  # the same file, writable
    answer = httpx.get(read_only + "/healthz")
    assert answer.status_code == 503
    assert answer.json()["checks"] == {"database": "error"} and "数据库不可用" in answer.json()["problems"][0]


def test_login_and_replies_answer_db_unavailable(world: WebWorld, read_only: str) -> None:
    token = world.token("测试单位001")  # minted while writable
    login = httpx.post(read_only + "/api/v1/session", json={"username": "zhaojian", "password": PASSWORD})
    assert login.status_code == 503, login.text
    assert login.json()["error"]["code"] == "DB_UNAVAILABLE" and "数据库暂时不可用" in login.json()["error"]["message"]
    reply = httpx.post(read_only + f"/api/v1/links/{token}/replies", json={"no_comments": True})
    assert reply.status_code == 503 and reply.json()["error"]["code"] == "DB_UNAVAILABLE"
    page = httpx.get(read_only + f"/r/{token}")
    assert page.status_code == 503 and "数据库暂时不可用" in page.text


def test_the_cli_prints_one_line_with_the_code(world: WebWorld, tmp_path: Path) -> None:
    config = write_config(tmp_path / "cli.toml", _read_only_url(tmp_path))
    cli = Cli(config, world.clock)
    add = (
        "users",
        "add",
        "--username",
        "wang",
        "--name",
        "王五",
        "--role",
        "staff",
        "--password",
        "long-enough-password",
    )
    human = cli(*add, json=False)
    assert human.exit_code == 1
    assert human.stderr.strip().splitlines() == [
        "错误：数据库暂时不可用（无法连接、只读或磁盘已满），本次操作未保存，请稍后重试或联系系统管理员。（DB_UNAVAILABLE）"
    ]
    assert "Traceback" not in human.stdout + human.stderr
    as_json = cli(*add)
    assert as_json.exit_code == 1 and as_json.json["error"]["code"] == "DB_UNAVAILABLE"
