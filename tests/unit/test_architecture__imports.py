"""The layers import downwards only: kernel ← states ← storage ← notifications ← workflow ← entrypoints.

``documents`` sits beside them and needs only ``kernel``. Every import counts, including the ones
hidden inside a function: a lower package reaching up from inside a function body is still a cycle,
only one that shows itself at run time. A function-level import of the project must say why.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.source_scan import PRODUCT_PACKAGES, PROJECT_PACKAGES, comment_lines, product_files, rel, tree

# What each product package may import of the project (besides itself).
ALLOWED: dict[str, frozenset[str]] = {
    "kernel": frozenset(),
    "states": frozenset({"kernel"}),
    "storage": frozenset({"kernel", "states"}),
    "notifications": frozenset({"kernel", "states", "storage"}),
    "documents": frozenset({"kernel"}),
    "workflow": frozenset({"kernel", "states", "storage", "notifications", "documents"}),
    "entrypoints": frozenset({"kernel", "states", "storage", "notifications", "documents", "workflow"}),
}


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    end_line: int
    module: str  # absolute dotted name
    in_function: bool
    text: str

    @property
    def source(self) -> str:
        return rel(self.path).split("/")[0]

    @property
    def target(self) -> str:
        return self.module.split(".")[0]

    def __str__(self) -> str:
        return f"{rel(self.path)}:{self.line}: {self.text}"


def _package_of(path: Path) -> list[str]:
    """``a/b/c.py`` and ``a/b/__init__.py`` both live in package ``a.b``."""
    return list(Path(rel(path)).parts[:-1])


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = _package_of(path)
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    return ".".join([*base, *([node.module] if node.module else [])])


def _imports(path: Path) -> Iterator[Import]:
    def visit(node: ast.AST, in_function: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(
                        path,
                        child.lineno,
                        child.end_lineno or child.lineno,
                        alias.name,
                        in_function,
                        ast.unparse(child),
                    )
            elif isinstance(child, ast.ImportFrom):
                yield Import(
                    path,
                    child.lineno,
                    child.end_lineno or child.lineno,
                    _absolute(path, child),
                    in_function,
                    ast.unparse(child),
                )
            yield from visit(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    yield from visit(tree(path), False)


def _order(i: Import) -> tuple[str, int]:
    return rel(i.path), i.line


def _project_imports() -> list[Import]:
    return [i for path in product_files() for i in _imports(path) if i.target in PROJECT_PACKAGES]


def test_each_layer_imports_only_the_layers_below_it() -> None:
    offenders = [
        str(i)
        for i in sorted(_project_imports(), key=_order)
        if i.target != i.source and i.target not in ALLOWED[i.source]
    ]
    rules = "; ".join(f"{p} may import {', '.join(sorted(a)) or 'nothing of the project'}" for p, a in ALLOWED.items())
    assert offenders == [], f"imports against the layering ({rules}):\n" + "\n".join(offenders)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def test_no_cycle_between_top_level_packages() -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    sites: dict[tuple[str, str], list[str]] = defaultdict(list)
    for i in sorted(_project_imports(), key=_order):
        if i.target != i.source:
            edges[i.source].add(i.target)
            sites[i.source, i.target].append(str(i))
    report = []
    for component in _cycles(edges):
        report.append("cycle between " + ", ".join(component) + ":")
        report += [s for a in component for b in component if b in edges[a] for s in sites[a, b]]
    assert report == [], "\n".join(report)


def test_kernel_imports_nothing_of_the_project() -> None:
    offenders = [
        str(i) for i in sorted(_project_imports(), key=_order) if i.source == "kernel" and i.target != "kernel"
    ]
    assert offenders == [], "kernel must stand alone:\n" + "\n".join(offenders)


def _has_reason(i: Import, import_lines: set[int]) -> bool:
    """A comment on the statement's lines, or a comment line just above it or above the run of imports it ends."""
    anywhere, alone = comment_lines(i.path)
    if any(n in anywhere for n in range(i.line, i.end_line + 1)):
        return True
    above = i.line - 1
    while above in import_lines and above not in alone:
        above -= 1
    return above in alone


def test_a_function_level_import_of_the_project_says_why() -> None:
    """An import hidden in a function (to dodge a cycle, or a slow import) carries a comment on its line or above."""
    imports = _project_imports()
    import_lines: dict[Path, set[int]] = defaultdict(set)
    for path in {i.path for i in imports}:
        for i in _imports(path):
            import_lines[path].update(range(i.line, i.end_line + 1))
    offenders = [i for i in imports if i.in_function and not _has_reason(i, import_lines[i.path])]
    assert offenders == [], "function-level imports without a comment saying why:\n" + "\n".join(
        str(i) for i in sorted(offenders, key=_order)
    )


def test_the_scan_sees_the_whole_product() -> None:
    seen = {i.source for i in _project_imports()}
    assert seen == set(PRODUCT_PACKAGES), f"packages with no project imports found: {set(PRODUCT_PACKAGES) - seen}"
