"""What every service shares: loading with clear errors, recording events, and the one door for
state changes (fire the machine, assign the destination, save, audit with from/to)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from kernel.actors import Actor
from kernel.errors import NotFound
from kernel.ids import ref
from states.machine import StateMachine
from storage.audit import PendingEvent
from storage.models import Draft, Round
from storage.uow import UnitOfWork


class Stateful(Protocol):
    """A row whose ``state`` a machine owns."""

    id: int | None
    state: str


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
    office_id: int | None = None,
    **payload: Any,
) -> None:
    """Buffer one audit event in this unit of work (appended to the chain at commit).

    The event names its office: ``office_id`` when given, else its round's, else the office the unit
    of work is scoped to (``storage.audit.AuditLog.flush``).
    """
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
            office_id=office_id,
        )
    )


def fire(uow: UnitOfWork, machine: StateMachine, row: Stateful, trigger: str, context: Any) -> tuple[str, str]:
    """Ask ``machine`` for the destination, assign it and save the row; ``(from, to)``.

    Only for a change that is audited as part of another event (a review request's row moves with the
    draft's ``review.*`` event); everything else goes through :func:`change_state`.
    """
    source = str(row.state)
    dest = machine.fire(source, trigger, context)
    row.state = dest
    uow.save(row)  # type: ignore[arg-type]
    return source, dest


def change_state(
    uow: UnitOfWork,
    actor: Actor,
    at: datetime,
    machine: StateMachine,
    row: Stateful,
    trigger: str,
    context: Any,
    *,
    action: str,
    round_id: int | None = None,
    office_id: int | None = None,
    **payload: Any,
) -> str:
    """The door every single-row state change goes through: fire, assign, save, and record the audit
    event with from/to — in the caller's unit of work, so all of it commits or none does."""
    source, dest = fire(uow, machine, row, trigger, context)
    record(
        uow,
        actor,
        at,
        action,
        ref(machine.name, row.id),
        round_id=round_id,
        from_state=source,
        to_state=dest,
        office_id=office_id,
        **payload,
    )
    return dest


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
