"""Account lifecycle from the CLI, seen by the web app on the same database: disable, enable, reset."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from entrypoints.web.app import create_app
from kernel.clock import FixedClock
from storage.db import make_engine
from tests.support.cli import Cli, table_counts, write_config
from workflow.config import load_settings

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
OLD, NEW = "anweiban-2023-old", "anweiban-2026-new"


@pytest.fixture
def world(tmp_path: Path, db_url: str) -> tuple[Cli, TestClient, str]:
    config = write_config(tmp_path / "config.toml", db_url)
    clock = FixedClock(NOW)
    cli = Cli(config, clock)
    cli.ok("init")
    cli.ok("users", "add", "--username", "zhaojian", "--name", "赵健", "--role", "staff", "--password", OLD)
    app = create_app(load_settings(config), clock=clock)
    return cli, TestClient(app, base_url="http://testserver"), db_url


def _login(client: TestClient, password: str) -> int:
    return client.post("/api/v1/session", json={"username": "zhaojian", "password": password}).status_code


def test_disable_enable_and_reset_password(world: tuple[Cli, TestClient, str]) -> None:
    cli, client, _ = world
    assert _login(client, OLD) == 200 and client.get("/api/v1/rounds").status_code == 200

    assert cli.ok("users", "disable", "--username", "zhaojian") == {"username": "zhaojian", "active": False}
    assert client.get("/api/v1/rounds").status_code == 401, "the open session ended"
    assert _login(client, OLD) == 422
    assert cli.ok("users", "list")["users"][0]["active"] is False
    assert "（已停用）" in cli("users", "list", json=False).stdout

    cli.ok("users", "enable", "--username", "zhaojian")
    assert _login(client, OLD) == 200
    cli.ok("users", "password", "--username", "zhaojian", "--password", NEW)
    assert client.get("/api/v1/rounds").status_code == 401, "a reset ends every session"
    assert _login(client, OLD) == 422 and _login(client, NEW) == 200

    events = [e["action"] for e in cli.ok("audit", "export", "--format", "json")["events"]]
    assert [a for a in events if a.startswith("user.")] == [
        "user.created",
        "user.disabled",
        "user.enabled",
        "user.password_reset",
    ]


def test_bad_account_commands_change_nothing(world: tuple[Cli, TestClient, str]) -> None:
    cli, _, db_url = world
    engine = make_engine(db_url)
    before = table_counts(engine)
    assert cli.error("users", "disable", "--username", "nobody")["code"] == "USER_UNKNOWN"
    assert cli.error("users", "enable", "--username", "zhaojian")["code"] == "USER_STATE_UNCHANGED"
    short = cli.error("users", "password", "--username", "zhaojian", "--password", "short")
    assert short == {"code": "PASSWORD_TOO_SHORT", "message": "密码至少需要10个字符。"}
    plain = cli("users", "disable", "--username", "nobody", json=False)
    assert plain.exit_code != 0 and "用户名“nobody”不存在" in plain.stderr
    assert table_counts(engine) == before
    engine.dispose()


def test_the_last_admin_who_can_sign_in_is_never_disabled(world: tuple[Cli, TestClient, str]) -> None:
    cli, _, _ = world
    cli.ok("users", "add", "--username", "admin", "--name", "管理员", "--role", "admin", "--password", NEW)
    refused = cli.error("users", "disable", "--username", "admin")
    assert refused["code"] == "USER_LAST_ADMIN" and "无人能管理账号" in refused["message"]
    cli.ok("users", "add", "--username", "admin2", "--name", "副管理员", "--role", "admin", "--password", NEW)
    assert cli.ok("users", "disable", "--username", "admin") == {"username": "admin", "active": False}
    assert cli.error("users", "disable", "--username", "admin2")["code"] == "USER_LAST_ADMIN"
