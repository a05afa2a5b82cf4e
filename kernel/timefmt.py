"""Beijing-time presentation of stored UTC instants, in the forms official documents use."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from kernel.errors import InvalidInput

BEIJING = ZoneInfo("Asia/Shanghai")


def to_beijing(at: datetime) -> datetime:
    """Convert an aware (or naive-UTC) instant to Beijing time."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(BEIJING)


def beijing_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of a Beijing wall-clock date and time."""
    return datetime.combine(day, at, tzinfo=BEIJING).astimezone(UTC)


_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:(\d{1,2})[时点:](?:(\d{1,2})分?)?)?$")
_NUMERIC_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(.*)$")


def _iso(raw: str) -> str:
    """2023/2/18 9:00 → 2023-02-18 09:00, so fromisoformat can read what people type."""
    match = _NUMERIC_DATE.match(raw)
    if not match:
        return raw
    year, month, day, rest = match.groups()
    rest = re.sub(r"^([T ])(\d):", r"\g<1>0\2:", rest)
    return f"{year}-{int(month):02d}-{int(day):02d}{rest}"


def parse_instant(text: str, *, date_only_at: time | None = None) -> datetime:
    """An instant as staff type it: ISO 8601, 2023/2/18 10:00, 2023年2月18日10时 (full-width digits too).

    Without an offset it is Beijing time. A date alone means ``date_only_at`` that day (for a
    deadline: the configured 17:00, not the midnight before the day the clerk meant).
    Raises ValueError when it cannot be read.
    """
    raw = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()
    chinese = _CN_DATE.match(raw.replace(" ", ""))
    if chinese:
        year, month, day, hour, minute = chinese.groups()
        at = time(int(hour), int(minute or 0)) if hour is not None else (date_only_at or time(0, 0))
        return beijing_to_utc(date(int(year), int(month), int(day)), at)
    iso = _iso(raw)
    value = datetime.fromisoformat(iso)
    if date_only_at is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        value = datetime.combine(value.date(), date_only_at)
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    return value.astimezone(UTC)


def read_instant(text: str, what: str, *, date_only_at: time | None = None) -> datetime:
    """:func:`parse_instant` for people: a clear Chinese error with a stable code."""
    try:
        return parse_instant(text, date_only_at=date_only_at)
    except ValueError:
        raise InvalidInput(
            "DATETIME_INVALID",
            f"{what}“{text}”无法识别，请写成 2023-02-18 10:00 或 2023年2月18日10时（北京时间）。",
            value=text,
        ) from None


def read_date(text: str, what: str) -> date:
    """A calendar day as staff type it (2026-10-09, 2026/10/9, 2026年10月9日), as Beijing sees it."""
    return to_beijing(read_instant(text, what, date_only_at=time(12, 0))).date()


def cn_date(value: date | datetime) -> str:
    """2023年2月17日 (no leading zeros, as in the seed letters)."""
    if isinstance(value, datetime):
        value = to_beijing(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(at: datetime) -> str:
    """2023年2月18日10时, with 分 only when the minute is not zero."""
    local = to_beijing(at)
    text = f"{cn_date(local.date())}{local.hour}时"
    if local.minute:
        text += f"{local.minute}分"
    return text


def iso_beijing(at: datetime) -> str:
    """ISO 8601 in Beijing time with its +08:00 offset, for JSON output."""
    return to_beijing(at).isoformat()
