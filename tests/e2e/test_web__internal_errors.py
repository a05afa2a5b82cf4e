"""Even a bug answers a code: the catch-all handler gives 500 INTERNAL_ERROR with a Chinese message and logs
the traceback, on the API and on the pages (never a bare "Internal Server Error")."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from structlog.testing import capture_logs

from tests.support.web import build_world


def _with_a_bug(app: FastAPI) -> FastAPI:
    def broken() -> None:
        raise ZeroDivisionError("a bug in a route")

    app.add_api_route("/api/v1/broken", broken)
    app.add_api_route("/broken", broken)
    return app


def test_a_bug_answers_internal_error_with_a_code(sqlite_engine: Engine, tmp_path: Path) -> None:
    world = build_world(sqlite_engine, f"sqlite:///{tmp_path / 'unit.db'}", tmp_path)
    client = TestClient(_with_a_bug(world.app), raise_server_exceptions=False)  # type: ignore[arg-type]
    with capture_logs() as logged:
        api = client.get("/api/v1/broken")
    assert api.status_code == 500
    assert api.json()["error"]["code"] == "INTERNAL_ERROR" and "服务器内部错误" in api.json()["error"]["message"]
    page = client.get("/broken")
    assert page.status_code == 500 and "服务器内部错误" in page.text and "INTERNAL_ERROR" in page.text
    [entry] = [e for e in logged if e["event"] == "web.internal_error"]
    assert entry["path"] == "/api/v1/broken" and isinstance(entry["exc_info"], ZeroDivisionError)  # traceback kept
