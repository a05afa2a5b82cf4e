"""征求意见采纳情况表: grouped and counted exactly as the seed's table.

Groups are ordered by unit category in the order the office's profile lists them (for the demo office,
as the seed: member units, city departments, townships), each printed with the profile's label, and
within a category by reply category (with comments, no comments, deemed no objection), which is the
order the seed uses. The legality-review row closes the table, naming the profile's reviewing unit.

A recipient keeps the category key it was asked under; a key the profile no longer knows is printed as
it was stored, never as another office's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from states.recipient import RecipientState
from storage.models import Recipient
from storage.uow import UnitOfWork
from storage.views import RecipientRow, UnitView
from workflow.services._common import load_draft, load_round
from workflow.services.anchors import queue_anchors
from workflow.services.decisions import decision_view
from workflow.services.offices import office_profile
from workflow.services.preload import Queue

REPLY_CATEGORIES = (RecipientState.with_comments, RecipientState.no_comments, RecipientState.deemed_no_objection)
REPLY_CATEGORY_LABELS = {
    RecipientState.with_comments.value: "有修改意见",
    RecipientState.no_comments.value: "无修改意见",
    RecipientState.deemed_no_objection.value: "逾期未回复",
}
DEEMED_TEXT = "逾期未回复，视为无意见"


def adoption_table(
    uow: UnitOfWork,
    round_id: int,
    queue: Queue | None = None,
    recipients: Sequence[tuple[Recipient | RecipientRow, UnitView]] | None = None,
) -> dict[str, Any]:
    """The table's groups and rows (``queue``, ``recipients``: the round's decision queue and recipients,
    where the caller loaded them already)."""
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id)
    profile = office_profile(uow, rnd.office_id)
    queue = uow.replies.decision_queue(round_id) if queue is None else queue
    anchors, targets = queue_anchors(uow, round_id, queue)  # where each comment's (and 落实于) item is now
    comments_by_unit: dict[int, list[dict[str, Any]]] = {}
    for c, _r, u, d in queue:
        comments_by_unit.setdefault(u.id or 0, []).append(
            {
                "comment_id": c.id,
                "unit": u.name,
                "target": c.target,
                "anchor": anchors.get(c.id or 0),
                "text": c.text,
                **decision_view(d, targets.get(c.id or 0)),
            }
        )
    buckets: dict[tuple[str, str], list[Any]] = {}
    for rec, unit in uow.rounds.recipients(round_id) if recipients is None else recipients:
        if rec.state == RecipientState.pending:
            continue
        buckets.setdefault((unit.category, rec.state), []).append(unit)
    groups = []
    order = profile.category_order()
    known = order + sorted({c for c, _ in buckets} - set(order))
    for category in known:
        for reply_category in REPLY_CATEGORIES:
            units = buckets.get((category, reply_category))
            if not units:
                continue
            comments = [c for u in units for c in comments_by_unit.get(u.id or 0, [])]
            groups.append(
                {
                    "reply_category": reply_category,
                    "reply_category_label": REPLY_CATEGORY_LABELS[reply_category],
                    "unit_category": category,
                    "unit_category_label": profile.category_label(category),
                    "count": len(units),
                    "count_text": f"{len(units)}家",
                    "units": [u.name for u in units],
                    "comments": comments,
                }
            )
    reviews = uow.rounds.reviews(round_id)
    last = reviews[-1] if reviews else None
    legality = {
        # the reviewing unit as the profile names it, not the account that clicked
        "reviewer": profile.reviewer_unit,
        "reviewer_person": last.reviewer if last else "",
        "state": last.state if last else "not_requested",
        "opinion": last.opinion if last else "",
        "version": last.version if last else None,
    }
    return {
        "round_id": rnd.id,
        "doc_number": rnd.doc_number,
        "title": f"关于《{draft.title}》征求意见采纳情况",
        "draft_title": draft.title,
        "groups": groups,
        "legality_review": legality,
    }
