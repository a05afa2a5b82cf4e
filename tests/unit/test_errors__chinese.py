"""Every refusal a person can see carries a stable code and a message in Chinese (checked in the source)."""

from __future__ import annotations

import re

from tests.support.source_scan import CJK, error_sites


def test_error_codes_are_stable_and_messages_are_chinese() -> None:
    seen = 0
    problems = []
    for site in error_sites():
        if site.via == "fallback" or site.message is None:
            continue  # the message is built elsewhere (e.g. passed through); the literal sites are what matter
        seen += 1
        if not re.fullmatch(r"[A-Z][A-Z0-9_]+", site.code):
            problems.append(f"{site.where}: code {site.code!r} is not UPPER_SNAKE")
        if not CJK.search(site.message):
            problems.append(f"{site.where}: message {site.message!r} has no Chinese")
    assert seen > 150, f"the scan found only {seen} error sites"
    assert problems == []
