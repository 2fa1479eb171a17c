"""Calendar files (.ics) so a parent can put their deadlines in the phone's calendar.

UIDs depend only on the timeline, the answer that starts the clock and the step, so when a
parent adds an answer later (the certificate date, say) and imports again, the calendar
updates the same events instead of adding duplicates."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta, timezone

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from sendbot.deadlines.calculate import Event, Result

PRODID = "-//SENDbot//Deadline calculator//EN"
UID_DOMAIN = "sendbot"


def event_uid(result: Result, event: Event) -> str:
    """Stable across recalculations with more answers; different for another case."""
    main = result.timeline.main_input.name
    key = f"{result.timeline.id}|{result.inputs[main]}|{event.id}"
    return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}@{UID_DOMAIN}"


def _description(event: Event) -> str:
    lines = [event.note, f"Who: {event.who}", f"Source: {event.source.cite} {event.source.url}"]
    if event.if_missed:
        lines.append(f"If this is missed: {event.if_missed}")
    return "\n\n".join(lines)


def build_ics(result: Result) -> bytes:
    """One all-day event per dated event. DTSTAMP is the calculation's ``today`` so the
    same answers give byte-identical files."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", result.timeline.title)
    stamp = datetime.combine(result.today, time(), tzinfo=timezone.utc)
    for event in result.dated_events:
        if event.date is None:  # dated_events holds only events with a date
            continue
        item = CalendarEvent()
        item.add("uid", event_uid(result, event))
        item.add("dtstamp", stamp)
        item.add("dtstart", event.date)
        item.add("dtend", event.date + timedelta(days=1))
        summary = f"{event.label} (estimate)" if event.is_estimate else event.label
        item.add("summary", summary)
        item.add("description", _description(event))
        if event.source.url:
            item.add("url", event.source.url)
        item.add("transp", "TRANSPARENT")
        calendar.add_component(item)
    data: bytes = calendar.to_ical()
    return data
