"""The web application factory (FastAPI)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from storage.db import make_engine
from workflow.clock import Clock, SystemClock
from workflow.config import Settings


def create_app(settings: Settings, *, engine: Engine | None = None, clock: Clock | None = None) -> FastAPI:
    app = FastAPI(title="consultflow", openapi_url="/api/v1/openapi.json", docs_url="/api/v1/docs")
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.clock = clock or SystemClock()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
