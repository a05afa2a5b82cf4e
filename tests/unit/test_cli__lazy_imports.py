"""The CLI imports what a command needs when it runs: `consultflow --help` loads no database, web or
document library (issue 13: every call once paid 1.2 s for FastAPI, Alembic, python-docx and SQLModel),
and a database command loads SQLAlchemy and the tables it reads or writes, nothing for the web, documents
or the scheduler (a script importing units one call at a time pays the start-up on every call).

Checked by what a fresh interpreter has in ``sys.modules``, not by timing: the figures are in
``make bench`` (benchmarks/cli_startup.py)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("fastapi", "starlette", "docx", "openpyxl", "alembic", "sqlalchemy", "sqlmodel", "structlog", "apscheduler")
# What no database command below needs: the web, documents, the scheduler, migrations, and the libraries
# only some services use (Word files, XML checks, fuzzy matching, password hashing, checkpoint signing).
NOT_FOR_DATABASE_COMMANDS = (
    *(name for name in HEAVY if name not in ("sqlalchemy", "sqlmodel")),
    "jinja2",
    "lxml",
    "rapidfuzz",
    "argon2",
    "cryptography",
    "documents",
)
PROBE = """
import gc, json, sys
from entrypoints.cli.main import main
before = sum(generation["collections"] for generation in gc.get_stats())
code = 0
try:
    main({argv!r})
except SystemExit as exc:
    code = exc.code or 0
collections = sum(generation["collections"] for generation in gc.get_stats()) - before
print(json.dumps({{"code": code, "modules": sorted(sys.modules), "collections": collections,
                  "collecting": gc.isenabled()}}), file=sys.stderr)
"""


def _probe(argv: list[str]) -> dict[str, Any]:
    """What the CLI left once it ran ``argv`` in a fresh interpreter: its exit code, the modules loaded, the
    garbage collections it ran and whether the collector is on."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    found: dict[str, Any] = json.loads(done.stderr.strip().splitlines()[-1])
    return found


def _run(argv: list[str]) -> tuple[int, set[str]]:
    """The exit code and the modules loaded once the CLI ran ``argv`` in a fresh interpreter."""
    found = _probe(argv)
    return int(found["code"]), set(found["modules"])


def _top(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def _loaded_after(argv: list[str]) -> set[str]:
    """Top-level packages loaded once the CLI ran ``argv`` in a fresh interpreter."""
    return _top(_run(argv)[1])


def _tables(modules: set[str]) -> set[str]:
    """The table classes created (one module each under storage/tables, see storage.models)."""
    return {name.rsplit(".", 1)[1] for name in modules if name.startswith("storage.tables.")}


def test_help_loads_no_database_web_or_document_library() -> None:
    loaded = _loaded_after(["--help"])
    assert "typer" in loaded, "the probe ran the CLI"
    assert not loaded & set(HEAVY), f"`consultflow --help` imported {sorted(loaded & set(HEAVY))}"
    assert not {"workflow", "storage", "notifications", "documents"} & loaded, "no service is needed for help"


def test_a_subcommands_help_loads_none_either() -> None:
    loaded = _loaded_after(["round", "start", "--help"])
    assert not loaded & set(HEAVY), f"`round start --help` imported {sorted(loaded & set(HEAVY))}"


def test_a_calendar_command_does_not_load_the_database(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = "sqlite:///unused.db"\n', encoding="utf-8")
    loaded = _loaded_after(["--json", "--config", str(config), "workdays", "--from", "2026-01-05", "--add", "3"])
    assert "workflow" in loaded, "the command ran"
    assert not loaded & set(HEAVY), f"`workdays` imported {sorted(loaded & set(HEAVY))}"


UNITS_CSV = "名称,类别,别名,联系人,电话,邮箱,webhook\n{name},市直部门,,王科,0358-7600009,{mail}@xiaoyi.example.cn,\n"
DRAFT = ROOT / "workflow/demo/data/draft_2023_safety.txt"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The config of an initialised SQLite database with units, a draft and an open round (round 1). Set up
    in this process; each command under test then runs in a fresh interpreter."""
    from kernel.clock import SystemClock
    from tests.support.cli import Cli, write_config

    folder = tmp_path_factory.mktemp("cli-database")
    config = write_config(folder / "config.toml", f"sqlite:///{folder / 'cli.db'}")
    (folder / "units.csv").write_text(UNITS_CSV.format(name="市应急管理局", mail="yjj"), encoding="utf-8")
    cli = Cli(config, SystemClock())
    cli.ok("init")
    cli.ok("units", "import", str(folder / "units.csv"))
    draft = cli.ok("draft", "import", str(DRAFT), "--title", "关于做好安全生产工作的通知", "--issuer", "孝义市人民政府")
    cli.ok(
        "round", "start", "--draft", str(draft["draft_id"]), "--doc-number", "孝安办函〔2026〕1号", "--workdays", "10",
        "--all-units", "--contact", "赵健", "--phone", "0358-7600100",
    )  # fmt: skip
    return config


def _database_command(config: Path, *args: str) -> set[str]:
    """The modules a database command loaded; it must have succeeded."""
    code, modules = _run(["--json", "--config", str(config), *args])
    assert code == 0, f"`{' '.join(args)}` failed"
    loaded = _top(modules)
    assert {"sqlalchemy", "sqlmodel"} <= loaded, "the command used the database"
    unwanted = loaded & set(NOT_FOR_DATABASE_COMMANDS)
    assert not unwanted, f"`{' '.join(args)}` imported {sorted(unwanted)}"
    return modules


@pytest.mark.parametrize(
    "args",
    [
        ("round", "list"),
        ("status",),
        ("status", "--round", "1"),
        ("units", "list"),
        ("offices", "list"),
        ("tasks", "list"),
        ("archive", "due"),
        ("public", "comments", "--round", "1"),
        ("round", "deadline", "--round", "1", "--workdays", "12", "--reason", "延长征求意见期限"),
    ],
    ids=lambda args: " ".join(args),
)
def test_a_database_command_loads_no_web_document_or_scheduler_library(database: Path, args: tuple[str, ...]) -> None:
    _database_command(database, *args)


def test_a_read_creates_only_the_tables_it_reads(database: Path) -> None:
    """`round list` reads rounds, their drafts and offices: it creates those three table classes, not all 41
    (creating every class took about 0.2 s of each call), and loads no service it does not call."""
    modules = _database_command(database, "round", "list")
    assert _tables(modules) == {"office", "round", "draft"}
    assert "notifications" not in _top(modules)
    assert not {"workflow.services.issuance", "workflow.services.tracking", "workflow.public.decisions"} & modules


def test_a_command_imports_only_the_command_modules_it_runs(database: Path) -> None:
    """A line names one command, and only that command's modules are imported and built into Click commands
    (entrypoints.cli.main.build_app); the top-level help needs them all."""
    modules = _database_command(database, "round", "list")
    cli_modules = {name for name in modules if name.startswith("entrypoints.cli.cmd_")}
    round_group = {"cmd_rounds", "cmd_links", "cmd_decisions", "cmd_public", "cmd_units"}  # and what they import
    assert {"entrypoints.cli.cmd_rounds"} <= cli_modules <= {f"entrypoints.cli.{m}" for m in round_group}
    every = {name for name in _run(["--help"])[1] if name.startswith("entrypoints.cli.cmd_")}
    assert "entrypoints.cli.cmd_server" in every and "entrypoints.cli.cmd_progress" in every


def test_no_garbage_collection_while_a_command_loads_its_libraries(database: Path) -> None:
    """The collector is paused while a process loads Typer, SQLAlchemy, SQLModel and the services (it ran
    about 170 times over their 120,000 objects, 40-50 ms of CPU of each call, freeing almost nothing) and
    resumes, with those objects frozen, when the command starts its work (Runtime.resume_collection)."""
    found = _probe(["--json", "--config", str(database), "round", "list"])
    assert found["code"] == 0
    assert found["collecting"], "the collector runs again for the command's work"
    assert found["collections"] < 50, f"{found['collections']} collections: the collector ran while loading"
    helped = _probe(["--help"])
    assert helped["collections"] == 0
    assert helped["collecting"], "a command that did no work leaves the collector on as it found it"


def test_a_command_run_in_process_leaves_the_collector_alone(tmp_path: Path) -> None:
    """Tests run commands in their own process with a runtime of theirs: the collector is theirs too."""
    from entrypoints.cli.main import main
    from entrypoints.cli.runtime import Runtime

    assert gc.isenabled()
    with pytest.raises(SystemExit):
        main(["--json", "--help"], runtime=Runtime())
    assert gc.isenabled()


def test_a_unit_import_loads_no_word_or_xml_library(database: Path, tmp_path: Path) -> None:
    """The issue's case: a script importing units one CLI call at a time. A CSV needs neither python-docx
    nor lxml (they are loaded for a Word or Excel file), and only the directory's tables are created."""
    csv = tmp_path / "units.csv"
    csv.write_text(UNITS_CSV.format(name="市水务局", mail="slj"), encoding="utf-8")
    modules = _database_command(database, "units", "import", str(csv))
    assert {"office", "unit"} <= _tables(modules) <= {"office", "unit", "round", "draft"}


def test_a_reply_loads_no_word_library_and_only_the_rounds_tables(database: Path) -> None:
    """A reply without a Word form loads no python-docx, and creates the tables of rounds and replies only (not
    even the decisions', which the decision queue's statements name)."""
    modules = _database_command(database, "reply", "--round", "1", "--unit", "市应急管理局", "--no-comments")
    round_and_reply_tables = {
        "office", "unit", "draft", "draft_version", "draft_item", "draft_item_link", "round", "recipient", "reply",
        "comment", "reply_attachment", "outbox_message",
    }  # fmt: skip
    assert {"round", "recipient", "reply"} <= _tables(modules) <= round_and_reply_tables


IMPORT_PROBE = """
import json, sys, pkgutil, importlib
import storage.repositories, storage.uow, storage.audit, storage.scope, storage.db, storage.migrate
for found in pkgutil.iter_modules(storage.repositories.__path__):
    importlib.import_module("storage.repositories." + found.name)
storage_only = sorted(sys.modules)
import workflow.services.accounts as accounts
print(json.dumps({"storage": storage_only, "hashed": accounts._dummy_hash.cache_info().currsize}))
"""


def test_importing_the_storage_layer_creates_no_table_and_the_accounts_hash_nothing() -> None:
    """Tables are created when a statement names them (storage.models), repositories when a unit of work
    first uses them; the accounts service makes its timing-equaliser hash at the first login, not at import
    (0.2 s of every `users` command)."""
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    modules = set(found["storage"])
    assert "storage.repositories.rounds" in modules, "the probe imported the repositories"
    assert _tables(modules) == set(), f"importing the storage layer created {sorted(_tables(modules))}"
    assert found["hashed"] == 0
