"""The web application factory (FastAPI + server-rendered Jinja2 pages, Simplified Chinese)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from entrypoints.web import (
    api,
    pages_auth,
    pages_chase,
    pages_decisions,
    pages_files,
    pages_links,
    pages_review,
    pages_round,
    pages_start,
    pages_unit,
    pages_units,
)
from entrypoints.web.deps import API_PREFIX
from entrypoints.web.errors import install as install_error_pages
from entrypoints.web.errors import status_for
from kernel.clock import Clock, SystemClock
from storage.db import make_engine
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.services.health import HealthPolicy, health
from workflow.services.ratelimit import RateRule

__all__ = ["create_app", "status_for"]  # status_for: the one mapping from error class to HTTP status

STATIC = Path(__file__).parent / "static"
MAX_BODY = 12 * 1024 * 1024


def create_app(settings: Settings, *, engine: Engine | None = None, clock: Clock | None = None) -> FastAPI:
    app = FastAPI(
        title="consultflow 征求意见系统",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.clock = clock or SystemClock()
    security = settings.section("security")
    app.state.login_rule = RateRule(
        "login", int(security.get("login_attempts_per_minute", 10)), "登录尝试过于频繁，请稍后再试。"
    )
    app.state.link_rule = RateRule(
        "reply_link", int(security.get("link_requests_per_minute", 60)), "访问过于频繁，请稍后再试。"
    )
    app.state.secret = settings.secret_key
    app.state.secure_cookies = settings.base_url.startswith("https://")
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next):  # type: ignore[no-untyped-def]
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY:
            return JSONResponse({"error": {"code": "UPLOAD_TOO_LARGE", "message": "上传内容超过 12 MB。"}}, 413)
        response: Response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"  # reply links carry a token in the URL
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
        )
        return response

    install_error_pages(app)
    app.state.health_policy = HealthPolicy.from_mapping(settings.section("health"))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        """200 when the database answers and deadlines and notices are being handled; else 503 and why."""
        try:
            with UnitOfWork(app.state.engine) as uow:
                result = health(uow, app.state.clock, app.state.health_policy)
        except SQLAlchemyError as exc:
            body = {
                "status": "error",
                "checks": {"database": "error"},
                "problems": [f"数据库不可用：{exc.__class__.__name__}"],
            }
            return JSONResponse(body, status_code=503)
        status = "ok" if result.ok else "degraded"
        return JSONResponse(
            {"status": status, "checks": result.checks, "problems": result.problems},
            status_code=200 if result.ok else 503,
        )

    for module in (
        pages_auth,
        pages_start,
        pages_round,
        pages_decisions,
        pages_files,
        pages_links,
        pages_chase,
        pages_units,
        pages_review,
        pages_unit,
    ):
        app.include_router(module.router)
    app.include_router(api.router, prefix=API_PREFIX)
    return app
