"""Clocks. Domain code never reads the wall clock; it is handed one of these."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current instant, timezone-aware UTC."""
        ...


class SystemClock:
    """The real clock, used only by entry points."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock tests can set and move; thread-safe so racing tests can share it."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        with self._lock:
            self._at = at.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._at = self._at + delta
