"""What every CLI command shares: settings, engine, clock, output mode, the office and error rendering.

Every command acts for one office: ``--office CODE`` anywhere on the line, else the config's
``[offices] default``. Its unit of work is scoped to that office (``storage.scope``), so a round or unit
of another office is not found. The server's own commands (init, offices, sweep, notify, audit
verify/checkpoint, backup, serve, scheduler) act for every office.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NoReturn

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from kernel.actors import Actor, Role
from kernel.clock import Clock, SystemClock
from kernel.errors import DomainError, NotFound
from storage.checkpoints import install
from storage.db import make_engine, unavailable
from storage.migrate import is_initialised
from storage.uow import UnitOfWork, UowFactory, uow_factory
from workflow.config import Settings, load_settings
from workflow.doc_types import DocTypes
from workflow.logging import configure_logging
from workflow.services.checkpoints import load_publisher
from workflow.services.offices import office_by_code


@dataclass
class Runtime:
    config_path: str | None = None
    as_json: bool = False
    clock: Clock = field(default_factory=SystemClock)
    office_code: str | None = None  # --office CODE; None: the config's default office

    @cached_property
    def settings(self) -> Settings:
        settings = load_settings(self.config_path)
        configure_logging(settings.log_format, settings.log_level)
        return settings

    @cached_property
    def rules(self) -> DocTypes:
        """The office's document types: ``[doc_types]`` over the shipped defaults."""
        return DocTypes.from_settings(self.settings)

    @cached_property
    def engine(self) -> Engine:
        engine = make_engine(self.settings.database_url)
        # Commits through this engine publish signed audit checkpoints (if the key file exists).
        install(engine, load_publisher(self.settings))
        return engine

    def ready_engine(self) -> Engine:
        """The engine of an initialised database, or a clear error telling how to get one."""
        if not is_initialised(self.engine):
            raise DomainError("DB_NOT_INITIALISED", "数据库尚未初始化，请先执行 consultflow init。")
        return self.engine

    def uow(self, *, importing: bool = False, all_offices: bool = False) -> UnitOfWork:
        """A unit of work for the chosen office (``all_offices``: the server's own commands)."""
        offices = None if all_offices else (self.office_id(),)
        return UnitOfWork(self.ready_engine(), importing=importing, offices=offices)

    def uows(self) -> UowFactory:
        """A unit of work per transaction, for services that need several (sweep, relay, scheduler): these
        enforce deadlines and send notices for every office."""
        return uow_factory(self.ready_engine())

    @property
    def actor(self) -> Actor:
        import getpass

        return Actor(f"{getpass.getuser()}（命令行）", Role.staff)

    @property
    def office(self) -> str:
        """The code of the office this command acts for."""
        return self.office_code or self.settings.default_office

    def office_id(self) -> int:
        """The chosen office's id (looked up once per command)."""
        if "_office_id" not in self.__dict__:
            code = self.office
            if not code:
                raise NotFound(
                    "OFFICE_NOT_FOUND",
                    "配置文件中没有发文机关：请在 [offices] 中列出机关配置文件，或用 --office 指定。",
                )
            with UnitOfWork(self.ready_engine()) as uow:
                configured = self.settings.profile(code)
                found = uow.directory.office_by_code(code)
                if found is None and configured is not None:  # a database made before offices had codes
                    found = uow.directory.office_by_name(configured.name)
                office = found or office_by_code(uow, code)
            self.__dict__["_office_id"] = office.id or 0
        return int(self.__dict__["_office_id"])

    def emit(self, data: Any, human: str | Callable[[], str]) -> None:
        """One JSON value on stdout under --json, else the Chinese text for people."""
        if self.as_json:
            typer.echo(json.dumps(data, ensure_ascii=False, default=str))
        else:
            typer.echo(human() if callable(human) else human)

    def fail(self, error: DomainError, exit_code: int = 1) -> NoReturn:
        if self.as_json:
            typer.echo(json.dumps(error.to_dict(), ensure_ascii=False, default=str))
        else:
            typer.echo(f"错误：{error.message}（{error.code}）", err=True)
        raise typer.Exit(exit_code)


_CURRENT: list[Runtime] = [Runtime()]


def rt() -> Runtime:
    return _CURRENT[0]


def use_runtime(runtime: Runtime) -> Runtime:
    """Install the runtime for this invocation (main() does; tests pass one with a movable clock)."""
    _CURRENT[0] = runtime
    return runtime


@contextmanager
def domain_errors() -> Iterator[None]:
    """A refusal, or a database that cannot serve (``DB_UNAVAILABLE``), as one line with its code."""
    try:
        yield
    except DomainError as exc:
        rt().fail(exc)
    except SQLAlchemyError as exc:
        mapped = unavailable(exc)
        if mapped is None:
            raise
        rt().fail(mapped)


def extract_global_options(argv: list[str], runtime: Runtime) -> list[str]:
    """Accept --json, --config and --office anywhere on the line, so scripts need not care about order."""
    out: list[str] = []
    it = iter(range(len(argv)))
    skip = False
    for i in it:
        if skip:
            skip = False
            continue
        arg = argv[i]
        if arg == "--json":
            runtime.as_json = True
        elif arg == "--config" and i + 1 < len(argv):
            runtime.config_path = argv[i + 1]
            skip = True
        elif arg.startswith("--config="):
            runtime.config_path = arg.split("=", 1)[1]
        elif arg == "--office" and i + 1 < len(argv):
            runtime.office_code = argv[i + 1]
            skip = True
        elif arg.startswith("--office="):
            runtime.office_code = arg.split("=", 1)[1]
        else:
            out.append(arg)
    return out
