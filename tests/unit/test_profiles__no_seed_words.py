"""Nothing of the seed office is written into the product: its name, place, people, document numbers,
reviewer and category labels live in its profile (``profiles/``) and the demo (``workflow/demo/``) only.

Another office must never see them: they would end up in its letters and tables (issue 10).
"""

from __future__ import annotations

from pathlib import Path

from tests.support.source_scan import PRODUCT_PACKAGES, ROOT, rel
from workflow.profiles import load_profile_file

DEMO = load_profile_file(ROOT / "profiles" / "demo-safety-office.toml")
SEED_WORDS = (
    "孝义",
    "吕梁",
    "赵健",
    "孝安办",
    "孝政发",
    "安委",
    "市司法局",
    DEMO.name,
    DEMO.short_name,
    DEMO.issuer,
    DEMO.email,
    DEMO.doc_number_prefix,
    DEMO.reviewer_unit,
    *(c.label for c in DEMO.categories if c.kind in ("member", "department")),  # 市安委会成员单位, 市直部门
    *(c.addressee for c in DEMO.categories if c.kind in ("member", "department")),
)
ALLOWED = ("workflow/demo/", "storage/migrations/versions/")  # the demo office's own data; frozen history
SUFFIXES = {".py", ".html", ".j2", ".css", ".js", ".toml", ".md", ".txt", ".mako", ".ini"}


def _product_texts() -> list[Path]:
    files = [ROOT / "config.toml"]
    for package in PRODUCT_PACKAGES:
        files += [p for p in sorted((ROOT / package).rglob("*")) if p.is_file() and p.suffix in SUFFIXES]
    return [p for p in files if not rel(p).startswith(ALLOWED) and "__pycache__" not in p.parts]


def test_the_words_checked_include_the_demo_profiles_own() -> None:
    assert {"孝义市安全生产委员会办公室", "市安委会成员单位", "市直部门", "孝安办函"} <= set(SEED_WORDS)


def test_no_seed_office_word_in_product_code_or_the_shipped_config() -> None:
    files = _product_texts()
    assert len(files) > 150, "the scan sees the product"
    found = [
        f"{rel(path)}:{n}: {word}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for word in SEED_WORDS
        if word and word in line
    ]
    assert found == [], "seed-office words belong in profiles/ or workflow/demo/:\n" + "\n".join(found)
