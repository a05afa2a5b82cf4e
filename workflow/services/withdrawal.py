"""撤回: a draft is withdrawn (any state before issued); an open round of it closes without
deeming anyone, and the units still asked are told."""

from __future__ import annotations

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import InvalidInput
from kernel.text import check_text
from states.draft import DRAFT_MACHINE, DraftContext
from states.round import ROUND_MACHINE, RoundContext
from storage.models import Draft
from storage.uow import UnitOfWork
from workflow.services._common import change_state, load_draft, load_round
from workflow.services.messages import queue_for_round


def withdraw(uow: UnitOfWork, clock: Clock, actor: Actor, round_id: int, reason: str) -> Draft:
    check_text(reason, "理由", multiline=True)
    if not reason.strip():
        raise InvalidInput("WITHDRAW_REASON_REQUIRED", "撤回文稿必须说明理由。")
    now = clock.now()
    rnd = load_round(uow, round_id, for_update=True)
    draft = load_draft(uow, rnd.draft_id, for_update=True)
    change_state(
        uow, actor, now, DRAFT_MACHINE, draft, "withdraw", DraftContext(now=now),
        action="draft.withdrawn",
        round_id=round_id,
        reason=reason.strip(),
    )
    if ROUND_MACHINE.allows(rnd.state, "withdraw"):
        change_state(
            uow, actor, now, ROUND_MACHINE, rnd, "withdraw", RoundContext(now=now, deadline=rnd.deadline),
            action="round.withdrawn",
            round_id=round_id,
            reason=reason.strip(),
        )
        queue_for_round(uow, round_id, "withdrawn", only_pending=False, reason=reason.strip())
    uow.commit()
    return draft
