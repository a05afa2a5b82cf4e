"""Staff actions on the outbox."""

from __future__ import annotations

from kernel.actors import Actor
from kernel.clock import Clock
from kernel.errors import Conflict, NotFound
from storage.uow import UnitOfWork
from workflow.services._common import record


def retry_message(uow: UnitOfWork, clock: Clock, actor: Actor, message_id: int) -> None:
    row = uow.outbox.get(message_id)
    if row is None:
        raise NotFound("MESSAGE_NOT_FOUND", f"消息 {message_id} 不存在。")
    now = clock.now()
    if not uow.outbox.requeue(message_id, now):
        raise Conflict("MESSAGE_NOT_FAILED", "只有发送失败的消息才能重新排队。", status=row.status)
    record(uow, actor, now, "message.requeued", f"message:{message_id}", round_id=row.round_id, kind=row.kind)
    uow.commit()
