"""Jinja2 for pages: autoescaped, with the Chinese labels and Beijing-time filters pages need."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates

from kernel.timefmt import cn_date, cn_datetime, to_beijing
from notifications.templates import cn_duration
from states.decision import OUTCOME_LABELS
from states.draft import DRAFT_MACHINE
from states.recipient import RECIPIENT_MACHINE
from states.round import ROUND_MACHINE
from workflow.services.audit_view import ACTION_LABELS, ROLE_LABELS
from workflow.services.decisions import REASON_SNIPPETS

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def _bj(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return to_beijing(value).strftime("%Y-%m-%d %H:%M")


def _cn(value: datetime | str | None) -> str:
    if value is None:
        return ""
    return cn_datetime(datetime.fromisoformat(value) if isinstance(value, str) else value)


def _cn_day(value: date | str | None) -> str:
    """2026-03-10 → 2026年3月10日 (dates of meetings, publication, filing)."""
    if value is None:
        return ""
    return cn_date(date.fromisoformat(value) if isinstance(value, str) else value)


templates.env.filters.update(bj=_bj, cn_datetime=_cn, cn_date=_cn_day, duration=cn_duration)
templates.env.globals.update(
    draft_label=DRAFT_MACHINE.label,
    recipient_label=RECIPIENT_MACHINE.label,
    round_label=ROUND_MACHINE.label,
    outcome_labels=OUTCOME_LABELS,
    reason_snippets=REASON_SNIPPETS,
    channel_labels={"web": "网上", "paper": "纸质", "email": "邮件"},
    action_labels=ACTION_LABELS,
    role_labels=ROLE_LABELS,
)
