"""Every error code the product reports is registered once, with one class, and still used (checked in the source)."""

from __future__ import annotations

import ast
from collections import defaultdict

import kernel.errors
from kernel.error_codes import ERROR_CODES
from kernel.errors import DomainError, describe
from tests.support.source_scan import CJK, ERROR_CLASSES, ErrorSite, call_name, error_sites, product_files, rel, tree


def _sites_by_code() -> dict[str, list[ErrorSite]]:
    by_code: dict[str, list[ErrorSite]] = defaultdict(list)
    for site in error_sites():
        by_code[site.code].append(site)
    return by_code


def test_every_code_raised_is_registered() -> None:
    unregistered = sorted(
        f"{site.where}: {site.code} ({site.kind or 'written into a response'})"
        for site in error_sites()
        if site.code not in ERROR_CODES
    )
    assert unregistered == [], "add these codes to kernel/error_codes.py:\n" + "\n".join(unregistered)


def test_a_code_is_raised_with_the_class_the_registry_names() -> None:
    wrong = sorted(
        f"{site.where}: {site.code} raised as {site.kind}, registered as {ERROR_CODES[site.code].kind}"
        for site in error_sites()
        if site.kind is not None and site.code in ERROR_CODES and site.kind != ERROR_CODES[site.code].kind
    )
    assert wrong == [], "one code, one class (so one HTTP status and one exit code):\n" + "\n".join(wrong)


def test_every_registered_code_is_still_raised() -> None:
    used = _sites_by_code()
    stale = sorted(code for code in ERROR_CODES if code not in used)
    assert stale == [], f"registered but raised nowhere (remove them from kernel/error_codes.py): {stale}"


def test_registry_entries_name_a_real_class_and_say_in_chinese_when_they_happen() -> None:
    problems = []
    for code, entry in ERROR_CODES.items():
        cls = getattr(kernel.errors, entry.kind, None)
        if entry.kind not in ERROR_CLASSES or not (isinstance(cls, type) and issubclass(cls, DomainError)):
            problems.append(f"{code}: kind {entry.kind!r} is not a class of kernel/errors.py")
        if not CJK.search(entry.description):
            problems.append(f"{code}: description {entry.description!r} has no Chinese")
        if describe(code) != entry.description:
            problems.append(f"{code}: kernel.errors.describe() does not return the registered description")
    assert problems == []


def _status_argument(node: ast.Call) -> int | None:
    candidates = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "status_code")]
    for value in candidates:
        if isinstance(value, ast.Constant) and isinstance(value.value, int):
            return value.value
    return None


def test_a_code_written_straight_into_a_response_keeps_its_classes_http_status() -> None:
    """``JSONResponse({"error": {"code": "X", ...}}, 413)`` must answer what raising X would answer."""
    from entrypoints.web.errors import status_for  # the one mapping from class to HTTP status (imports FastAPI)

    wrong = []
    for path in product_files("entrypoints"):
        for node in ast.walk(tree(path)):
            if not (isinstance(node, ast.Call) and call_name(node) == "JSONResponse" and node.args):
                continue
            status = _status_argument(node)
            codes = [
                n.value
                for d in ast.walk(node.args[0])
                if isinstance(d, ast.Dict)
                for k, n in zip(d.keys, d.values, strict=True)
                if isinstance(k, ast.Constant)
                and k.value == "code"
                and isinstance(n, ast.Constant)
                and isinstance(n.value, str)
            ]
            for code in codes:
                entry = ERROR_CODES.get(code)
                if entry is None or status is None:
                    continue
                expected = status_for(getattr(kernel.errors, entry.kind)(code, ""))
                if status != expected:
                    wrong.append(
                        f"{rel(path)}:{node.lineno}: {code} answered with HTTP {status}, "
                        f"but raising it as {entry.kind} answers {expected}"
                    )
    assert wrong == [], "a code must mean one HTTP status:\n" + "\n".join(wrong)
