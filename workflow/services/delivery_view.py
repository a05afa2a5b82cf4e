"""What was sent to whom, when, and whether it arrived — failures stay visible until resolved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kernel.timefmt import iso_beijing
from storage.uow import UnitOfWork

KIND_LABELS = {
    "solicitation": "征求意见通知",
    "reminder": "截止提醒",
    "deadline_changed": "截止时间调整",
    "deadline_passed": "逾期通知",
    "reply_receipt": "回执",
    "adoption_feedback": "采纳情况反馈",
    "review_request": "审查申请",
    "review_result": "审查结果",
    "issued": "印发通知",
    "withdrawn": "撤回通知",
}
STATUS_LABELS = {
    "pending": "待发送",
    "sending": "发送中",
    "sent": "已送达",
    "failed": "发送失败（将重试）",
    "dead": "发送失败（已停止重试）",
    "undeliverable": "无法发送",
}


def deliveries(uow: UnitOfWork, round_id: int) -> list[dict[str, Any]]:
    units = {u.id: u.name for _r, u in uow.rounds.recipients(round_id)}
    return [delivery_row(m, units) for m in uow.outbox.for_round(round_id)]


def deliveries_to(
    uow: UnitOfWork, round_id: int, recipient_ids: Sequence[int], units: dict[int | None, str]
) -> list[dict[str, Any]]:
    """``deliveries`` to some of the round's recipients only (a page of the round's units)."""
    return [delivery_row(m, units) for m in uow.outbox.for_recipients(round_id, recipient_ids)]


def delivery_row(m: Any, units: dict[int | None, str]) -> dict[str, Any]:
    return {
        "id": m.id,
        "kind": m.kind,
        "kind_label": KIND_LABELS.get(m.kind, m.kind),
        "recipient_id": m.recipient_id,
        "unit": units.get(m.unit_id, "") if m.unit_id else "",
        "channel": m.channel,
        "address": m.address,
        "status": m.status,
        "status_label": STATUS_LABELS.get(m.status, m.status),
        "attempts": m.attempts,
        "created_at": iso_beijing(m.created_at),
        "sent_at": iso_beijing(m.sent_at) if m.sent_at else None,
        "last_error": m.last_error,
    }
