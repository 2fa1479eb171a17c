"""What the chat and `sendbot deadline` show of a calculation alike: answers in their JSON
form (kept in the chat's state and printed by ``--json``) and the marks on an event."""

from __future__ import annotations

from datetime import date

from sendbot._types import N_, JSONValue
from sendbot.deadlines.calculate import Event, InputValue
from sendbot.deadlines.dates import DateRange
from sendbot.deadlines.model import Input

ESTIMATE = N_("estimate")
PASSED = N_("passed")


def encode_value(value: InputValue | None) -> JSONValue:
    """An answer as JSON: dates as ISO text, date ranges as [first, last] pairs."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        ranges: list[JSONValue] = [[item.first.isoformat(), item.last.isoformat()] for item in value]
        return ranges
    return value


def decode_value(spec: Input, value: object) -> InputValue | None:
    """An answer back from its JSON form, by the kind of question it answers. A value that
    does not have the shape the question's kind gives is a ValueError."""
    if value is None:
        return None
    if spec.kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if spec.kind == "dates-list" and isinstance(value, list):
        return tuple(DateRange(date.fromisoformat(a), date.fromisoformat(b)) for a, b in value)
    if spec.kind == "bool" and isinstance(value, bool):
        return value
    if spec.kind in ("year", "count") and isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError(f"a stored answer to '{spec.name}' does not fit a {spec.kind} question: {value!r}")


def event_marks(event: Event) -> list[str]:
    """The marks after an event's label, untranslated: "estimate", "passed"."""
    return [mark for mark, on in ((ESTIMATE, event.is_estimate), (PASSED, event.passed)) if on]
