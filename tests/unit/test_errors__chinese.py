"""Every refusal a person can see carries a stable code and a message in Chinese (checked in the source)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("states", "storage", "workflow", "notifications", "documents", "entrypoints")
ERRORS = {
    "DomainError",
    "InvalidInput",
    "Conflict",
    "NotFound",
    "Forbidden",
    "AuthRequired",
    "TooManyRequests",
    "guard",
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return None


def test_error_codes_are_stable_and_messages_are_chinese() -> None:
    seen = 0
    problems = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or len(node.args) < 2:
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name not in ERRORS:
                    continue
                code, message = _text(node.args[0]), _text(node.args[1])
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if code is None or message is None:
                    continue  # built elsewhere (e.g. passed through); the literal sites are what matter
                seen += 1
                if not re.fullmatch(r"[A-Z][A-Z0-9_]+", code):
                    problems.append(f"{where}: code {code!r} is not UPPER_SNAKE")
                if not CJK.search(message):
                    problems.append(f"{where}: message {message!r} has no Chinese")
    assert seen > 150, f"the scan found only {seen} error sites"
    assert problems == []
