"""Small helpers shared by the services: loading with clear errors, recording events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kernel.actors import Actor
from kernel.errors import NotFound
from storage.audit import PendingEvent
from storage.models import Draft, Round
from storage.uow import UnitOfWork


def record(
    uow: UnitOfWork,
    actor: Actor,
    at: datetime,
    action: str,
    entity: str,
    *,
    round_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    **payload: Any,
) -> None:
    uow.audit.record(
        PendingEvent(
            at=at,
            actor=actor.name,
            role=actor.role.value,
            action=action,
            entity=entity,
            round_id=round_id,
            from_state=from_state,
            to_state=to_state,
            payload=payload,
        )
    )


def load_round(uow: UnitOfWork, round_id: int, *, for_update: bool = False) -> Round:
    row = uow.rounds.get(round_id, for_update=for_update)
    if row is None:
        raise NotFound("ROUND_NOT_FOUND", f"征求意见轮次 {round_id} 不存在。", round_id=round_id)
    return row


def load_draft(uow: UnitOfWork, draft_id: int, *, for_update: bool = False) -> Draft:
    row = uow.drafts.get(draft_id, for_update=for_update)
    if row is None:
        raise NotFound("DRAFT_NOT_FOUND", f"文稿 {draft_id} 不存在。", draft_id=draft_id)
    return row
