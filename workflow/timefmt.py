"""Beijing-time presentation of stored UTC instants, in the forms official documents use."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def to_beijing(at: datetime) -> datetime:
    """Convert an aware (or naive-UTC) instant to Beijing time."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(BEIJING)


def beijing_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of a Beijing wall-clock date and time."""
    return datetime.combine(day, at, tzinfo=BEIJING).astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """Parse ISO 8601; a value without an offset is read as Beijing time (how staff think)."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    return value.astimezone(UTC)


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
