"""A call builds only the command it names (``entrypoints.cli.main.build_app``): Typer turned all 71
commands into Click commands, and imported their 15 modules, before parsing any line. What a command
parses, prints or refuses must not depend on that: its help and its usage errors are the same whether the
whole tree or only its own entry was built."""

from __future__ import annotations

import contextlib
import io
from typing import Any

import pytest
import typer.main

from entrypoints.cli.main import COMMANDS, build_app


def _paths(command: Any, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
    """``prefix`` and every sub-command path under it."""
    found = [prefix]
    for name, sub in getattr(command, "commands", {}).items():
        found += _paths(sub, (*prefix, name))
    return found


def _run(group: Any, args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            group(args=args, prog_name="consultflow")
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_the_registry_names_every_command_once() -> None:
    names = [name for name, _, _ in COMMANDS]
    assert len(names) == len(set(names))
    whole = typer.main.get_group(build_app())
    assert sorted(whole.commands) == sorted(names)


@pytest.mark.parametrize("name", [name for name, _, _ in COMMANDS])
def test_a_command_built_alone_prints_and_refuses_as_in_the_whole_tree(name: str) -> None:
    whole = typer.main.get_group(build_app())
    alone = typer.main.get_group(build_app(name))
    assert list(alone.commands) == [name]
    for path in _paths(whole.commands[name], (name,)):
        for args in ([*path, "--help"], [*path, "--no-such-option"], [*path, "no-such-command"]):
            assert _run(alone, args) == _run(whole, args), f"`consultflow {' '.join(args)}` differs"
