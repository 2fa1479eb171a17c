"""The case's chronology: a dated list of what happened, the statutory dates met and missed,
and the letters made. What SENDIASS, a solicitor or the tribunal ask a parent for first.
As text, as a ``.docx``, and every dated step as one ``.ics``."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from icalendar import Calendar
from icalendar import Event as IcsEvent

from sendbot.case.events import EVENT_SPECS
from sendbot.case.letters import LetterTemplate
from sendbot.case.timeline import CaseTimeline, Status
from sendbot.deadlines import format_day

PRODID = "-//SENDbot//case chronology//EN"


@dataclass(frozen=True)
class Entry:
    date: date
    text: str
    kind: str  # "event", "met", "missed", "due", "letter"


def entries(timeline: CaseTimeline, letters: Mapping[str, LetterTemplate]) -> list[Entry]:
    """Everything dated about the case, oldest first; dates still ahead at the end."""
    found: list[Entry] = [Entry(e.date, EVENT_SPECS[e.kind].label + ".", "event") for e in timeline.case.events]
    for item in timeline.dates:
        label = item.event.label
        cite = item.source.cite
        if item.status is Status.DONE:
            met = f" (met on {format_day(item.met_on)})" if item.met_on else ""
            found.append(Entry(item.date, f"Legal date: {label}{met}. [{cite}]", "met"))
        elif item.status is Status.MISSED:
            found.append(Entry(item.date, f"MISSED: {label}. Nothing recorded by this date. [{cite}]", "missed"))
        else:
            found.append(Entry(item.date, f"Due: {label}. [{cite}]", "due"))
    for made in timeline.case.letters:
        template = letters.get(made.letter)
        title = template.title if template else made.letter
        found.append(Entry(made.made_on, f"Letter made: {title}.", "letter"))
    order = {"event": 0, "letter": 1, "met": 2, "missed": 3, "due": 4}
    return sorted(found, key=lambda e: (e.date, order[e.kind]))


def heading(timeline: CaseTimeline) -> str:
    return f"Chronology: {timeline.case.name} (as of {format_day(timeline.today)})"


def as_text(timeline: CaseTimeline, letters: Mapping[str, LetterTemplate]) -> str:
    lines = [heading(timeline), ""]
    lines += [f"{format_day(e.date)}: {e.text}" for e in entries(timeline, letters)]
    return "\n".join(lines)


def as_docx(timeline: CaseTimeline, letters: Mapping[str, LetterTemplate]) -> bytes:
    from docx import Document

    document: Any = Document()
    document.add_heading(heading(timeline), level=1)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = "Date"
    table.rows[0].cells[1].text = "What happened"
    for entry in entries(timeline, letters):
        cells = table.add_row().cells
        cells[0].text = format_day(entry.date)
        cells[1].text = entry.text
    document.add_paragraph(
        "Made by SENDbot from the events recorded. Dates are worked out from the law cited; "
        "this is general information, not legal advice."
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def as_ics(timeline: CaseTimeline) -> bytes:
    """Every statutory date of the case as an all-day event; the same case and ``today``
    give the same bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for item in timeline.dates:
        event = IcsEvent()
        event.add("uid", f"case-{timeline.case.id}-{item.id.replace('/', '-')}-{item.date.isoformat()}@sendbot")
        event.add("summary", item.event.label)
        event.add("dtstart", item.date)
        event.add("dtend", item.date + timedelta(days=1))
        event.add("dtstamp", datetime.combine(timeline.today, time(), tzinfo=timezone.utc))
        event.add("description", f"{item.event.note} Source: {item.source.cite} {item.source.url}")
        calendar.add_component(event)
    return bytes(calendar.to_ical())
