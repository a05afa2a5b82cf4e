"""撤回: a draft is withdrawn (any state before issued); an open round of it closes without
deeming anyone, and the units still asked are told."""

from __future__ import annotations

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import InvalidInput
from states.draft import DRAFT_MACHINE, DraftContext
from states.round import ROUND_MACHINE, RoundContext
from storage.models import Draft
from storage.uow import UnitOfWork
from workflow.services._common import load_draft, load_round, record


def withdraw(uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, reason: str) -> Draft:
    if not reason.strip():
        raise InvalidInput("WITHDRAW_REASON_REQUIRED", "撤回文稿必须说明理由。")
    now = clock.now()
    rnd = load_round(uow, round_id, for_update=True)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    dest = DRAFT_MACHINE.fire(draft.state, "withdraw", DraftContext(now=now))
    source = draft.state
    draft.state = dest
    uow.drafts.add(draft)
    record(
        uow,
        actor,
        now,
        "draft.withdrawn",
        f"draft:{draft.id}",
        round_id=round_id,
        from_state=source,
        to_state=dest,
        reason=reason.strip(),
    )
    if rnd.state == "open":
        rnd.state = ROUND_MACHINE.fire(rnd.state, "withdraw", RoundContext(now=now, deadline=rnd.deadline))
        uow.rounds.add(rnd)
        record(
            uow,
            actor,
            now,
            "round.withdrawn",
            f"round:{round_id}",
            round_id=round_id,
            from_state="open",
            to_state=rnd.state,
            reason=reason.strip(),
        )
        from workflow.services.messages import queue_for_round

        queue_for_round(uow, round_id, "withdrawn", only_pending=False, reason=reason.strip())
    uow.commit()
    return draft
