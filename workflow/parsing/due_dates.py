"""Due dates as people write them in task and measure tables (完成时限).

``10月底`` means the end of October of the document's year (or of the next year when October has
already passed at the document's date); ``年内`` / ``年底`` the 31 December of the document's year;
``2023年12月31日前`` that day. ``长期坚持`` / ``持续推进`` are open-ended, ``每季度`` / ``每月`` recurring.
Anything else is ``unknown`` and listed for staff, never guessed.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class DueKind(StrEnum):
    """How a due date was written: a day, a recurring duty, open-ended, absent, or not understood."""

    date = "date"
    recurring = "recurring"
    open_ended = "open_ended"
    none = "none"
    unknown = "unknown"


@dataclass(frozen=True)
class Due:
    text: str
    kind: DueKind
    on: date | None = None
    period: str = ""  # recurring: month | quarter | half_year | year


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_OPEN_ENDED = ("长期坚持", "长期", "持续推进", "持续开展", "常态化", "持续")
_RECURRING = (("每月", "month"), ("每季度", "quarter"), ("每半年", "half_year"), ("每年", "year"))
_FULL = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_YEAR_MONTH_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:底|末|份)")
_YEAR_END = re.compile(r"(\d{4})\s*年\s*(?:底|末|内)")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTH_PART = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(底|末|份|上旬|中旬|下旬)")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_FILLER = re.compile(r"[前之以完成止截至底\s，。；、]")


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").strip()
    for cn, n in _CN_DIGITS.items():
        text = re.sub(rf"(?<![\d{cn}]){cn}(?=\s*月)", str(n), text)
    text = text.replace("十1", "11").replace("十2", "12")
    return text


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_for(month: int, today: date) -> int:
    """A month written without a year is the next such month from the document's date."""
    return today.year if month >= today.month else today.year + 1


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dated(text: str, doc_date: date) -> date | None:
    """The first date expression in ``text``, or None."""
    for pattern, build in (
        (_FULL, lambda m: _safe(int(m[1]), int(m[2]), int(m[3]))),
        (_ISO, lambda m: _safe(int(m[1]), int(m[2]), int(m[3]))),
        (_YEAR_MONTH_END, lambda m: _month_end(int(m[1]), int(m[2])) if 1 <= int(m[2]) <= 12 else None),
        (_YEAR_END, lambda m: date(int(m[1]), 12, 31)),
        (_MONTH_DAY, lambda m: _safe(_year_for(int(m[1]), doc_date), int(m[1]), int(m[2]))),
    ):
        match = pattern.search(text)
        if match:
            return build(match)  # type: ignore[no-any-return]
    match = _MONTH_PART.search(text)
    if match and 1 <= int(match[1]) <= 12:
        month = int(match[1])
        year = _year_for(month, doc_date)
        part = match[2]
        day = {"上旬": 10, "中旬": 20}.get(part)
        return date(year, month, day) if day else _month_end(year, month)
    if "上半年" in text:
        return date(doc_date.year, 6, 30)
    if any(w in text for w in ("年内", "年底", "年末", "下半年", "全年", "本年度")):
        return date(doc_date.year, 12, 31)
    return None


def parse_due(text: str, doc_date: date) -> Due:
    """A 完成时限 cell as written, understood relative to the document's date."""
    raw = (text or "").strip()
    norm = _normal(raw)
    if not norm or norm in ("/", "-", "—", "无"):
        return Due(raw, DueKind.none)
    for word, period in _RECURRING:
        if word in norm:
            return Due(raw, DueKind.recurring, period=period)
    on = _dated(norm, doc_date)
    if on is not None:
        return Due(raw, DueKind.date, on)
    if any(word in norm for word in _OPEN_ENDED):
        return Due(raw, DueKind.open_ended)
    return Due(raw, DueKind.unknown)


def looks_like_due(text: str) -> bool:
    """Whether a short cell is a due date and nothing else (``10月底``, ``2023年12月31日前``, ``长期坚持``)."""
    norm = _normal(text)
    if not norm or len(norm) > 16:
        return False
    due = parse_due(norm, date(2000, 1, 1))
    if due.kind in (DueKind.none, DueKind.unknown):
        return False
    rest = _FULL.sub("", norm)
    rest = _MONTH_PART.sub("", _MONTH_DAY.sub("", _YEAR_MONTH_END.sub("", _YEAR_END.sub("", rest))))
    for word in ("年内", "上半年", "下半年", "年底", "年末", *_OPEN_ENDED, *(w for w, _ in _RECURRING)):
        rest = rest.replace(word, "")
    return not _FILLER.sub("", rest)


_IN_TEXT = re.compile(
    r"(\d{4}\s*年\s*\d{1,2}\s*月\s*(?:\d{1,2}\s*日|底|末)(?:前|之前)?"
    r"|(?<![\d年])\d{1,2}\s*月\s*(?:底|末)前"
    r"|年内|年底前|上半年|下半年|每季度|每月|长期坚持)"
)


def due_in_text(text: str, doc_date: date) -> Due:
    """The due date a task's running text gives (年内完成…, 6月底前…), or ``none`` when it gives none."""
    match = _IN_TEXT.search(_normal(text))
    if match is None:
        return Due("", DueKind.none)
    return parse_due(match.group(0), doc_date)
