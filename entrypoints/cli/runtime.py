"""What every CLI command shares: settings, engine, clock, output mode, the office and error rendering.

Every command acts for one office: ``--office CODE`` anywhere on the line, else the config's
``[offices] default``. Its unit of work is scoped to that office (``storage.scope``), so a round or unit
of another office is not found. The server's own commands (init, offices, sweep, notify, audit
verify/checkpoint, backup, serve, scheduler) act for every office.
"""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from kernel.actors import Actor, Role
from kernel.clock import Clock, SystemClock
from kernel.errors import DomainError, NotFound

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from storage.uow import UnitOfWork, UowFactory
    from workflow.config import Settings
    from workflow.doc_types import DocTypes

# Start-up time: `consultflow --help` and every command pay for what this module imports at the top, so
# the database, the settings and the services are imported where they are first needed (issue 13: a CLI
# call took 1.2 s, almost all of it importing SQLAlchemy, Alembic, python-docx and FastAPI).


@dataclass
class Runtime:
    config_path: str | None = None
    as_json: bool = False
    clock: Clock = field(default_factory=SystemClock)
    office_code: str | None = None  # --office CODE; None: the config's default office
    collection_paused: bool = False  # main() paused the garbage collector for this process (resume_collection)

    @cached_property
    def settings(self) -> Settings:
        # Imported on first use: start-up stays light (see the note at the top).
        from kernel.passwords import use_cost
        from workflow.config import load_settings

        settings = load_settings(self.config_path)
        use_cost(settings.password_cost)
        return settings

    def configure_logging(self) -> None:
        """structlog as configured (``[logging]``), for the commands that log: serve, scheduler, notify.
        Only they reach a module that logs (the relay, channels, scheduler, web errors); importing structlog
        (and Rich, which it loads) would cost every other command 0.1 s."""
        # Imported on first use: start-up stays light (see the note at the top).
        from workflow.logging import configure_logging

        configure_logging(self.settings.log_format, self.settings.log_level)

    @cached_property
    def rules(self) -> DocTypes:
        """The office's document types: ``[doc_types]`` over the shipped defaults."""
        # Imported on first use: start-up stays light (see the note at the top).
        from workflow.doc_types import DocTypes

        return DocTypes.from_settings(self.settings)

    @cached_property
    def engine(self) -> Engine:
        # Imported on first use: start-up stays light (see the note at the top).
        from storage.checkpoints import install
        from storage.db import make_engine
        from workflow.services.checkpoints import load_publisher

        engine = make_engine(self.settings.database_url)
        # Commits through this engine publish signed audit checkpoints (if the key file exists).
        install(engine, load_publisher(self.settings))
        self.resume_collection()
        return engine

    def resume_collection(self) -> None:
        """Let the garbage collector run again, now that the command has loaded its libraries.

        ``main`` pauses it in a process of its own: loading Typer, Pydantic, SQLAlchemy, SQLModel and the
        services creates about 120,000 objects that live until the process ends, and the collector, run after
        every 700 new ones, walked them over and over (about 170 collections, 40-50 ms of CPU of every
        database command) and freed almost nothing. The command resumes it when it starts its work (it enters
        ``domain_errors`` or creates the engine): what exists then is frozen out of the collector's reach
        (``gc.freeze()``), and the collector runs as usual for the work, so a long command (a large import,
        ``serve``, the scheduler) frees its cycles as before. A command that does no work (help) resumes it as
        it ends."""
        if self.collection_paused:
            self.collection_paused = False
            gc.freeze()
            gc.enable()

    def close(self) -> None:
        """Close the database connections this command opened (a SQLite database is then checkpointed and
        its write-ahead log removed, as on a clean exit)."""
        engine = self.__dict__.get("engine")
        if engine is not None:
            engine.dispose()

    def ready_engine(self) -> Engine:
        """The engine of an initialised database, or a clear error telling how to get one (checked once per
        command: the office look-up and the command's own unit of work both ask)."""
        if "_ready" not in self.__dict__:
            # Imported on first use: start-up stays light (see the note at the top).
            from storage.migrate import is_initialised

            if not is_initialised(self.engine):
                raise DomainError("DB_NOT_INITIALISED", "数据库尚未初始化，请先执行 consultflow init。")
            self.__dict__["_ready"] = True
        return self.engine

    def uow(self, *, importing: bool = False, all_offices: bool = False) -> UnitOfWork:
        """A unit of work for the chosen office (``all_offices``: the server's own commands)."""
        # Imported on first use: start-up stays light (see the note at the top).
        from storage.uow import UnitOfWork

        offices = None if all_offices else (self.office_id(),)
        return UnitOfWork(self.ready_engine(), importing=importing, offices=offices)

    def uows(self) -> UowFactory:
        """A unit of work per transaction, for services that need several (sweep, relay, scheduler): these
        enforce deadlines and send notices for every office."""
        # Imported on first use: start-up stays light (see the note at the top).
        from storage.uow import uow_factory

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
            # Imported on first use: start-up stays light (see the note at the top).
            from storage.uow import UnitOfWork

            # Read-only: on SQLite it then waits for no writer (a write transaction queues for the lock).
            with UnitOfWork(self.ready_engine(), read_only=True) as uow:
                configured = self.settings.profile(code)
                found = uow.directory.office_by_code(code)
                if found is None and configured is not None:  # a database made before offices had codes
                    found = uow.directory.office_by_name(configured.name)
                if found is None:
                    # Imported only for the error: it lists the offices there are (start-up stays light).
                    from workflow.services.offices import office_by_code

                    found = office_by_code(uow, code)
                office = found
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
    """A refusal, or a database that cannot serve (``DB_UNAVAILABLE``), as one line with its code.

    Every command does its work in here, after importing what it needs: the garbage collector resumes."""
    rt().resume_collection()
    try:
        yield
    except DomainError as exc:
        rt().fail(exc)
    except Exception as exc:
        mapped = database_unavailable(exc)
        if mapped is None:
            raise
        rt().fail(mapped)


def database_unavailable(exc: BaseException) -> DomainError | None:
    """``DB_UNAVAILABLE`` for a database that cannot serve, else None (``storage.db.unavailable``). A
    command that never touched the database has not imported SQLAlchemy, and its errors are not the
    database's."""
    if "sqlalchemy" not in sys.modules:
        return None
    # Imported only when SQLAlchemy is already loaded: start-up stays light (see the note at the top).
    from storage.db import unavailable

    return unavailable(exc)


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
