"""The one clock. Every "now" and "today" in SENDbot comes from a `Clock` given to the part
that needs it (tests pass a fixed one), and is timezone-aware: statutory deadlines are English
days, so "today" is the date in Europe/London whatever the server's time zone, and stored
times are UTC."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

Clock = Callable[[], datetime]  # returns a timezone-aware datetime


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(timezone.utc)


def london_today(clock: Clock = utc_now) -> date:
    """Today in England, whatever the server's time zone: deadlines are English days."""
    return clock().astimezone(LONDON).date()


def utc_text(moment: datetime) -> str:
    """An aware time as stored: ISO 8601 in UTC, to the second, with its offset."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
