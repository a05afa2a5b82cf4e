"""Entry points stay thin: a module in ``entrypoints/`` that grows past 300 lines is deciding things itself."""

from __future__ import annotations

from tests.support.source_scan import product_files, rel

MAX_LINES = 300


def test_no_entrypoint_module_is_over_300_lines() -> None:
    lengths = {rel(path): len(path.read_text(encoding="utf-8").splitlines()) for path in product_files("entrypoints")}
    assert lengths, "no entrypoint modules found"
    too_long = sorted(f"{path}: {n} lines" for path, n in lengths.items() if n > MAX_LINES)
    assert too_long == [], f"split these modules (at most {MAX_LINES} lines each):\n" + "\n".join(too_long)
