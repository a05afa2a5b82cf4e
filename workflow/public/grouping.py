"""Grouping public comments, automatically and by staff (merge, split).

New comments are grouped when staff look (the groups, decisions and moderation views, ``public
groups``, submission for review): intake stays cheap under a burst. The new comments are clustered
among themselves (``similarity.cluster``, union-find); each cluster joins the group of an existing
comment it matches (an identical text first, else the most similar one at the threshold), or becomes a
new group. Groups staff merged or split are ``manual``; new comments may join them, nothing else
changes them. Every assignment, merge and split is audited.
"""

from __future__ import annotations

from collections.abc import Sequence

from kernel.actors import SYSTEM, Actor
from kernel.clock import Clock
from kernel.errors import Conflict, InvalidInput, NotFound
from kernel.ids import ref
from states.draft import DraftState
from states.public_comment import ModerationState
from storage.models import PublicComment, PublicCommentGroup
from storage.uow import UnitOfWork
from workflow.public.policy import PublicPolicy
from workflow.public.similarity import best_match, cluster, fingerprint
from workflow.services._common import load_draft, load_round, record

_GROUPABLE_DRAFT_STATES = (DraftState.soliciting, DraftState.deciding, DraftState.drafting)


def assign_groups(uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, policy: PublicPolicy) -> int:
    """Group the round's ungrouped comments (see the module docstring); commits. How many were grouped."""
    new = uow.public.ungrouped(round_id)
    if not new:
        return 0
    now = clock.now()
    grouped = [c for c in uow.public.comments(round_id) if c.group_id is not None and c.state != ModerationState.hidden]
    exact = {c.text_hash: c.group_id for c in grouped}
    prints = [fingerprint(c.normalised) for c in grouped]
    labels = cluster([c.normalised for c in new], policy.similarity_threshold)
    clusters: dict[int, list[PublicComment]] = {}
    for comment, label in zip(new, labels, strict=True):
        clusters.setdefault(label, []).append(comment)
    assigned: dict[int, list[int]] = {}
    created: list[int] = []
    for members in clusters.values():
        gid = next((exact[m.text_hash] for m in members if m.text_hash in exact), None)
        for m in members:
            if gid is not None:
                break
            found = best_match(m.normalised, prints, policy.similarity_threshold)
            gid = grouped[found].group_id if found is not None else None
        if gid is None:
            group = PublicCommentGroup(round_id=round_id, created_at=now)
            uow.public.add(group)
            gid = group.id or 0
            created.append(gid)
        ids = [m.id or 0 for m in members]
        uow.public.set_group(ids, gid)
        assigned.setdefault(gid, []).extend(ids)
    # The grouping is the system's (the threshold decides), whoever's view set it off.
    record(
        uow, SYSTEM, now, "public.grouped", ref("round", round_id),
        round_id=round_id,
        seen_by=actor.name,
        threshold=policy.similarity_threshold,
        groups={str(k): v for k, v in assigned.items()},
        new_groups=created,
    )
    uow.commit()
    return len(new)


def _editable(uow: UnitOfWork, round_id: int) -> None:
    rnd = load_round(uow, round_id)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    if draft.state not in _GROUPABLE_DRAFT_STATES or uow.rounds.latest_id_for_draft(draft.id or 0) != rnd.id:
        raise Conflict("PUBLIC_GROUPS_LOCKED", "该轮次已提交合法性审查（或已有后续轮次），意见组不能再调整。")


def _group(uow: UnitOfWork, group_id: int) -> PublicCommentGroup:
    row = uow.public.group(group_id, for_update=True)
    if row is None:
        raise NotFound("PUBLIC_GROUP_NOT_FOUND", f"意见组 {group_id} 不存在。", group_id=group_id)
    return row


def merge_groups(
    uow: UnitOfWork, clock: Clock, actor: Actor, into: int, others: Sequence[int]
) -> PublicCommentGroup:
    """Move every comment of ``others`` into ``into``. The target's decision stands; an undecided target
    takes the others' decision when they all agree on one."""
    target = _group(uow, into)
    sources = [_group(uow, g) for g in dict.fromkeys(others) if g != into]
    if not sources:
        raise InvalidInput("PUBLIC_GROUPS_REQUIRED", "请选择要并入的其他意见组。")
    if any(s.round_id != target.round_id for s in sources):
        raise InvalidInput("PUBLIC_GROUPS_MIXED", "只能合并同一轮次的意见组。")
    _editable(uow, target.round_id)
    now = clock.now()
    moved = [c.id or 0 for s in sources for c in uow.public.members(s.id or 0)]
    uow.public.set_group(moved, target.id or 0)
    decisions = {(s.outcome, s.reason) for s in sources if s.outcome}
    if target.outcome is None and len(decisions) == 1:
        target.outcome, target.reason = next(iter(decisions))
        target.decided_by, target.decided_at = actor.name, now
    target.manual = True
    uow.public.add(target)
    for s in sources:
        s.manual = True
        uow.public.add(s)
    record(
        uow, actor, now, "public_group.merged", ref("public_group", target.id),
        round_id=target.round_id,
        merged=[s.id for s in sources],
        comments=moved,
        outcome=target.outcome,
    )
    uow.commit()
    return target


def split_group(
    uow: UnitOfWork, clock: Clock, actor: Actor, group_id: int, comment_ids: Sequence[int]
) -> PublicCommentGroup:
    """Take ``comment_ids`` out of the group into a new, undecided group of their own."""
    source = _group(uow, group_id)
    _editable(uow, source.round_id)
    members = {c.id for c in uow.public.members(group_id)}
    chosen = list(dict.fromkeys(comment_ids))
    if not chosen or any(c not in members for c in chosen):
        raise InvalidInput("PUBLIC_SPLIT_INVALID", "请选择该意见组中的意见（不能是其他组的意见）。")
    if len(chosen) == len(members):
        raise InvalidInput("PUBLIC_SPLIT_INVALID", "不能把意见组中的全部意见都拆出，至少保留一条。")
    now = clock.now()
    group = PublicCommentGroup(round_id=source.round_id, manual=True, created_at=now)
    uow.public.add(group)
    uow.public.set_group(chosen, group.id or 0)
    source.manual = True
    uow.public.add(source)
    record(
        uow, actor, now, "public_group.split", ref("public_group", source.id),
        round_id=source.round_id,
        new_group=group.id,
        comments=chosen,
    )
    uow.commit()
    return group
