"""/healthz tells monitoring when deadlines or notices are not being handled (no scheduler, no relay)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from entrypoints.web.app import create_app
from notifications.channels.console import ConsoleChannel
from notifications.relay import Relay
from storage.db import make_engine
from storage.uow import uow_factory
from tests.support.web import WebWorld, build_world, login
from workflow.notices import build_composer
from workflow.services.deadlines import sweep


@pytest.fixture
def world(engine: Engine, db_url: str, tmp_path: Path) -> WebWorld:
    return build_world(engine, db_url, tmp_path)


def test_health_reports_a_missing_scheduler_and_relay(world: WebWorld) -> None:
    client = world.client()
    fine = client.get("/healthz")
    assert fine.status_code == 200
    assert fine.json() == {
        "status": "ok",
        "checks": {"database": "ok", "overdue_rounds": 0, "unsent_messages": 0},
        "problems": [],
    }

    world.clock.set(world.deadline + timedelta(minutes=5))  # nothing ran: no sweep, no relay
    degraded = client.get("/healthz")
    assert degraded.status_code == 503 and degraded.json()["status"] == "degraded"
    assert degraded.json()["checks"]["overdue_rounds"] == 1
    assert degraded.json()["checks"]["unsent_messages"] == 4
    problems = " ".join(degraded.json()["problems"])
    assert "截止时间调度器可能未运行" in problems and "2026-03-04T09:00:00+08:00" in problems
    assert "消息发送进程可能未运行" in problems
    staff = world.client()
    login(staff, "zhaojian")
    banner = staff.get("/").text
    assert "截止时间调度器可能未运行" in banner and "请联系系统管理员" in banner, "staff see it on the dashboard"
    assert len(staff.get("/api/v1/dashboard").json()["problems"]) == 2

    sweep(uow_factory(world.engine), world.clock)
    channels = {name: ConsoleChannel() for name in ("email", "webhook", "wecom", "dingtalk", "console")}
    composer = build_composer(world.settings, world.clock, attachments=False)
    Relay(uow_factory(world.engine), world.clock, channels, composer).run_once()
    assert client.get("/healthz").status_code == 200


def test_an_unreachable_database_is_a_503(world: WebWorld) -> None:
    gone = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/consultflow?connect_timeout=2")
    client = TestClient(create_app(world.settings, engine=gone, clock=world.clock))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["checks"] == {"database": "error"}
    assert response.json()["problems"][0].startswith("数据库不可用")
