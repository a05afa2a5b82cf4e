"""The web application factory (FastAPI + server-rendered Jinja2 pages, Simplified Chinese)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from entrypoints.web import (
    api,
    pages_admin,
    pages_auth,
    pages_chase,
    pages_decisions,
    pages_drafts,
    pages_files,
    pages_issue,
    pages_links,
    pages_process,
    pages_progress,
    pages_public,
    pages_public_staff,
    pages_review,
    pages_round,
    pages_start,
    pages_tasks,
    pages_unit,
    pages_units,
)
from entrypoints.web.body_limit import BodyCaps, BodyLimit
from entrypoints.web.client_address import trusted_networks
from entrypoints.web.deps import API_PREFIX
from entrypoints.web.errors import install as install_error_pages
from entrypoints.web.errors import status_for
from entrypoints.web.openapi import install as install_openapi
from entrypoints.web.security_headers import SecurityHeaders
from kernel.clock import Clock, SystemClock
from kernel.passwords import use_cost
from storage import models
from storage.checkpoints import install, publisher_for
from storage.db import make_engine
from storage.uow import UnitOfWork
from workflow.config import Settings
from workflow.services.checkpoints import load_publisher
from workflow.services.health import HealthPolicy, health, prove_writable
from workflow.services.login_limits import LoginLimits
from workflow.services.ratelimit import RateRule
from workflow.services.replies import ReplyLimits

__all__ = ["create_app", "status_for"]  # status_for: the one mapping from error class to HTTP status

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings, *, engine: Engine | None = None, clock: Clock | None = None) -> FastAPI:
    app = FastAPI(
        title="consultflow 征求意见系统",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    use_cost(settings.password_cost)  # process-wide: the cost of the password hashes this server makes
    # Every table class now, at start-up (a CLI command creates only those it uses, storage.models): a
    # long-running server's first requests should not pay for them, nor create them on many threads at once.
    models.load_all()
    app.state.engine = engine or make_engine(settings.database_url)
    if publisher_for(app.state.engine) is None:  # signed audit checkpoints (storage.checkpoints)
        install(app.state.engine, load_publisher(settings))
    app.state.clock = clock or SystemClock()
    security = settings.section("security")
    app.state.login_limits = LoginLimits(
        per_account=RateRule(
            "login", int(security.get("login_attempts_per_minute", 10)), "该账号从本机登录失败次数过多。"
        ),
        per_client=RateRule(
            "login_client", int(security.get("login_attempts_per_client_per_minute", 30)), "本机登录尝试过于频繁。"
        ),
    )
    app.state.link_rule = RateRule(
        "reply_link", int(security.get("link_requests_per_minute", 60)), "访问过于频繁。"
    )
    app.state.link_probe_rule = RateRule(
        "link_probe", int(security.get("link_failures_per_minute", 20)), "无效回复链接的访问过于频繁。"
    )
    app.state.trusted_proxies = trusted_networks(security.get("trusted_proxies", []))
    app.state.reply_limits = ReplyLimits.from_mapping(security)
    app.state.secret = settings.secret_key
    app.state.secure_cookies = settings.base_url.startswith("https://")
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, caps=BodyCaps.from_mapping(security))  # outermost: counts bytes as they arrive
    install_error_pages(app)
    app.state.health_policy = HealthPolicy.from_mapping(settings.section("health"))

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> Response:
        """200 when the database takes a write and deadlines and notices are being handled; else 503 and why."""
        try:
            with UnitOfWork(app.state.engine) as uow:
                prove_writable(uow, app.state.clock)  # rolled back as the block ends without a commit
            with UnitOfWork(app.state.engine, read_only=True) as uow:
                result = health(uow, app.state.clock, app.state.health_policy)
        except SQLAlchemyError as exc:  # any database error: monitoring must hear of it, whatever it is
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

    # FastAPI tries routes one by one, in the order they were included, with no index: the routes a unit
    # uses through its personal link (the reply page /r/<token> and the link API) are included first, so a
    # reply is matched after a handful of routes instead of after about 115 staff routes. No path of these
    # matches a path of any other route (tests/e2e/test_web__route_order.py), so the order decides how soon
    # a request finds its route, never which route that is.
    app.include_router(pages_unit.router)
    app.include_router(api.link_router, prefix=API_PREFIX)
    for module in (
        pages_auth,
        pages_admin,
        pages_start,
        pages_round,
        pages_decisions,
        pages_drafts,
        pages_files,
        pages_issue,
        pages_links,
        pages_process,
        pages_chase,
        pages_units,
        pages_review,
        pages_tasks,
        pages_progress,
        pages_public,
        pages_public_staff,
    ):
        app.include_router(module.router)
    app.include_router(api.router, prefix=API_PREFIX)
    install_openapi(app, api.published, prefix=API_PREFIX)
    return app
