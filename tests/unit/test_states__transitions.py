"""Every (state, trigger) pair of every machine: allowed ones land where the issue says,
all others are refused with TRANSITION_FORBIDDEN. The expected tables are written out by hand
from the specification, not derived from the machines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kernel.errors import Conflict
from states.draft import DRAFT_MACHINE, DraftContext, DraftState
from states.recipient import RECIPIENT_MACHINE, RecipientContext, RecipientState
from states.round import ROUND_MACHINE, RoundContext, RoundState

NOW = datetime(2023, 2, 18, 2, 0, tzinfo=UTC)

# Contexts in which every guard holds, so only the table decides.
DRAFT_OK = DraftContext(
    now=NOW,
    deadline=NOW,
    recipient_count=3,
    undecided_comments=0,
    reasons_missing=0,
    has_closed_round=True,
    review_approved=True,
    review_required=False,  # so the issue of a type without legality review (内部工作方案) is in the table
    deliberation_required=True,
    deliberated=True,
)
DRAFT_OK_FUTURE = DraftContext(
    now=NOW, deadline=NOW + timedelta(days=1), recipient_count=3, has_closed_round=True, review_approved=True
)

DRAFT_ALLOWED = {
    ("drafting", "start_round"): "soliciting",
    ("soliciting", "close_solicitation"): "deciding",
    ("deciding", "submit_review"): "legality_review",
    ("drafting", "submit_review"): "legality_review",
    ("legality_review", "approve"): "approved",
    ("legality_review", "return_for_revision"): "returned",
    ("returned", "revise"): "drafting",
    ("drafting", "revise"): "drafting",
    ("deciding", "revise"): "deciding",
    ("approved", "issue"): "issued",
    ("deciding", "issue"): "issued",  # a type that needs no legality review (内部工作方案)
    **{
        (s, "withdraw"): "withdrawn"
        for s in ("drafting", "soliciting", "deciding", "legality_review", "approved", "returned")
    },
}
DRAFT_TRIGGERS = [
    "start_round",
    "close_solicitation",
    "submit_review",
    "approve",
    "return_for_revision",
    "revise",
    "issue",
    "withdraw",
]


def _draft_ctx(trigger: str) -> DraftContext:
    return DRAFT_OK_FUTURE if trigger == "start_round" else DRAFT_OK


@pytest.mark.parametrize("state", [s.value for s in DraftState])
@pytest.mark.parametrize("trigger", DRAFT_TRIGGERS)
def test_draft_table(state: str, trigger: str) -> None:
    expected = DRAFT_ALLOWED.get((state, trigger))
    if expected is None:
        with pytest.raises(Conflict) as err:
            DRAFT_MACHINE.fire(state, trigger, _draft_ctx(trigger))
        assert err.value.code == "TRANSITION_FORBIDDEN"
        assert "不能执行" in err.value.message
    else:
        assert DRAFT_MACHINE.fire(state, trigger, _draft_ctx(trigger)) == expected


RECIPIENT_ALLOWED = {
    (s, t): d
    for s in ("pending", "with_comments", "no_comments", "deemed_no_objection")  # received before the deadline
    for t, d in (("reply_with_comments", "with_comments"), ("reply_no_comments", "no_comments"))
}
RECIPIENT_ALLOWED[("pending", "deem_no_objection")] = "deemed_no_objection"


@pytest.mark.parametrize("state", [s.value for s in RecipientState])
@pytest.mark.parametrize("trigger", ["reply_with_comments", "reply_no_comments", "deem_no_objection"])
def test_recipient_table(state: str, trigger: str) -> None:
    before = RecipientContext(now=NOW - timedelta(minutes=1), deadline=NOW)
    after = RecipientContext(now=NOW, deadline=NOW)
    ctx = after if trigger == "deem_no_objection" else before
    expected = RECIPIENT_ALLOWED.get((state, trigger))
    if expected is None:
        with pytest.raises(Conflict) as err:
            RECIPIENT_MACHINE.fire(state, trigger, ctx)
        assert err.value.code == "TRANSITION_FORBIDDEN"
    else:
        assert RECIPIENT_MACHINE.fire(state, trigger, ctx) == expected


ROUND_ALLOWED = {("open", "close"): "closed", ("open", "change_deadline"): "open", ("open", "withdraw"): "withdrawn"}


@pytest.mark.parametrize("state", [s.value for s in RoundState])
@pytest.mark.parametrize("trigger", ["close", "change_deadline", "withdraw"])
def test_round_table(state: str, trigger: str) -> None:
    if trigger == "close":
        ctx = RoundContext(now=NOW, deadline=NOW)
    else:
        ctx = RoundContext(now=NOW, deadline=NOW + timedelta(hours=1), new_deadline=NOW + timedelta(days=1))
    expected = ROUND_ALLOWED.get((state, trigger))
    if expected is None:
        with pytest.raises(Conflict) as err:
            ROUND_MACHINE.fire(state, trigger, ctx)
        assert err.value.code == "TRANSITION_FORBIDDEN"
    else:
        assert ROUND_MACHINE.fire(state, trigger, ctx) == expected


@pytest.mark.parametrize(
    ("trigger", "state", "ctx", "code"),
    [
        (
            "start_round",
            "drafting",
            DraftContext(now=NOW, deadline=NOW + timedelta(days=1), recipient_count=0),
            "ROUND_NO_RECIPIENTS",
        ),
        ("start_round", "drafting", DraftContext(now=NOW, deadline=NOW, recipient_count=2), "DEADLINE_IN_PAST"),
        ("start_round", "drafting", DraftContext(now=NOW, deadline=None, recipient_count=2), "DEADLINE_IN_PAST"),
        (
            "close_solicitation",
            "soliciting",
            DraftContext(now=NOW, deadline=NOW + timedelta(seconds=1)),
            "DEADLINE_NOT_REACHED",
        ),
        ("submit_review", "deciding", DraftContext(now=NOW, undecided_comments=1), "COMMENTS_UNDECIDED"),
        ("submit_review", "deciding", DraftContext(now=NOW, reasons_missing=2), "DECISION_REASON_MISSING"),
        ("submit_review", "drafting", DraftContext(now=NOW, has_closed_round=False), "ROUND_NOT_CLOSED"),
        ("issue", "approved", DraftContext(now=NOW, review_approved=False), "REVIEW_NOT_APPROVED"),
    ],
)
def test_draft_guards_refuse_with_their_own_code(trigger: str, state: str, ctx: DraftContext, code: str) -> None:
    with pytest.raises(Conflict) as err:
        DRAFT_MACHINE.fire(state, trigger, ctx)
    assert err.value.code == code


def test_deadline_guard_is_inclusive_at_the_instant() -> None:
    """The deadline step is allowed at the deadline itself; a reply at that instant is late."""
    assert DRAFT_MACHINE.fire("soliciting", "close_solicitation", DraftContext(now=NOW, deadline=NOW)) == "deciding"
    with pytest.raises(Conflict) as err:
        RECIPIENT_MACHINE.fire("pending", "reply_no_comments", RecipientContext(now=NOW, deadline=NOW))
    assert err.value.code == "REPLY_AFTER_DEADLINE"


def test_round_deadline_cannot_move_into_the_past_or_after_it_passed() -> None:
    with pytest.raises(Conflict) as err:
        ROUND_MACHINE.fire(
            "open", "change_deadline", RoundContext(now=NOW, deadline=NOW + timedelta(hours=1), new_deadline=NOW)
        )
    assert err.value.code == "DEADLINE_IN_PAST"
    with pytest.raises(Conflict) as err:
        ROUND_MACHINE.fire(
            "open", "change_deadline", RoundContext(now=NOW, deadline=NOW, new_deadline=NOW + timedelta(days=1))
        )
    assert err.value.code == "DEADLINE_PASSED"


def test_machines_are_built_once_not_per_row() -> None:
    """fire() must not construct machines: the module-level one is reused."""
    import transitions

    before = transitions.Machine.__init__
    calls = []

    def spy(self, *a, **kw):  # type: ignore[no-untyped-def]
        calls.append(1)
        return before(self, *a, **kw)

    transitions.Machine.__init__ = spy  # type: ignore[method-assign]
    try:
        for _ in range(1000):
            RECIPIENT_MACHINE.fire("pending", "deem_no_objection", RecipientContext(now=NOW, deadline=NOW))
    finally:
        transitions.Machine.__init__ = before  # type: ignore[method-assign]
    assert calls == []
