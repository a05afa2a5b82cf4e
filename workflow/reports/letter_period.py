"""The letter's sentence about a shortened consultation period, stated in the unit its type's rule counts.

A 规范性文件's minimum is 7个工作日 (国办发〔2018〕37号): a letter saying "征求意见期限为5日" would set calendar
days against a rule in working days. The period is counted from the letter's date (not itself counted) to the
deadline's day in Beijing, in calendar days or in Chinese working days (the office's ``[calendar]``), as the
draft's document type counts its minimum.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kernel.errors import InvalidInput
from kernel.timefmt import to_beijing
from workflow.calendar import CalendarConfig, WorkCalendar
from workflow.doc_types import DAY_UNITS, DocTypes


def consultation_period_text(letter_date: date, deadline: datetime, unit: str, calendar: CalendarConfig) -> str:
    """ "5个工作日" or "9日". A year the calendar does not know is stated in calendar days, which stay true."""
    end = to_beijing(deadline).date()
    if unit == "workdays":
        days = WorkCalendar(calendar)
        try:
            n = sum(1 for k in range(1, (end - letter_date).days + 1) if days.is_workday(letter_date + timedelta(k)))
            return f"{n}{DAY_UNITS['workdays']}"
        except InvalidInput:
            pass
    return f"{max(0, (end - letter_date).days)}{DAY_UNITS['calendar']}"


def shortened_period_sentence(
    reason: str, letter_date: date, deadline: datetime, doc_type: str, rules: DocTypes
) -> str:
    """ "因…，征求意见期限为N个工作日。" ("N日。" for types counted in calendar days); "" without a reason."""
    if not reason:
        return ""
    known = rules.types.get(doc_type)
    unit = known.consultation_day_unit if known is not None else "calendar"
    period = consultation_period_text(letter_date, deadline, unit, rules.calendar)
    return f"因{reason.rstrip('。；，')}，征求意见期限为{period}。"
