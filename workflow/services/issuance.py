"""印发: the approved draft becomes the issued document under its own number."""

from __future__ import annotations

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.text import check_text
from states.draft import DRAFT_MACHINE, DraftContext, DraftStage
from states.review import ReviewState
from storage.models import Draft
from storage.uow import UnitOfWork
from workflow.doc_number import parse_doc_number
from workflow.doc_types import SHIPPED_TYPES, DocTypes
from workflow.public.decisions import check_ready_for_review
from workflow.services._common import change_state, load_draft, load_round
from workflow.services.deliberation import deliberated
from workflow.services.messages import queue_for_round
from workflow.services.tracking import track_issued_draft


def issue(
    uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, doc_number: str, *, rules: DocTypes = SHIPPED_TYPES
) -> Draft:
    """印发 under ``doc_number``: after an approved review (unless the type needs none) and, where the
    type requires it, a recorded collective deliberation that did not reject the draft."""
    number = parse_doc_number(check_text(doc_number, "发文字号"))
    now = clock.now()
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    doc_type = rules.get(draft.doc_type)
    reviews = uow.rounds.reviews(round_id)
    approved = bool(reviews) and reviews[-1].state == ReviewState.approved
    _, undecided, missing = uow.replies.queue_counts(round_id)
    public_undecided, public_missing = check_ready_for_review(uow, round_id)  # the public's groups, same gate
    undecided, missing = undecided + public_undecided, missing + public_missing
    draft.issued_doc_number = str(number)
    draft.issued_at = now
    change_state(
        uow, actor, now, DRAFT_MACHINE, draft, "issue",
        DraftContext(
            now=now,
            review_approved=approved,
            undecided_comments=undecided,
            reasons_missing=missing,
            review_required=doc_type.review_required,
            deliberation_required=doc_type.deliberation_required,
            deliberated=deliberated(uow, round_id),
        ),
        action="draft.issued",
        round_id=round_id,
        doc_number=str(number),
        version=draft.current_version,
    )
    version = uow.drafts.version(draft.id or 0, draft.current_version)
    if version is not None:
        version.stage = DraftStage.final
        uow.drafts.add(version)
    queue_for_round(uow, round_id, "issued", doc_number=str(number))
    # After issue the tasks are tracked (responsible units, due dates, monthly progress), in this transaction.
    track_issued_draft(uow, actor, now, draft.id or 0)
    uow.commit()
    return draft
