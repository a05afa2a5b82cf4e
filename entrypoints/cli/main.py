"""The ``consultflow`` command: one Typer app, commands grouped by what staff do."""

from __future__ import annotations

import gc
import sys

import typer

from entrypoints.cli import (
    cmd_decisions,
    cmd_drafts,
    cmd_links,
    cmd_offices,
    cmd_process,
    cmd_progress,
    cmd_public,
    cmd_replies,
    cmd_reports,
    cmd_rounds,
    cmd_setup,
    cmd_tasks,
    cmd_units,
)
from entrypoints.cli.runtime import Runtime, database_unavailable, extract_global_options, use_runtime

# Every command module imports only Typer, the standard library and the kernel at the top; what a command
# needs (SQLAlchemy, the services, python-docx, FastAPI…) it imports when it runs. `consultflow --help` thus
# starts in about a tenth of a second, and tests/unit/test_cli__lazy_imports.py keeps it that way.

app = typer.Typer(
    name="consultflow",
    help="征求意见工作流：征求意见 → 截止 → 采纳 → 合法性审查 → 印发。全局选项：--json、--config PATH、--office CODE。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help, not Rich's boxes: Rich's import and rendering took 0.16 s of every `--help` (issue 13).
    rich_markup_mode=None,
)
app.command("init")(cmd_setup.init)
app.command("demo")(cmd_setup.demo)
app.command("workdays")(cmd_setup.workdays)
app.command("backup")(cmd_setup.backup)
app.add_typer(cmd_offices.app, name="offices")
app.add_typer(cmd_units.app, name="units")
app.add_typer(cmd_drafts.app, name="draft")
cmd_rounds.app.command("links")(cmd_links.links)
cmd_rounds.app.command("upload-signed")(cmd_decisions.upload_signed)
cmd_rounds.app.command("download-signed")(cmd_decisions.download_signed)
app.add_typer(cmd_rounds.app, name="round")
app.command("reply")(cmd_replies.reply)
app.command("admit")(cmd_replies.admit)
app.command("sweep")(cmd_replies.sweep)
app.command("status")(cmd_rounds.status)
app.command("decide")(cmd_decisions.decide)
app.command("submit-review")(cmd_decisions.submit_review)
app.command("review")(cmd_decisions.review)
app.command("issue")(cmd_decisions.issue)
app.command("withdraw")(cmd_decisions.withdraw)
app.command("report")(cmd_reports.report)
app.add_typer(cmd_reports.audit_app, name="audit")
app.add_typer(cmd_tasks.app, name="tasks")
app.add_typer(cmd_progress.app, name="progress")
app.add_typer(cmd_process.doc_types_app, name="doc-types")
app.command("deliberate")(cmd_process.deliberate)
app.command("publish")(cmd_process.publish)
app.command("file")(cmd_process.file_)
app.add_typer(cmd_process.archive_app, name="archive")
app.add_typer(cmd_public.app, name="public")


def _register_optional() -> None:
    """Long-running and later-added commands (server, scheduler, notifications, users)."""
    # Imported when this command runs, not at start-up: every CLI call pays for module imports.
    from entrypoints.cli import cmd_server

    cmd_server.register(app)


_registered: list[bool] = []


def _plain_help(group: typer.Typer) -> None:
    """Plain help for every sub-command group too (a sub-``Typer`` would otherwise default to Rich)."""
    group.rich_markup_mode = None
    for info in group.registered_groups:
        if info.typer_instance is not None:
            _plain_help(info.typer_instance)


def build_app() -> typer.Typer:
    if not _registered:
        _register_optional()
        _plain_help(app)
        _registered.append(True)
    return app


def main(argv: list[str] | None = None, runtime: Runtime | None = None) -> None:
    """Console entry point; ``runtime`` lets tests run the real CLI in-process with their clock."""
    rt = use_runtime(runtime or Runtime())
    args = extract_global_options(list(sys.argv[1:] if argv is None else argv), rt)
    try:
        build_app()(args=args, prog_name="consultflow")
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
