"""The workflow's invariants under random sequences of actions with time moving (hypothesis, stateful).

Rules: reply on time or late (and revise a reply), admit a late reply, change the deadline, withdraw,
sweep, decide, submit for review, review (approve or return), revise the draft, issue — with a FixedClock
that moves between steps. After every step:

- each recipient is in exactly one known state, and the round keeps its recipients;
- a reply acknowledged on time (judged by the clock and the deadline of that moment) is stored, never
  turned late, and its unit is counted as having replied (never deemed, never lost);
- a draft that has gone to review has every on-time comment of the round decided, with a reason where
  the outcome needs one; an issued draft has an approved legality review;
- the hash chain verifies, and replaying it rebuilds the state tables (``audit verify --state``).

Bounded (examples × steps) to run in well under a minute on SQLite.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kernel.clock import FixedClock
from kernel.errors import DomainError
from states.decision import NEEDS_REASON, Outcome
from states.draft import DraftState
from states.recipient import RecipientState
from states.review import ReviewState
from storage.db import create_schema, make_engine
from storage.uow import UnitOfWork, uow_factory
from tests.support.scenario import _PARSED, STAFF, new_round, setup_office
from workflow.comment_input import CommentInput
from workflow.services.audit import verify
from workflow.services.audit_state import verify_state
from workflow.services.deadlines import sweep
from workflow.services.decisions import Decide, decide
from workflow.services.drafts import revise_draft
from workflow.services.issuance import issue
from workflow.services.replies import SubmitReply, admit_late_reply, submit_reply
from workflow.services.review import record_review, submit_review
from workflow.services.rounds import change_deadline
from workflow.services.withdrawal import withdraw

UNITS = [f"测试单位{i:03d}" for i in range(1, 5)]
ANSWERED = {RecipientState.with_comments, RecipientState.no_comments}


class Workflow(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="cf-stateful-"))
        self.engine = make_engine(f"sqlite:///{self.tmp / 'db.sqlite'}")
        create_schema(self.engine)
        self.clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
        office = setup_office(self.engine, self.clock, units=len(UNITS))
        self.deadline = self.clock.now() + timedelta(days=2)
        self.round_id = new_round(self.engine, self.clock, office, self.deadline, 1)
        self.on_time: dict[int, str] = {}  # reply id → unit, for replies acknowledged on time
        self.late: list[int] = []

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _draft_state(self) -> str:
        with UnitOfWork(self.engine) as uow:
            rnd = uow.rounds.get(self.round_id)
            draft = uow.drafts.get(rnd.draft_id) if rnd else None
            return draft.state if draft else ""

    def _try(self, action, *args, **kwargs):  # type: ignore[no-untyped-def]
        """Run one service in its own unit of work; a refusal (DomainError) is a legitimate outcome."""
        with UnitOfWork(self.engine) as uow:
            try:
                return action(uow, self.clock, STAFF, *args, **kwargs)
            except DomainError:
                return None

    # --- time and the deadline ---------------------------------------------------------------

    @rule(hours=st.sampled_from([1, 5, 23]))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))

    @rule(minutes=st.sampled_from([-1, 0, 1]))
    def time_reaches_the_deadline(self, minutes: int) -> None:
        """Right before, at, or right after the deadline: the edge where replies turn late."""
        target = self.deadline + timedelta(minutes=minutes)
        if target > self.clock.now():
            self.clock.set(target)

    @rule(hours=st.integers(min_value=-30, max_value=60))
    def change_the_deadline(self, hours: int) -> None:
        new = self.deadline + timedelta(hours=hours)
        if self._try(change_deadline, self.round_id, new, "工作需要") is not None:
            self.deadline = new

    @rule()
    def sweep_runs(self) -> None:
        sweep(uow_factory(self.engine), self.clock)

    @precondition(lambda self: self._draft_state() == DraftState.soliciting)
    @rule()
    def the_deadline_passes_and_the_scheduler_enforces_it(self) -> None:
        self.clock.set(max(self.clock.now(), self.deadline) + timedelta(minutes=5))
        sweep(uow_factory(self.engine), self.clock)

    @precondition(lambda self: self._draft_state() not in (DraftState.issued, DraftState.withdrawn))
    @rule(chance=st.integers(min_value=0, max_value=9))
    def withdraw_sometimes(self, chance: int) -> None:
        if chance == 7:  # rarely: it ends the story
            self._try(withdraw, self.round_id, "领导要求暂缓")

    # --- replies -----------------------------------------------------------------------------

    @rule(unit=st.sampled_from(UNITS), comments=st.integers(min_value=0, max_value=2))
    def unit_replies(self, unit: str, comments: int) -> None:
        items = [
            CommentInput(target="序号4", text=f"意见{n}：{unit}", basis="依据", reason="理由") for n in range(comments)
        ]
        now = self.clock.now()
        stored = self._try(
            submit_reply, SubmitReply(round_id=self.round_id, unit_name=unit, comments=items, no_comments=not items)
        )
        if stored is None:
            return
        assert stored.late == (now >= self.deadline), "judged by the clock and the deadline of that moment"
        if stored.late:
            self.late.append(stored.reply_id)
        else:
            self.on_time[stored.reply_id] = unit

    @precondition(lambda self: bool(self.late))
    @rule(data=st.data())
    def admit_a_late_reply(self, data: st.DataObject) -> None:
        self._try(admit_late_reply, data.draw(st.sampled_from(self.late)), "经批准纳入")

    # --- deciding, review, issue ---------------------------------------------------------------

    @precondition(lambda self: self._draft_state() in (DraftState.deciding, DraftState.drafting))
    @rule(data=st.data(), outcome=st.sampled_from(list(Outcome)), reasoned=st.booleans())
    def decide_a_comment(self, data: st.DataObject, outcome: Outcome, reasoned: bool) -> None:
        with UnitOfWork(self.engine) as uow:
            queue = [c.id for c, _r, _u, _d in uow.replies.decision_queue(self.round_id)]
        if queue:
            comment_id = data.draw(st.sampled_from(queue))
            self._try(decide, Decide(comment_id or 0, outcome.value, "已研究。" if reasoned else ""))

    @precondition(lambda self: self._draft_state() in (DraftState.deciding, DraftState.drafting))
    @rule()
    def submit_for_review(self) -> None:
        self._try(submit_review, self.round_id)

    @precondition(lambda self: self._draft_state() == DraftState.legality_review)
    @rule(approve=st.booleans())
    def reviewer_decides(self, approve: bool) -> None:
        self._try(record_review, self.round_id, approve=approve, reviewer="市司法局", opinion="请修改第三条。")

    @precondition(lambda self: self._draft_state() in (DraftState.deciding, DraftState.returned))
    @rule()
    def revise_the_draft(self) -> None:
        with UnitOfWork(self.engine) as uow:
            rnd = uow.rounds.get(self.round_id)
            draft_id = rnd.draft_id if rnd else 0
        self._try(revise_draft, draft_id, _PARSED, filename="revised.txt", note="按意见修改")

    @rule()
    def issue_it(self) -> None:
        self._try(issue, self.round_id, "孝政发〔2026〕1号")

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def each_recipient_in_exactly_one_state(self) -> None:
        with UnitOfWork(self.engine) as uow:
            recipients = uow.rounds.recipients(self.round_id)
        assert sorted(u.name for _r, u in recipients) == UNITS
        assert all(r.state in set(RecipientState) for r, _u in recipients)

    @invariant()
    def no_reply_acknowledged_on_time_is_late_or_lost(self) -> None:
        with UnitOfWork(self.engine) as uow:
            states = {u.name: r.state for r, u in uow.rounds.recipients(self.round_id)}
            for reply_id, unit in self.on_time.items():
                reply = uow.replies.get(reply_id)
                assert reply is not None and not reply.late, f"reply {reply_id} of {unit}"
                assert states[unit] in ANSWERED, f"{unit} replied on time but is {states[unit]}"

    @invariant()
    def a_draft_under_review_has_every_comment_decided_and_reasoned(self) -> None:
        with UnitOfWork(self.engine) as uow:
            rnd = uow.rounds.get(self.round_id)
            draft = uow.drafts.get(rnd.draft_id) if rnd else None
            assert draft is not None
            reviews = uow.rounds.reviews(self.round_id)
            if draft.state in (DraftState.legality_review, DraftState.approved, DraftState.issued):
                for comment, _r, unit, decision in uow.replies.decision_queue(self.round_id):
                    assert decision is not None, f"comment {comment.id} of {unit.name} undecided"
                    assert decision.outcome not in NEEDS_REASON or decision.reason.strip()
            if draft.state == DraftState.issued:
                assert any(r.state == ReviewState.approved for r in reviews), "issued without an approval"

    @invariant()
    def the_chain_verifies_and_replays_to_the_tables(self) -> None:
        with UnitOfWork(self.engine) as uow:
            assert verify(uow).ok
            report = verify_state(uow)
        assert report.ok, [d.message for d in report.differences]


Workflow.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_workflow_invariants_hold_under_random_sequences = Workflow.TestCase
