"""Checking a new event before anything is written: the same rules for the command line
and the chat, each failure one plain sentence (``CaseError``)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from sendbot._types import N_
from sendbot.case.events import EVENT_SPECS, EventKind, parse_event
from sendbot.case.store import Case, CaseError
from sendbot.case.timeline import latest
from sendbot.deadlines import Ambiguous, Bounds, InvalidDate, format_day, parse_date
from sendbot.deadlines.dateparse import quote_input
from sendbot.deadlines.reasons import Reason

LONDON = ZoneInfo("Europe/London")
MAX_YEARS_AGO = 30
MAX_YEARS_AHEAD = 2  # a planned review meeting


def today_in_london(now: datetime | None = None) -> date:
    return (now or datetime.now(LONDON)).astimezone(LONDON).date()


def read_event(text: str) -> EventKind:
    kind = parse_event(text)
    if kind is None:
        raise CaseError(f"unknown event '{text}': use one of {', '.join(k.value for k in EventKind)}")
    return kind


def read_day(text: str, kind: EventKind, today: date) -> date:
    """The event's date as typed ("2026-03-03", "3 March 2026", "03/03/2026")."""
    spec = EVENT_SPECS[kind]
    latest_day = today + relativedelta(years=MAX_YEARS_AHEAD) if spec.may_be_future else today
    result = parse_date(text, Bounds(today - relativedelta(years=MAX_YEARS_AGO), latest_day, today))
    if isinstance(result, Ambiguous):
        why = N_("'{text}' is not a date I can be sure of ({reason}): write it as YYYY-MM-DD")
        raise CaseError(Reason(why, {"text": quote_input(text), "reason": result.reason}))
    if isinstance(result, InvalidDate):
        if result.kind == "future":
            why = N_("{reason}: it has already happened, so its date cannot be after today")
            raise CaseError(Reason(why, {"reason": result.reason}))
        raise CaseError(result.reason)
    return result.value


def check_new_event(case: Case | None, kind: EventKind, day: date) -> None:
    """An event cannot come before the event it answers (a draft plan before the request)."""
    if case is None:
        return
    spec = EVENT_SPECS[kind]
    earlier = latest(case.events, spec.not_before)
    if spec.not_before and earlier is not None and day < earlier.date:
        raise CaseError(
            f"'{kind.value}' on {format_day(day)} cannot be before '{earlier.kind.value}' on {format_day(earlier.date)}"
        )
