"""Moderation: staff publish or hide each public comment; hiding needs a reason from the office's list.

Nothing is deleted: a hidden comment keeps its text, its group and its place in the audit trail, and
can be published again. Each move goes through the one door (``change_state``) with its reason.
"""

from __future__ import annotations

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import InvalidInput, NotFound
from kernel.text import check_text
from states.public_comment import MODERATION_MACHINE
from storage.models import PublicComment
from storage.uow import UnitOfWork
from workflow.public.policy import PublicPolicy
from workflow.services._common import change_state


def moderate(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    comment_id: int,
    *,
    publish: bool,
    reason: str = "",
    policy: PublicPolicy,
    commit: bool = True,
) -> PublicComment:
    """公开 or 不予公开 one comment (the latter with one of ``policy.hide_reasons``)."""
    check_text(reason, "理由")
    reason = reason.strip()
    if not publish and reason not in policy.hide_reasons:
        raise InvalidInput(
            "PUBLIC_HIDE_REASON_INVALID",
            f"不予公开须选择理由：{'、'.join(policy.hide_reasons)}。",
            reasons=list(policy.hide_reasons),
            field="reason",
        )
    row = uow.public.comment(comment_id, for_update=True)
    if row is None:
        raise NotFound("PUBLIC_COMMENT_NOT_FOUND", f"社会公众意见 {comment_id} 不存在。", comment_id=comment_id)
    now = clock.now()
    row.moderation_reason = reason
    row.moderated_by = actor.name
    row.moderated_at = now
    change_state(
        uow, actor, now, MODERATION_MACHINE, row, "publish" if publish else "hide", None,
        action="public_comment.published" if publish else "public_comment.hidden",
        round_id=row.round_id,
        receipt=row.receipt,
        reason=reason,
    )
    if commit:
        uow.commit()
    return row
