"""One proposed change as a unit submits it (修改意见: target, text, basis, reason), from any source:
the reply page, a JSON file, the API or a filled-in Word 回复表."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommentInput:
    target: str
    text: str
    basis: str = ""
    reason: str = ""
