"""One proposed change as a unit submits it (修改意见: target, text, basis, reason), from any source:
the reply page, a JSON file, the API or a filled-in Word 回复表."""

from __future__ import annotations

from dataclasses import dataclass

from kernel.text import check_texts


@dataclass(frozen=True)
class CommentInput:
    target: str
    text: str
    basis: str = ""
    reason: str = ""

    def __post_init__(self) -> None:  # every source builds one: the one check for control characters
        check_texts(
            {"条目": self.target, "修改意见": self.text, "依据": self.basis, "理由": self.reason},
            multiline=frozenset({"修改意见", "依据", "理由"}),
        )
