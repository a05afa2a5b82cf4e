"""Read the product's own source as syntax trees, for the tests that check rules about the code itself.

One place walks the files (skipping frozen migrations) and finds the error sites, so the
architecture and error tests agree on what "the product" and "an error site" mean.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import kernel.errors

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = ("kernel", "states", "storage", "notifications", "documents", "workflow", "entrypoints")
# Names a product module could import that belong to this repository but are not product.
NON_PRODUCT_PACKAGES = ("tools", "benchmarks", "tests")
PROJECT_PACKAGES = PRODUCT_PACKAGES + NON_PRODUCT_PACKAGES

# Every refusal class kernel/errors.py defines (a new one is picked up without editing this list).
ERROR_CLASSES = tuple(
    name
    for name, obj in vars(kernel.errors).items()
    if isinstance(obj, type) and issubclass(obj, kernel.errors.DomainError)
)
GUARD_KIND = "Conflict"  # ``states.machine.StateMachine.fire`` raises a failed guard's code as Conflict
CODE_SHAPE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def product_files(*packages: str) -> Iterator[Path]:
    """Every .py of the given top-level packages (all product packages by default), migrations' versions skipped."""
    for package in packages or PRODUCT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if parts[:3] == ("storage", "migrations", "versions"):
                continue
            yield path


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@cache
def comment_lines(path: Path) -> tuple[frozenset[int], frozenset[int]]:
    """(lines carrying a comment, lines that are only a comment); tokenized, so a ``"#"`` in a string is no comment."""
    anywhere: set[int] = set()
    alone: set[int] = set()
    source = path.read_text(encoding="utf-8")
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            anywhere.add(tok.start[0])
            if tok.line.strip().startswith("#"):
                alone.add(tok.start[0])
    return frozenset(anywhere), frozenset(alone)


def call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def literal_text(node: ast.expr | None) -> str | None:
    """A string constant, or the literal parts of an f-string; None for anything computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


@dataclass(frozen=True)
class ErrorSite:
    """One place the product refuses something with a code.

    ``kind`` is the exception class raised (guards raise ``Conflict``; ``None`` for a code written straight
    into a response body, which no class names); ``message`` is None when it is computed elsewhere.
    """

    where: str
    kind: str | None
    code: str
    message: str | None
    via: str  # "raise", "guard", "fallback" (a code chosen inside the first argument) or "body"


def _codes_inside(node: ast.expr) -> list[str]:
    return [
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and CODE_SHAPE.fullmatch(n.value)
    ]


def _is_key(key: ast.expr | None, name: str) -> bool:
    return isinstance(key, ast.Constant) and key.value == name


def _body_codes(node: ast.Dict) -> Iterator[tuple[str, ast.expr | None]]:
    for key, value in zip(node.keys, node.values, strict=True):
        if _is_key(key, "code"):
            code = literal_text(value)
            if code is not None and CODE_SHAPE.fullmatch(code):
                messages = [v for k, v in zip(node.keys, node.values, strict=True) if _is_key(k, "message")]
                yield code, messages[0] if messages else None


@cache
def error_sites(*packages: str) -> tuple[ErrorSite, ...]:
    """Every literal error code in the product: ``Kind("CODE", ...)``, ``@guard("CODE", ...)``, ``{"code": "CODE"}``
    (scanned once per process: several tests read it)."""
    sites: list[ErrorSite] = []
    for path in product_files(*packages):
        for node in ast.walk(tree(path)):
            where = f"{rel(path)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Dict):
                for code, text in _body_codes(node):
                    sites.append(ErrorSite(where, None, code, literal_text(text), "body"))
                continue
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = call_name(node)
            if name not in ERROR_CLASSES and name != "guard":
                continue
            kind = GUARD_KIND if name == "guard" else name
            via = "guard" if name == "guard" else "raise"
            message = literal_text(node.args[1]) if len(node.args) > 1 else None
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                sites.append(ErrorSite(where, kind, first.value, message, via))
            else:  # e.g. getattr(failed, "guard_code", "GUARD_FAILED"): the literal fallback is a code too
                sites.extend(ErrorSite(where, kind, c, message, "fallback") for c in _codes_inside(first))
    return tuple(sites)
