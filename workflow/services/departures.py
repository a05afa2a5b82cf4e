"""Departures from a document type's rules: checked where they happen, allowed with a reason, recorded.

A consultation period shorter than the type's minimum is refused unless a reason is given (then it is
stored on the round, printed in the letter and listed for the reviewer); a legality review approved
before its minimum period is allowed and recorded as such. The reviewer sees every departure with its
reason (``departures``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kernel.actors import Actor
from kernel.errors import InvalidInput
from kernel.ids import ref
from kernel.timefmt import beijing_to_utc, cn_date, to_beijing
from storage.models import Departure
from storage.uow import UnitOfWork
from workflow.calendar import WorkCalendar
from workflow.doc_types import DocType, DocTypes
from workflow.services._common import record

SCOPES = {"internal": "内部征求意见（征求有关单位意见）", "public": "向社会公开征求意见"}
RULE_LABELS = {"consultation_period": "征求意见期限", "review_period": "合法性审查期限"}


@dataclass(frozen=True)
class PeriodCheck:
    """How a round's period compares with its type's minimum."""

    applies: bool  # the minimum is for public consultation; internal rounds are only warned
    short: bool
    minimum_text: str  # 30日 / 7个工作日
    earliest: date | None  # the first deadline date that meets the minimum
    message: str  # Chinese, with the rule's source; "" when nothing to say


def check_scope(scope: str) -> str:
    if scope not in SCOPES:
        raise InvalidInput(
            "ROUND_SCOPE_INVALID", "征求意见范围须为 internal（内部）或 public（向社会公开）。", scope=scope
        )
    return scope


def earliest_deadline(doc_type: DocType, start: date, rules: DocTypes) -> date | None:
    """The first day a deadline may fall on to give the type's minimum period (None: no minimum)."""
    n = doc_type.min_consultation_days
    if n <= 0:
        return None
    if doc_type.consultation_day_unit == "workdays":
        return WorkCalendar(rules.calendar).add_workdays(start, n).end
    return start + timedelta(days=n)


def check_period(doc_type: DocType, scope: str, start: date, deadline: datetime, rules: DocTypes) -> PeriodCheck:
    """Whether ``deadline`` (UTC) leaves the minimum period after ``start`` (Beijing date)."""
    earliest = earliest_deadline(doc_type, start, rules)
    text = doc_type.period_text()
    if earliest is None:
        return PeriodCheck(False, False, text, None, "")
    short = to_beijing(deadline).date() < earliest
    if not short:
        return PeriodCheck(scope == "public", False, text, earliest, "")
    message = (
        f"{doc_type.label}向社会公开征求意见的期限一般不少于{text}（{doc_type.consultation_source}），"
        f"本轮截止时间早于{cn_date(earliest)}。"
    )
    if scope != "public":
        message = f"本轮为内部征求意见，不受此限；如需向社会公开征求意见，{message}"
    return PeriodCheck(scope == "public", True, text, earliest, message)


def require_reason_for_short_period(check: PeriodCheck, reason: str) -> str:
    """``PERIOD_TOO_SHORT`` unless a reason is given; the reason (trimmed) otherwise."""
    if check.applies and check.short and not reason.strip():
        raise InvalidInput(
            "PERIOD_TOO_SHORT",
            f"{check.message}确需缩短期限的，请说明理由（--shorten-reason）。",
            minimum=check.minimum_text,
            earliest=check.earliest.isoformat() if check.earliest else None,
        )
    return reason.strip()


def review_dates(doc_type: DocType, requested_at: datetime, rules: DocTypes) -> tuple[datetime | None, datetime | None]:
    """(end of the minimum review period, due date), counted in working days from the day of submission."""
    calendar = WorkCalendar(rules.calendar)
    start = to_beijing(requested_at).date()
    at = rules.calendar.deadline_time

    def after(n: int) -> datetime | None:
        return beijing_to_utc(calendar.add_workdays(start, n).end, at) if n > 0 else None

    return after(doc_type.min_review_workdays), after(doc_type.max_review_workdays)


def record_departure(
    uow: UnitOfWork, actor: Actor, now: datetime, round_id: int, rule: str, message: str, reason: str
) -> Departure:
    row = Departure(
        round_id=round_id, rule=rule, message=message, reason=reason, recorded_by=actor.name, recorded_at=now
    )
    uow.process.add(row)
    record(
        uow,
        actor,
        now,
        "rule.departed",
        ref("round", round_id),
        round_id=round_id,
        rule=rule,
        message=message,
        reason=reason,
    )
    return row


def departures(uow: UnitOfWork, round_id: int) -> list[dict[str, str]]:
    """What the reviewer sees: each relaxed rule with its reason."""
    return [
        {
            "rule": d.rule,
            "rule_label": RULE_LABELS.get(d.rule, d.rule),
            "message": d.message,
            "reason": d.reason,
            "recorded_by": d.recorded_by,
            "recorded_at": d.recorded_at.isoformat(),
        }
        for d in uow.process.departures(round_id)
    ]
