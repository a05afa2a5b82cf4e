"""serve, scheduler, notify: the long-running parts and their one-shot variants."""

from __future__ import annotations

import gc
import signal
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from entrypoints.cli.runtime import domain_errors, rt
from states.outbox import OutboxStatus

if TYPE_CHECKING:
    from notifications.relay import RelayResult
    from workflow.scheduler import DeadlineScheduler

notify_app = typer.Typer(help="消息发送", no_args_is_help=True)


def _check_secret_key() -> None:
    """Links sent from here must not be forgeable: a weak key stops a public (https) site, else warns."""
    import structlog

    rt().configure_logging()  # every command of this module logs, and each checks the key first
    warning = rt().settings.check_secret_key()
    if warning:
        structlog.get_logger("consultflow.security").warning("security.weak_secret_key", message=warning)


def _relay_fn() -> Callable[[], RelayResult]:
    """One relay run as configured (templates are checked when it is built)."""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from storage.uow import uow_factory
    from workflow.notices import build_relay

    r = rt()
    return build_relay(uow_factory(r.engine), r.clock, r.settings).run_once


def _scheduler() -> DeadlineScheduler:
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from storage.uow import uow_factory
    from workflow.scheduler import DeadlineScheduler, SchedulerSettings
    from workflow.tracking.schedule import ProgressSettings

    r = rt()
    return DeadlineScheduler(
        uow_factory(r.ready_engine()),
        r.clock,
        SchedulerSettings.from_mapping(r.settings.section("scheduler")),
        relay=_relay_fn(),
        progress=ProgressSettings.from_mapping(r.settings.section("progress")),
        rules=r.rules,
        secret=r.settings.secret_key,
    )


def serve(
    host: str | None = typer.Option(None, "--host"),
    port: int | None = typer.Option(None, "--port"),
    no_scheduler: bool = typer.Option(False, "--no-scheduler", help="只运行网页服务（多进程部署时）"),
) -> None:
    """运行网页服务（内含截止时间调度器）。"""
    import uvicorn

    # The web app (FastAPI, its templates and routes) is loaded only by the command that serves it.
    from entrypoints.web.app import create_app
    from workflow.reports.letters import check_office_templates

    r = rt()
    with domain_errors():
        _check_secret_key()
        r.ready_engine()
        with r.uow() as uow:  # every office's letter template renders, or the server does not start
            check_office_templates(uow)
        scheduler = None if no_scheduler else _scheduler()
        app = create_app(r.settings, engine=r.engine, clock=r.clock)
        if scheduler is not None:
            scheduler.start()
    # What start-up built (modules, templates, the app, the scheduler) lives as long as the process: frozen
    # out of the collector's generations, a full collection no longer walks those ~200,000 objects while a
    # page is being served (it cost a reviewer's page about 140 ms of CPU each time it ran).
    gc.collect()
    gc.freeze()
    try:
        # proxy_headers=False: uvicorn would otherwise take X-Forwarded-For from 127.0.0.1 as the client;
        # the app believes it only from [security] trusted_proxies (entrypoints/web/client_address.py).
        uvicorn.run(
            app, host=host or r.settings.host, port=port or r.settings.port, log_level="warning", proxy_headers=False
        )
    finally:
        if scheduler is not None:
            scheduler.shutdown()


def scheduler(once: bool = typer.Option(False, "--once", help="执行所有到期任务后退出")) -> None:
    """单独运行截止时间调度器。"""
    r = rt()
    with domain_errors():
        _check_secret_key()
        sched = _scheduler()
        if once:
            result = sched.run_once()
            r.emit(
                {"enforced_rounds": result.enforced_rounds, "deemed_no_objection": result.deemed_no_objection},
                f"已执行到期任务：截止 {result.enforced_rounds} 轮，{result.deemed_no_objection} 家单位视为无意见。",
            )
            return
        # Imported here (start-up stays light): a long-running scheduler creates every table class before its
        # jobs start on their threads, as the web app does (a one-off command creates only what it uses).
        from storage import models

        models.load_all()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        sched.start()
    try:
        stop.wait()
    finally:
        sched.shutdown()


@notify_app.command("once")
def notify_once() -> None:
    """发送所有到期的待发消息后退出。"""
    r = rt()
    with domain_errors():
        _check_secret_key()
        r.ready_engine()
        result = _relay_fn()()
    r.emit({"sent": result.sent, "failed": result.failed}, f"已发送 {result.sent} 条，失败 {result.failed} 条。")


@notify_app.command("retry")
def notify_retry(message: int = typer.Option(..., "--message")) -> None:
    """将发送失败的消息重新排队。"""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from workflow.services.notify_admin import retry_message

    r = rt()
    with domain_errors(), r.uow(all_offices=True) as uow:  # the server's outbox
        retry_message(uow, r.clock, r.actor, message)
    r.emit({"message_id": message, "status": OutboxStatus.pending}, f"消息 {message} 已重新排队。")
