"""The real web app served by uvicorn in a thread, with the real scheduler, on a clock the test moves."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from sqlalchemy import Engine

from entrypoints.web.app import create_app
from kernel.clock import Clock
from storage.uow import uow_factory
from tests.support.processes import free_port, wait_http
from workflow.config import Settings
from workflow.scheduler import DeadlineScheduler, SchedulerSettings


@contextmanager
def live_server(settings: Settings, engine: Engine, clock: Clock, *, ready: str = "/healthz") -> Iterator[str]:
    """``ready``: the path that answers below 500 once the server is up (``/login`` for a broken database)."""
    port = free_port()
    app = create_app(settings, engine=engine, clock=clock)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False)  # as `serve`
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    scheduler = DeadlineScheduler(
        uow_factory(engine),
        clock,
        SchedulerSettings(sweep_interval_seconds=0.5, resync_interval_seconds=0.5, reminder_hours=[]),
    )
    thread.start()
    url = f"http://127.0.0.1:{port}"
    wait_http(url + ready)
    scheduler.start()
    try:
        yield url
    finally:
        scheduler.shutdown()
        server.should_exit = True
        thread.join(timeout=10)
        time.sleep(0.1)
