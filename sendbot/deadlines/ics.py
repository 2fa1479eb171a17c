"""Calendar files (.ics) so a parent can put their deadlines in the phone's calendar.

UIDs depend only on the timeline, the answer that starts the clock and the step, so when a
parent adds an answer later (the certificate date, say) and imports again, the calendar
updates the same events instead of adding duplicates."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta, timezone

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from sendbot._types import N_, Gettext, english
from sendbot.deadlines.calculate import Event, Result
from sendbot.deadlines.render import ESTIMATE

PRODID = "-//SENDbot//Deadline calculator//EN"
UID_DOMAIN = "sendbot"


def event_uid(result: Result, event: Event) -> str:
    """Stable across recalculations with more answers; different for another case."""
    main = result.timeline.main_input.name
    key = f"{result.timeline.id}|{result.inputs[main]}|{event.id}"
    return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}@{UID_DOMAIN}"


WHO = N_("Who: {who}")
SOURCE = N_("Source: {cite} {url}")
IF_MISSED = N_("If this is missed: {advice}")


def _description(event: Event, gettext: Gettext) -> str:
    lines = [
        event.note,
        gettext(WHO).format(who=event.who),
        gettext(SOURCE).format(cite=event.source.cite, url=event.source.url),
    ]
    if event.if_missed:
        lines.append(gettext(IF_MISSED).format(advice=event.if_missed))
    return "\n\n".join(lines)


def build_ics(result: Result, gettext: Gettext = english) -> bytes:
    """One all-day event per dated event, its words through ``gettext`` (the chat's
    language; English by default). DTSTAMP is the calculation's ``today`` so the same
    answers give byte-identical files."""
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
        summary = f"{event.label} ({gettext(ESTIMATE)})" if event.is_estimate else event.label
        item.add("summary", summary)
        item.add("description", _description(event, gettext))
        if event.source.url:
            item.add("url", event.source.url)
        item.add("transp", "TRANSPARENT")
        calendar.add_component(item)
    data: bytes = calendar.to_ical()
    return data
