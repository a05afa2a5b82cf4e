"""合法性审查: submitting the draft to the justice bureau, and recording its verdict."""

from __future__ import annotations

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput
from states.draft import DRAFT_MACHINE, DraftContext
from storage.models import LegalityReview
from storage.uow import UnitOfWork
from workflow.services._common import load_draft, load_round, record


def submit_review(uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int) -> LegalityReview:
    """Every on-time comment decided and every non-adoption reasoned, or nothing happens."""
    now = clock.now()
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    if uow.rounds.latest_id_for_draft(draft.id or 0) != rnd.id:
        raise Conflict("ROUND_SUPERSEDED", "该文稿已发起新的征求意见轮次，请针对最新轮次提交审查。")
    _, undecided, missing = uow.replies.queue_counts(round_id)
    ctx = DraftContext(
        now=now, undecided_comments=undecided, reasons_missing=missing, has_closed_round=rnd.state == "closed"
    )
    dest = DRAFT_MACHINE.fire(draft.state, "submit_review", ctx)
    source = draft.state
    draft.state = dest
    uow.drafts.add(draft)
    version = uow.drafts.version(draft.id or 0, draft.current_version)
    if version is not None:
        version.stage = "for_review"
        uow.drafts.add(version)
    review = LegalityReview(
        round_id=round_id, draft_id=draft.id or 0, version=draft.current_version, state="pending", requested_at=now
    )
    uow.rounds.add(review)
    record(
        uow,
        actor,
        now,
        "review.requested",
        f"draft:{draft.id}",
        round_id=round_id,
        from_state=source,
        to_state=dest,
        version=draft.current_version,
        review_id=review.id,
    )
    from workflow.services.messages import queue_review_request

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
    dest = DRAFT_MACHINE.fire(draft.state, trigger, DraftContext(now=now))
    source = draft.state
    draft.state = dest
    uow.drafts.add(draft)
    review.state = "approved" if approve else "returned"
    review.reviewer = reviewer.strip()
    review.opinion = opinion.strip()
    review.decided_at = now
    uow.rounds.add(review)
    record(
        uow,
        actor,
        now,
        "review.approved" if approve else "review.returned",
        f"draft:{draft.id}",
        round_id=round_id,
        from_state=source,
        to_state=dest,
        reviewer=review.reviewer,
        opinion=review.opinion,
        version=review.version,
        review_id=review.id,
    )
    from workflow.services.messages import queue_review_result

    queue_review_result(uow, round_id, review.id or 0)
    uow.commit()
    return review
