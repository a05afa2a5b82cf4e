"""A legality review request (合法性审查): pending until the reviewer approves or returns it."""

from __future__ import annotations

from enum import StrEnum

from states.machine import StateMachine, Transition


class ReviewState(StrEnum):
    pending = "pending"
    approved = "approved"
    returned = "returned"


S = ReviewState

REVIEW_MACHINE = StateMachine(
    name="review",
    states=ReviewState,
    initial=S.pending,
    table=[
        Transition("approve", (S.pending,), S.approved),
        Transition("return_for_revision", (S.pending,), S.returned),
    ],
    state_labels={"pending": "审查中", "approved": "审查通过", "returned": "退回修改"},
    trigger_labels={"approve": "审查通过", "return_for_revision": "退回修改"},
)
