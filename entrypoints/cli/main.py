"""The ``consultflow`` command: one Typer app, commands grouped by what staff do."""

from __future__ import annotations

import gc
import sys
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

    from entrypoints.cli.runtime import Runtime

# Every command module imports only Typer, the standard library and the kernel at the top; what a command
# needs (SQLAlchemy, the services, python-docx, FastAPI…) it imports when it runs. `consultflow --help` thus
# starts in about a tenth of a second, and tests/unit/test_cli__lazy_imports.py keeps it that way. This module
# imports only the standard library at the top: `main` pauses the garbage collector before it imports Typer
# (``Runtime.resume_collection`` says why).

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("init", "cmd_setup", "init"),
    ("demo", "cmd_setup", "demo"),
    ("workdays", "cmd_setup", "workdays"),
    ("backup", "cmd_setup", "backup"),
    ("offices", "cmd_offices", "app"),
    ("units", "cmd_units", "app"),
    ("draft", "cmd_drafts", "app"),
    ("round", "cmd_rounds", "app"),
    ("reply", "cmd_replies", "reply"),
    ("admit", "cmd_replies", "admit"),
    ("sweep", "cmd_replies", "sweep"),
    ("status", "cmd_rounds", "status"),
    ("decide", "cmd_decisions", "decide"),
    ("submit-review", "cmd_decisions", "submit_review"),
    ("review", "cmd_decisions", "review"),
    ("issue", "cmd_decisions", "issue"),
    ("withdraw", "cmd_decisions", "withdraw"),
    ("report", "cmd_reports", "report"),
    ("audit", "cmd_reports", "audit_app"),
    ("tasks", "cmd_tasks", "app"),
    ("progress", "cmd_progress", "app"),
    ("doc-types", "cmd_process", "doc_types_app"),
    ("deliberate", "cmd_process", "deliberate"),
    ("publish", "cmd_process", "publish"),
    ("file", "cmd_process", "file_"),
    ("archive", "cmd_process", "archive_app"),
    ("public", "cmd_public", "app"),
    ("users", "cmd_users", "app"),
    ("serve", "cmd_server", "serve"),
    ("scheduler", "cmd_server", "scheduler"),
    ("notify", "cmd_server", "notify_app"),
)
"""Every top-level command and command group: its name, module (under ``entrypoints/cli``) and attribute, a
function (a command) or a ``typer.Typer`` (a group), in the order ``consultflow --help`` lists them."""

HELP = "征求意见工作流：征求意见 → 截止 → 采纳 → 合法性审查 → 印发。全局选项：--json、--config PATH、--office CODE。"

_apps: dict[str | None, typer.Typer] = {}


def build_app(command: str | None = None) -> typer.Typer:
    """The ``consultflow`` app with every command, or with only ``command`` (a name in ``COMMANDS``).

    Why only one: Typer turns every registered function into a Click command (its signature, type hints and
    options) before it parses the line, and each command's module must be imported for that: for the whole
    tree (71 commands in 15 modules) about 20 ms of CPU of every call, for the ``round`` group 5 ms. A line
    names one command, and that command or group is built whole, so what it parses, prints or refuses is the
    same. The whole tree is built for the top-level help and for a name that is not a command (to list them,
    or to suggest the closest)."""
    if command not in _apps:
        import typer

        app = typer.Typer(
            name="consultflow",
            help=HELP,
            no_args_is_help=True,
            add_completion=False,
            pretty_exceptions_enable=False,
            # Plain help, not Rich's boxes: Rich's import and rendering took 0.16 s of every `--help` (issue 13).
            rich_markup_mode=None,
        )
        for name, module, attribute in COMMANDS:
            if command is None or name == command:
                target = getattr(import_module(f"entrypoints.cli.{module}"), attribute)
                if isinstance(target, typer.Typer):
                    _plain_help(target)
                    app.add_typer(target, name=name)
                else:
                    app.command(name)(target)
        _apps[command] = app
    return _apps[command]


def _plain_help(group: typer.Typer) -> None:
    """Plain help for every sub-command group too (a sub-``Typer`` would otherwise default to Rich)."""
    group.rich_markup_mode = None
    for info in group.registered_groups:
        if info.typer_instance is not None:
            _plain_help(info.typer_instance)


def _named_command(args: list[str]) -> str | None:
    """The command the line names (its first word, once the global options are taken out), if there is one."""
    known = {name for name, _, _ in COMMANDS}
    return args[0] if args and args[0] in known else None


def main(argv: list[str] | None = None, runtime: Runtime | None = None) -> None:
    """Console entry point; ``runtime`` lets tests run the real CLI in-process with their clock."""
    # A process of its own (tests pass a runtime): no garbage collection while the command loads its libraries
    # (it resumes when the command starts its work, Runtime.resume_collection).
    paused = runtime is None and gc.isenabled()
    if paused:
        gc.disable()
    import typer.main

    # Imported once the collector is paused, as Typer and every command's module (see the note at the top).
    from entrypoints.cli.runtime import Runtime, database_unavailable, extract_global_options, use_runtime

    rt = use_runtime(runtime or Runtime(collection_paused=paused))
    args = extract_global_options(list(sys.argv[1:] if argv is None else argv), rt)
    try:
        # A group even for one command (Typer would make a lone command the program itself).
        typer.main.get_group(build_app(_named_command(args)))(args=args, prog_name="consultflow")
    except Exception as exc:  # a database outage outside any command's own handling: one line with its code
        mapped = database_unavailable(exc)
        if mapped is None:
            raise
        try:
            rt.fail(mapped)
        except typer.Exit as done:
            raise SystemExit(done.exit_code) from None
    finally:
        rt.close()
        if runtime is None:  # the process ends now (tests pass a runtime and run many commands in one process)
            rt.resume_collection()  # a command that did no work (help) leaves the collector as it found it
            _skip_the_last_collection()


def _skip_the_last_collection() -> None:
    """Keep the interpreter's exit from walking every object the command created.

    At exit CPython runs a full garbage collection over everything SQLAlchemy, Pydantic, the table classes
    and the services left in memory: about 0.1 s of every database command, for memory the operating system
    frees anyway. ``gc.freeze()`` puts those objects out of the collector's reach. What differs is only that
    objects left in reference cycles are not finalized (as after ``os._exit``), and nothing here relies on
    that: the database connections were closed just before (``Runtime.close``), files are closed where they
    are written, and atexit handlers (logging's flush) and the flushing of stdout and stderr still run."""
    gc.freeze()


if __name__ == "__main__":
    main()
