"""合法性审查: submitting the draft to the justice bureau, and recording its verdict."""

from __future__ import annotations

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput
from states.draft import DRAFT_MACHINE, DraftContext, DraftStage
from states.review import REVIEW_MACHINE
from states.round import RoundState
from storage.models import LegalityReview
from storage.uow import UnitOfWork
from workflow.services._common import change_state, fire, load_draft, load_round
from workflow.services.messages import queue_adoption_feedback, queue_review_request, queue_review_result


def submit_review(uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int) -> LegalityReview:
    """Every on-time comment decided and every non-adoption reasoned, or nothing happens."""
    now = clock.now()
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    if uow.rounds.latest_id_for_draft(draft.id or 0) != rnd.id:
        raise Conflict("ROUND_SUPERSEDED", "该文稿已发起新的征求意见轮次，请针对最新轮次提交审查。")
    _, undecided, missing = uow.replies.queue_counts(round_id)
    ctx = DraftContext(
        now=now, undecided_comments=undecided, reasons_missing=missing, has_closed_round=rnd.state == RoundState.closed
    )
    review = LegalityReview(
        round_id=round_id,
        draft_id=draft.id or 0,
        version=draft.current_version,
        state=REVIEW_MACHINE.initial,
        requested_at=now,
    )
    uow.rounds.add(review)
    change_state(
        uow, actor, now, DRAFT_MACHINE, draft, "submit_review", ctx,
        action="review.requested",
        round_id=round_id,
        version=draft.current_version,
        review_id=review.id,
    )
    version = uow.drafts.version(draft.id or 0, draft.current_version)
    if version is not None:
        version.stage = DraftStage.for_review
        uow.drafts.add(version)
    queue_review_request(uow, round_id, review.id or 0)
    uow.commit()
    return review


def record_review(
    uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, *, approve: bool, reviewer: str, opinion: str
) -> LegalityReview:
    """The justice bureau approves, or returns the draft with its opinion."""
    if not reviewer.strip():
        raise InvalidInput("REVIEWER_REQUIRED", "请填写审查机关或审查人。")
    if not approve and not opinion.strip():
        raise InvalidInput("REVIEW_OPINION_REQUIRED", "退回修改必须填写审查意见。")
    now = clock.now()
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    review = uow.rounds.pending_review(round_id)
    if review is None:
        raise Conflict("REVIEW_NOT_PENDING", "该轮次没有待审查的合法性审查申请。")
    trigger = "approve" if approve else "return_for_revision"
    review.reviewer = reviewer.strip()
    review.opinion = opinion.strip()
    review.decided_at = now
    # The request row moves with the draft; both are in the one review.* event below.
    fire(uow, REVIEW_MACHINE, review, trigger, None)
    change_state(
        uow, actor, now, DRAFT_MACHINE, draft, trigger, DraftContext(now=now),
        action="review.approved" if approve else "review.returned",
        round_id=round_id,
        reviewer=review.reviewer,
        opinion=review.opinion,
        version=review.version,
        review_id=review.id,
    )
    queue_review_result(uow, round_id, review.id or 0)
    if approve:  # the decisions are final now: tell the units how their comments were decided
        queue_adoption_feedback(uow, round_id, review.id or 0)
    uow.commit()
    return review
