"""Read models for status screens and `consultflow status` / `round list`."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from kernel.timefmt import cn_datetime, iso_beijing
from states.decision import OUTCOME_LABELS
from states.draft import DRAFT_MACHINE
from states.public_comment import MODERATION_MACHINE
from states.recipient import RECIPIENT_MACHINE
from states.review import REVIEW_MACHINE
from storage.uow import UnitOfWork
from workflow.services._common import load_draft, load_round

if TYPE_CHECKING:  # annotations only: ``round list`` imports this module and needs none of them
    from storage.models import Recipient
    from storage.views import UnitView
    from workflow.profiles import OfficeProfile

ILLUSTRATIVE_TIMES_NOTICE = "演示数据：回复和审查时间为示意，种子材料未记载"
"""Shown on every page and document of a round whose reply and review times are not on record (the demo)."""


def round_summary(uow: UnitOfWork, round_id: int) -> dict[str, Any]:
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    version = uow.drafts.version(draft.id or 0, rnd.version)
    return {
        "id": rnd.id,
        "round_id": rnd.id,
        "doc_number": rnd.doc_number,
        "draft_id": draft.id,
        "draft_title": draft.title,
        "version": rnd.version,
        "state": rnd.state,
        "draft_state": draft.state,
        "draft_state_label": DRAFT_MACHINE.label(draft.state),
        "letter_date": rnd.letter_date.isoformat(),
        "deadline": iso_beijing(rnd.deadline),
        "deadline_text": cn_datetime(rnd.deadline),
        "deadline_warning": rnd.deadline_warning,
        "enforced_at": iso_beijing(rnd.enforced_at) if rnd.enforced_at else None,
        "contact": rnd.contact,
        "phone": rnd.phone,
        "issued_doc_number": draft.issued_doc_number,
        "issued_at": iso_beijing(draft.issued_at) if draft.issued_at else None,
        "doc_type": draft.doc_type,
        "scope": rnd.scope,
        "shorten_reason": rnd.shorten_reason,
        "has_tasks": version is not None and uow.drafts.has_tasks(version.id or 0),
        "illustrative_times": rnd.illustrative_times,
        "illustrative_notice": ILLUSTRATIVE_TIMES_NOTICE if rnd.illustrative_times else "",
    }


def recipient_row(rec: Recipient, unit: UnitView, profile: OfficeProfile, channels: dict[int, str]) -> dict[str, Any]:
    """One unit's line in a round's status (CLI/API contract and the round page): its state, labelled in
    the office's words, and the channel of its last on-time reply."""
    return {
        "recipient_id": rec.id,
        "unit": unit.name,
        "category": unit.category,
        "category_label": profile.category_label(unit.category),
        "state": rec.state,
        "state_label": RECIPIENT_MACHINE.label(rec.state),
        "late": rec.late,
        "replied_at": iso_beijing(rec.replied_at) if rec.replied_at else None,
        "revisions": rec.revisions,
        "channel": channels.get(rec.id or 0),
    }


def round_status(uow: UnitOfWork, round_id: int) -> dict[str, Any]:
    """The round, each recipient's state, the decision queue, late replies, reviews and signed documents."""
    # Imported here, not at the top: ``round list`` imports this module too, and these bring in issuance,
    # tracking, the public consultation and their tables (every CLI call is a new process).
    from workflow.services.anchors import queue_anchors
    from workflow.services.decisions import decision_view
    from workflow.services.issuance import signed_views
    from workflow.services.offices import office_profile

    summary = round_summary(uow, round_id)
    profile = office_profile(uow, load_round(uow, round_id).office_id)
    channels: dict[int, str] = {}
    for reply, _unit in uow.replies.for_round(round_id):
        if not reply.late:
            channels[reply.recipient_id] = reply.channel  # the last on-time revision wins
    recipients = [recipient_row(rec, unit, profile, channels) for rec, unit in uow.rounds.recipients(round_id)]
    # "reason" in the CLI contract is the decision's reason; the comment's own is "comment_reason".
    queue = uow.replies.decision_queue(round_id)
    anchors, targets = queue_anchors(uow, round_id, queue)
    comments = [
        {
            "id": c.id,
            "unit": u.name,
            "target": c.target,
            "task_number": c.task_number,
            "anchor": anchors.get(c.id or 0),
            "text": c.text,
            "basis": c.basis,
            "late_admitted": r.late,
            **{k: v for k, v in decision_view(d, targets.get(c.id or 0)).items() if k != "decision_text"},
            "comment_reason": c.reason,
        }
        for c, r, u, d in queue
    ]
    late = [
        {
            "reply_id": r.id,
            "unit": u.name,
            "received_at": iso_beijing(r.received_at),
            "kind": r.kind,
            "admitted": r.admitted,
            "comments": len(uow.replies.comments_of([r.id or 0])),
        }
        for r, u in uow.replies.late_replies(round_id)
    ]
    reviews = review_rows(uow, round_id)
    return {
        "round": summary,
        "recipients": recipients,
        "comments": comments,
        "late_replies": late,
        "reviews": reviews,
        "public": public_status(uow, round_id),
        "signed_documents": signed_views(uow, round_id),  # 印发后上传的签发正式文件, newest first
    }


def review_rows(uow: UnitOfWork, round_id: int) -> list[dict[str, Any]]:
    """The round's legality reviews as the round page, the CLI and the API show them."""
    return [
        {
            "review_id": v.id,
            "state": v.state,
            "state_label": REVIEW_MACHINE.label(v.state),
            "reviewer": v.reviewer,
            "opinion": v.opinion,
            "version": v.version,
            "decided_at": iso_beijing(v.decided_at) if v.decided_at else None,
        }
        for v in uow.rounds.reviews(round_id)
    ]


def public_status(uow: UnitOfWork, round_id: int) -> dict[str, Any] | None:
    """The public consultation's figures beside the units' (None when the round asked only units): comments
    received and published, groups in the queue, undecided, decided by outcome, reasons still missing."""
    # Imported here: see round_status.
    from workflow.public.decisions import group_views, public_counts

    consultation = uow.public.consultation_for_round(round_id)
    if consultation is None:
        return None
    groups = group_views(uow, round_id)
    in_queue, undecided, missing = public_counts(uow, round_id)
    outcomes = Counter(str(g["decision"]) for g in groups if g["decision"] is not None)
    states = Counter(c.state for c in uow.public.comments(round_id))
    return {
        "consultation_id": consultation.id,
        "comments": sum(states.values()),
        "comments_by_state": {MODERATION_MACHINE.label(k): n for k, n in states.items()},
        "groups": in_queue,
        "undecided": undecided,
        "reasons_missing": missing,
        "decided": {OUTCOME_LABELS.get(k, k): n for k, n in outcomes.items()},
    }


def _office_names(uow: UnitOfWork, office_ids: set[int]) -> dict[int, str]:
    return {i: o.short_name or o.name for i, o in uow.directory.offices_by_ids(sorted(office_ids)).items()}


def list_rounds(uow: UnitOfWork) -> list[dict[str, Any]]:
    """The rounds this unit of work may see, each naming its office (a reviewer sees several offices')."""
    rounds = list(uow.rounds.all())
    names = _office_names(uow, {r.office_id for r in rounds})
    out = []
    for rnd in rounds:
        draft = uow.drafts.get(rnd.draft_id)
        out.append(
            {
                "round_id": rnd.id,
                "doc_number": rnd.doc_number,
                "state": rnd.state,
                "draft_state": draft.state if draft else None,
                "deadline": iso_beijing(rnd.deadline),
                "title": draft.title if draft else "",
                "doc_type": draft.doc_type if draft else None,
                "office_id": rnd.office_id,
                "office": names.get(rnd.office_id, ""),
            }
        )
    return out


REVIEW_PAGE_SIZE = 50
"""Rows a page of the reviewer's queue shows (a reviewer serving several offices for years has thousands)."""


def review_queue(
    uow: UnitOfWork, *, pending_only: bool = False, offset: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """The rounds sent for legality review that this unit of work may see, newest first, each naming its
    office and its latest review: one reviewer's queue spans every office its reviewing unit serves.
    ``pending_only``: only rounds whose latest review awaits the verdict; ``offset``/``limit`` page it (no
    limit: every round). One query for the rows, one for the names of their offices."""
    rows = uow.rounds.review_queue(pending_only=pending_only, offset=offset, limit=limit)
    names = _office_names(uow, {r.office_id for r in rows})
    return [
        {
            "round_id": r.round_id,
            "doc_number": r.doc_number,
            "title": r.draft_title or "",
            "office_id": r.office_id,
            "office": names.get(r.office_id, ""),
            "draft_state": r.draft_state,
            "state_label": DRAFT_MACHINE.label(r.draft_state) if r.draft_state else "",
            "issued_doc_number": r.issued_doc_number,
            "review_state": r.review_state,
            "review_state_label": REVIEW_MACHINE.label(r.review_state),
            "requested_at": iso_beijing(r.requested_at),
            "due_at": iso_beijing(r.due_at) if r.due_at else None,
        }
        for r in rows
    ]


def review_counts(uow: UnitOfWork) -> dict[str, int]:
    """How many rounds the reviewer's queue holds: ``all`` sent for review, ``pending`` awaiting the verdict."""
    total, pending = uow.rounds.review_queue_counts()
    return {"all": total, "pending": pending}


def review_queue_page(uow: UnitOfWork, *, show: str = "", page: int = 1) -> dict[str, Any]:
    """One page of the reviewer's queue (``REVIEW_PAGE_SIZE`` rows) with both filters' counts.

    ``show`` is ``pending`` (only what awaits the verdict) or ``all``; anything else picks ``pending`` when
    something waits and ``all`` when nothing does. Why: a reviewer opens the queue to review, so what waits
    comes first, not buried among years of decided rounds; with nothing waiting, an empty list would hide the
    history they then came for (a decided or issued round). A page past either end shows the nearest one."""
    counts = review_counts(uow)
    if show not in ("pending", "all"):
        show = "pending" if counts["pending"] else "all"
    matching = counts[show]
    pages = max(1, -(-matching // REVIEW_PAGE_SIZE))
    page = min(max(1, page), pages)
    items = review_queue(
        uow, pending_only=show == "pending", offset=(page - 1) * REVIEW_PAGE_SIZE, limit=REVIEW_PAGE_SIZE
    )
    return {
        "items": items,
        "show": show,
        "counts": counts,
        "matching": matching,
        "page": page,
        "pages": pages,
        "per_page": REVIEW_PAGE_SIZE,
    }
