"""The pages' Content-Security-Policy allows stylesheets and scripts from the site only, so the
templates must not rely on inline styles or scripts (a browser would silently ignore them)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "entrypoints/web/templates"


def test_no_inline_styles_or_scripts_in_pages() -> None:
    offenders = []
    for path in sorted(TEMPLATES.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        if (
            re.search(r'\sstyle="', text)
            or re.search(r"<script(?![^>]*\ssrc=)", text)
            or re.search(r"\son[a-z]+=\"", text)
        ):
            offenders.append(path.name)
    assert offenders == []
