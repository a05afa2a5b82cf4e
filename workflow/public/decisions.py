"""采纳情况 for public comments: one decision per group, in the same queue and with the same outcomes
and reasons as the units' comments, behind the same gate before legality review.

A group counts when it holds at least one comment that is not hidden; its decision applies to every
comment in it. Submission for review needs every such group decided (a reason where the outcome needs
one) and no comment still waiting for moderation.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, NotFound
from kernel.ids import ref
from kernel.text import check_texts
from states.decision import NEEDS_REASON, OUTCOME_LABELS
from states.draft import DraftState
from states.public_comment import KIND_LABELS, MODERATION_MACHINE, ModerationState
from states.round import RoundState
from storage.models import PublicComment, PublicCommentGroup
from storage.uow import UnitOfWork
from workflow.services._common import load_draft, load_round, record
from workflow.services.decisions import checked_outcome, decision_text

_DECIDABLE_DRAFT_STATES = (DraftState.deciding, DraftState.drafting)


@dataclass(frozen=True)
class DecideGroup:
    group_id: int
    outcome: str
    reason: str = ""

    def __post_init__(self) -> None:
        check_texts({"采纳结论": self.outcome, "理由": self.reason}, multiline=frozenset({"理由"}))


def decide_group(uow: UnitOfWork, clock: Clock, actor: Actor, cmd: DecideGroup) -> PublicCommentGroup:
    """Record or change the decision on one group (and so on each of its comments)."""
    outcome, reason = checked_outcome(cmd.outcome, cmd.reason, group_id=cmd.group_id)
    group = uow.public.group(cmd.group_id, for_update=True)
    if group is None:
        raise NotFound("PUBLIC_GROUP_NOT_FOUND", f"意见组 {cmd.group_id} 不存在。", group_id=cmd.group_id)
    members = [c for c in uow.public.members(group.id or 0) if c.state != ModerationState.hidden]
    if not members:
        raise Conflict("PUBLIC_GROUP_EMPTY", "该意见组没有需要作出采纳决定的意见（已并入其他组或均不予公开）。")
    rnd = load_round(uow, group.round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    latest = uow.rounds.latest_id_for_draft(draft.id or 0) == rnd.id
    if draft.state not in _DECIDABLE_DRAFT_STATES or rnd.state != RoundState.closed or not latest:
        raise Conflict(
            "DECISION_NOT_ALLOWED", "只有在征求意见截止后、提交合法性审查前才能作出采纳决定。", draft_state=draft.state
        )
    now = clock.now()
    before = group.outcome
    group.outcome = outcome.value
    group.reason = reason
    group.decided_by = actor.name
    group.decided_at = now
    uow.public.add(group)
    record(
        uow, actor, now, "public_group.decided", ref("public_group", group.id),
        round_id=rnd.id,
        from_state=before,
        to_state=outcome.value,
        reason=reason,
        comments=[c.id for c in members],
    )
    uow.commit()
    return group


def _active(comments: list[PublicComment]) -> list[PublicComment]:
    return [c for c in comments if c.state != ModerationState.hidden]


def group_views(uow: UnitOfWork, round_id: int) -> list[dict[str, Any]]:
    """The round's groups in the decision queue (at least one comment not hidden), largest first."""
    comments = uow.public.comments(round_id)
    by_group: dict[int, list[PublicComment]] = {}
    for c in comments:
        if c.group_id is not None:
            by_group.setdefault(c.group_id, []).append(c)
    out: list[dict[str, Any]] = []
    for group in uow.public.groups(round_id):
        members = by_group.get(group.id or 0, [])
        active = _active(members)
        if not active:
            continue
        targets = Counter(c.anchor_label or "全文" for c in active)
        out.append(
            {
                "group_id": group.id,
                "size": len(active),
                "sample": active[0].text,
                "decision": group.outcome,
                "decision_label": OUTCOME_LABELS.get(group.outcome) if group.outcome else None,
                "reason": group.reason,
                "decision_text": decision_text(group.outcome, group.reason),
                "manual": group.manual,
                "targets": [t for t, _ in targets.most_common()],
                "kinds": {KIND_LABELS.get(k, k): n for k, n in Counter(c.kind for c in active).most_common()},
                "pending": sum(1 for c in active if c.state == ModerationState.pending),
                "hidden": len(members) - len(active),
                "comments": [
                    {
                        "id": c.id,
                        "receipt": c.receipt,
                        "kind_label": KIND_LABELS.get(c.kind, c.kind),
                        "target": c.target,
                        "anchor": c.anchor_label,
                        "text": c.text,
                        "state": c.state,
                        "state_label": MODERATION_MACHINE.label(c.state),
                    }
                    for c in members
                ],
            }
        )
    out.sort(key=lambda g: (-int(g["size"]), int(g["group_id"])))
    return out


def public_counts(uow: UnitOfWork, round_id: int) -> tuple[int, int, int]:
    """(groups in the queue, undecided — an ungrouped comment counts as one —, decided without a needed reason)."""
    if uow.public.consultation_for_round(round_id) is None:
        return 0, 0, 0
    groups = group_views(uow, round_id)
    ungrouped = len(_active(uow.public.ungrouped(round_id)))
    undecided = sum(1 for g in groups if g["decision"] is None) + ungrouped
    missing = sum(1 for g in groups if g["decision"] in NEEDS_REASON and not str(g["reason"]).strip())
    return len(groups) + ungrouped, undecided, missing


def check_ready_for_review(uow: UnitOfWork, round_id: int) -> tuple[int, int]:
    """(undecided groups, reasons missing) for the review gate; ``PUBLIC_COMMENTS_UNMODERATED`` while any
    comment still waits for moderation."""
    waiting = uow.public.unmoderated(round_id)
    if waiting:
        raise Conflict(
            "PUBLIC_COMMENTS_UNMODERATED",
            f"还有{waiting}条社会公众意见未审核（公开或不予公开），不能提交合法性审查。",
            unmoderated=waiting,
        )
    _, undecided, missing = public_counts(uow, round_id)
    return undecided, missing


def flagged_words(comment: PublicComment) -> list[str]:
    return [str(w) for w in json.loads(comment.flagged or "[]")]
