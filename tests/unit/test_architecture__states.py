"""State names live in ``states/``; everyone else names a state through its enum, and the session stays in storage.

A raw ``row.state == "open"`` still works when someone renames a state, it just stops matching, so
a typo or a rename becomes a silent bug. ``RoundState.open`` fails loudly at import instead.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from enum import StrEnum
from functools import cache

import states
from tests.support.source_scan import PRODUCT_PACKAGES, product_files, rel, tree

# Attribute, subscript-key and keyword names that hold a state.
STATE_NAMES = frozenset({"state", "status", "outcome", "kind", "stage", "from_state", "to_state"})
ASSIGNED_NAMES = frozenset({"state", "status", "from_state", "to_state"})


def _named_like_a_state(name: str) -> bool:
    return name in STATE_NAMES or name.endswith(("_state", "_status"))


@cache
def state_values() -> frozenset[str]:
    """Every value of every ``StrEnum`` defined in a module of ``states/``."""
    values: set[str] = set()
    for info in pkgutil.iter_modules(states.__path__, prefix="states."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, StrEnum) and obj.__module__ == module.__name__:
                values.update(member.value for member in obj)
    return frozenset(values)


def _state_literals(node: ast.expr) -> list[str]:
    """The state values a string literal, or a tuple/list/set of them, spells out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if node.value in state_values() else []
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return [v for e in node.elts for v in _state_literals(e)]
    return []


def _state_holder(node: ast.expr) -> str | None:
    """``x.state`` → ".state", ``x["status"]`` → '["status"]'; None for anything not named like a state."""
    if isinstance(node, ast.Attribute) and _named_like_a_state(node.attr):
        return f".{node.attr}"
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
        and _named_like_a_state(node.slice.value)
    ):
        return f'["{node.slice.value}"]'
    return None


def _raw_state_uses(node: ast.AST) -> list[str]:
    found = []
    if isinstance(node, ast.Compare):
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            if not isinstance(op, ast.Eq | ast.NotEq | ast.In | ast.NotIn):
                continue
            for holder, literal in ((left, right), (right, left)):
                name, values = _state_holder(holder), _state_literals(literal)
                if name and values:
                    found.append(f"compares {name} with the raw string(s) {', '.join(map(repr, values))}")
    elif isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr in ASSIGNED_NAMES
                and node.value is not None
                and _state_literals(node.value)
            ):
                found.append(f"assigns the raw string {ast.unparse(node.value)} to .{target.attr}")
    elif isinstance(node, ast.Call):
        for keyword in node.keywords:
            if keyword.arg in ASSIGNED_NAMES and _state_literals(keyword.value):
                found.append(f"passes {keyword.arg}={ast.unparse(keyword.value)} as a raw string")
    return found


def test_state_values_are_found() -> None:
    assert {"open", "closed", "pending", "deemed_no_objection", "issued"} <= state_values()


def test_outside_states_a_state_is_named_through_its_enum() -> None:
    offenders = []
    for path in product_files(*(p for p in PRODUCT_PACKAGES if p != "states")):
        for node in ast.walk(tree(path)):
            offenders += [f"{rel(path)}:{getattr(node, 'lineno', 0)}: {what}" for what in _raw_state_uses(node)]
    offenders.sort(key=lambda s: (s.split(":")[0], int(s.split(":")[1])))
    assert offenders == [], "use the StrEnum of states/ (e.g. RoundState.open), not the raw string:\n" + "\n".join(
        offenders
    )


SESSION = re.compile(r"\buow\.session\b")


def test_only_storage_touches_the_session_of_a_unit_of_work() -> None:
    """Services and entry points ask the unit of work's repositories; ``uow.session`` is storage's own business."""
    offenders = [
        f"{rel(path)}:{n}: {line.strip()}"
        for path in product_files(*(p for p in PRODUCT_PACKAGES if p != "storage"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SESSION.search(line)
    ]
    assert offenders == [], "uow.session outside storage/:\n" + "\n".join(offenders)
