"""采纳情况 published once the outcome is final, and each commenter's own outcome by receipt number.

Published: how many comments (by commenter type and by item), how many groups, each group's sample
text and decision with its reason, and how many were not published and why. Never a name or contact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kernel.clock import Clock
from kernel.errors import NotFound
from kernel.timefmt import iso_beijing
from states.public_comment import KIND_LABELS, MODERATION_MACHINE, ModerationState
from storage.uow import UnitOfWork
from workflow.public.consultations import FINAL_DRAFT_STATES, load_consultation, stage
from workflow.public.decisions import group_views
from workflow.public.intake import PublicClient, read_receipt
from workflow.public.policy import PublicPolicy
from workflow.services.decisions import decision_text
from workflow.services.ratelimit import RateRule, check_hit, refuse_if


@dataclass(frozen=True)
class Tally:
    """Counts of one round's public comments, for the feedback page and the documents."""

    received: int = 0
    active: int = 0  # not hidden
    hidden: int = 0
    groups: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # label → count (active comments)
    by_item: dict[str, int] = field(default_factory=dict)  # item label (or 全文) → count
    hidden_reasons: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)  # outcome → groups


def tally(uow: UnitOfWork, round_id: int) -> Tally:
    comments = uow.public.comments(round_id)
    active = [c for c in comments if c.state != ModerationState.hidden]
    hidden = [c for c in comments if c.state == ModerationState.hidden]
    groups = group_views(uow, round_id)
    return Tally(
        received=len(comments),
        active=len(active),
        hidden=len(hidden),
        groups=len(groups),
        by_kind={KIND_LABELS[k]: n for k in KIND_LABELS if (n := sum(1 for c in active if c.kind == k))},
        by_item=dict(Counter(c.anchor_label or "全文" for c in active).most_common()),
        hidden_reasons=dict(Counter(c.moderation_reason for c in hidden).most_common()),
        outcomes=dict(Counter(str(g["decision"]) for g in groups if g["decision"])),
    )


def public_feedback(uow: UnitOfWork, clock: Clock, consultation_id: int) -> dict[str, Any]:
    """The 采纳情况 as published; ``final`` False (and nothing else) until the outcome is final."""
    c, rnd, draft, office = load_consultation(uow, consultation_id)
    base = {
        "consultation_id": c.id, "title": draft.title, "office": office.name, "stage": stage(rnd, draft, clock.now())
    }
    if draft.state not in FINAL_DRAFT_STATES:
        return {**base, "final": False}
    t = tally(uow, rnd.id or 0)
    groups = [
        {
            "group_id": g["group_id"],
            "size": g["size"],
            "targets": g["targets"],
            "sample": g["sample"],
            "decision": g["decision"],
            "decision_text": g["decision_text"],
        }
        for g in group_views(uow, rnd.id or 0)
    ]
    return {
        **base,
        "final": True,
        "received": t.received,
        "counted": t.active,
        "hidden": t.hidden,
        "hidden_reasons": t.hidden_reasons,
        "groups_count": t.groups,
        "by_kind": t.by_kind,
        "by_item": t.by_item,
        "adopted_groups": t.outcomes.get("adopted", 0),
        "partly_groups": t.outcomes.get("partly_adopted", 0),
        "rejected_groups": t.outcomes.get("rejected", 0),
        "groups": groups,
    }


def lookup_rule(policy: PublicPolicy) -> RateRule:
    return RateRule("public_lookup", policy.lookups_per_client_per_minute, "查询过于频繁。")


def lookup_receipt(
    uow: UnitOfWork, clock: Clock, receipt: str, client: PublicClient, policy: PublicPolicy
) -> dict[str, Any]:
    """A commenter's own comment by its receipt number: its moderation and, once final, its group's decision.
    Every look-up counts against the client, so receipts cannot be guessed quickly."""
    rule = lookup_rule(policy)
    used = check_hit(uow, clock, rule, client.key_hash)
    uow.commit()
    refuse_if(used, rule)
    number = read_receipt(receipt)
    row = uow.public.by_receipt(number)
    if row is None:
        raise NotFound("RECEIPT_NOT_FOUND", "没有找到该回执号对应的意见，请核对后重试。", field="receipt")
    c, rnd, draft, _office = load_consultation(uow, row.consultation_id)
    final = draft.state in FINAL_DRAFT_STATES
    group = uow.public.group(row.group_id) if row.group_id is not None else None
    decided = final and row.state != ModerationState.hidden and group is not None and group.outcome is not None
    return {
        "receipt": row.receipt,
        "consultation_id": c.id,
        "title": draft.title,
        "received_at": iso_beijing(row.received_at),
        "kind_label": KIND_LABELS.get(row.kind, row.kind),
        "target": row.target,
        "text": row.text,
        "state": row.state,
        "state_label": MODERATION_MACHINE.label(row.state),
        "hidden_reason": row.moderation_reason if row.state == ModerationState.hidden else "",
        "final": final,
        "group_size": len(uow.public.members(group.id or 0)) if group is not None else 1,
        "decision": group.outcome if decided and group is not None else None,
        "decision_text": decision_text(group.outcome, group.reason) if decided and group is not None else "",
        "deadline": iso_beijing(rnd.deadline),
    }


