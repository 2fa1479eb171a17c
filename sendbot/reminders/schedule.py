"""When reminders of a calculation's dates are due: 7 days and 1 day before each date still
ahead, at 09:00 in England."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sendbot.clock import LONDON
from sendbot.deadlines.calculate import Event, Result

REMINDER_DAYS_BEFORE = (7, 1)
REMINDER_TIME = time(9, 0)  # London time on the reminder's day


@dataclass(frozen=True)
class Due:
    """One reminder to set: for ``event`` (on ``day``), ``days_before`` it, at ``at``."""

    event: Event
    day: date
    days_before: int
    at: datetime  # timezone-aware


def reminders_for(result: Result, now: datetime) -> list[Due]:
    """Every reminder still ahead of ``now`` (timezone-aware) for the result's dates."""
    due = []
    for event in result.dated_events:
        if event.date is None:
            continue
        for days in REMINDER_DAYS_BEFORE:
            at = datetime.combine(event.date - timedelta(days=days), REMINDER_TIME, tzinfo=LONDON)
            if at > now:
                due.append(Due(event, event.date, days, at))
    return due
