"""采纳情况: the outcomes a comment can be given. Not a machine (any outcome may replace another
until the draft goes to review, which the draft machine guards), but the one home of the values."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    adopted = "adopted"
    partly_adopted = "partly_adopted"
    rejected = "rejected"


OUTCOME_LABELS = {
    Outcome.adopted.value: "予以采纳",
    Outcome.partly_adopted.value: "部分采纳",
    Outcome.rejected.value: "不予采纳",
}

NEEDS_REASON = frozenset({Outcome.partly_adopted, Outcome.rejected})
"""不予采纳 and 部分采纳 must say why (the seed: 理由不充分或无依据的不予采纳)."""
