"""Turning a timeline and a parent's answers into dated events.

Everything here is pure: the same timeline, answers and ``today`` always give the same
events, so the conversation, the command line, reminders and tests agree to the day."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from sendbot._types import N_
from sendbot.deadlines.dateparse import (
    Ambiguous,
    Bounds,
    InvalidDate,
    ParsedDate,
    echoing,
    format_day,
    parse_date,
    parse_date_ranges,
)
from sendbot.deadlines.dates import (
    DateRange,
    SchoolCalendar,
    add_days,
    add_school_days,
    add_weeks,
    add_working_days,
    apply_tribunal_rule,
    months_with_counting,
)
from sendbot.deadlines.model import Input, Step, Timeline
from sendbot.deadlines.reasons import Reason
from sendbot.knowledge.model import Source

InputValue = date | bool | int | tuple[DateRange, ...]
"""date for kind date, bool for bool, int for year and count, ranges for dates-list."""

Day = date  # the type, inside classes whose field `date` hides it
NOT_GIVEN_ANSWERS = frozenset(
    {
        "no",
        "n",
        "none",
        "not yet",
        "skip",
        "don't know",
        "dont know",
        "do not know",
        "-",
        "not sure",
        "unknown",
        "n/a",
    }
)
YES_ANSWERS = frozenset({"yes", "y", "true", "yeah", "yep"})
NO_ANSWERS = frozenset({"no", "n", "false", "nope"})
# The same in the bot's other languages (issue 14): the translated questions say "if not, just
# say no" in the language, so its "no" must be understood (Polish, Slovak, Romanian, Urdu, Punjabi).
LOCAL_YES = frozenset({"tak", "áno", "ano", "da", "ہاں", "جی ہاں", "ਹਾਂ", "ਜੀ ਹਾਂ"})
LOCAL_NO = frozenset({"nie", "nu", "نہیں", "جی نہیں", "ਨਹੀਂ", "ਜੀ ਨਹੀਂ"})
LOCAL_NOT_GIVEN = frozenset(
    {"jeszcze nie", "nie wiem", "brak", "ešte nie", "neviem", "încă nu", "nu știu", "ابھی نہیں", "معلوم نہیں"}
    | {"ਹਾਲੇ ਨਹੀਂ", "ਪਤਾ ਨਹੀਂ"}
)
YES_ANSWERS |= LOCAL_YES
NO_ANSWERS |= LOCAL_NO
NOT_GIVEN_ANSWERS |= LOCAL_NO | LOCAL_NOT_GIVEN
MAX_COUNT = 366
_EXPECTED_TYPES: dict[str, tuple[type, ...]] = {
    "date": (date,),
    "bool": (bool,),
    "year": (int,),
    "count": (int,),
    "dates-list": (tuple,),
}


@dataclass(frozen=True)
class Event:
    """One date to show a parent; ``date`` is None where the law sets no fixed date or an
    answer it needs was not given (``note`` then says what would give one)."""

    id: str
    label: str
    date: date | None
    source: Source
    note: str
    who: str
    if_missed: str
    is_estimate: bool
    passed: bool
    unadjusted: Day | None = None  # the date before a tribunal rule moved it


@dataclass(frozen=True)
class Result:
    timeline: Timeline
    inputs: Mapping[str, InputValue]  # only the answers given
    today: date
    events: tuple[Event, ...]

    @property
    def dated_events(self) -> tuple[Event, ...]:
        return tuple(event for event in self.events if event.date is not None)


class InputError(ValueError):
    """An answer that cannot be used; ``input`` names the question to ask again and
    ``reason`` says why (translatable; the message is its English)."""

    def __init__(self, input_name: str, reason: Reason) -> None:
        super().__init__(str(reason))
        self.input = input_name
        self.reason = reason


def bounds_for(spec: Input, today: date) -> Bounds:
    """The range of dates that make sense as an answer to ``spec`` on ``today``."""
    latest = today if spec.not_after_today else today + relativedelta(years=spec.max_years_ahead)
    return Bounds(today - relativedelta(years=spec.max_years_ago), latest, today)


def parse_input(spec: Input, text: str, today: date) -> InputValue | Ambiguous | InvalidDate | None:
    """Read a typed answer to ``spec``. None means "not given", which only optional
    questions accept ("no", "not yet", "don't know")."""
    answer = " ".join(text.strip().lower().split())
    if not spec.required and spec.kind != "bool" and answer in NOT_GIVEN_ANSWERS:
        return None
    if spec.kind == "date":
        result = parse_date(text, bounds_for(spec, today))
        return result.value if isinstance(result, ParsedDate) else result
    if spec.kind == "dates-list":
        return parse_date_ranges(text, bounds_for(spec, today))
    if spec.kind == "bool":
        if answer in YES_ANSWERS or answer in NO_ANSWERS:
            return answer in YES_ANSWERS
        return InvalidDate(text, "unreadable", Reason(N_("please answer yes or no")))
    if spec.kind == "year":
        return _parse_year(text, spec, today)
    if not answer.isdigit() or int(answer) > MAX_COUNT:
        return InvalidDate(text, "unreadable", echoing(N_("'{text}' is not a number of days"), text))
    return int(answer)


def _parse_year(text: str, spec: Input, today: date) -> int | InvalidDate:
    years = re.findall(r"\b\d{4}\b", text)
    # "31/02/2026" holds a year but is a (wrong) date: only the year, perhaps with a month name, will do
    if len(years) != 1 or re.search(r"\d", text.replace(years[0], "")):
        return InvalidDate(text, "unreadable", echoing(N_("'{text}' is not a year such as 2027"), text))
    year = int(years[0])
    if year < today.year - spec.max_years_ago:
        return InvalidDate(text, "too-early", Reason(N_("{year} is too long ago"), {"year": year}))
    if year > today.year + spec.max_years_ahead:
        return InvalidDate(text, "too-late", Reason(N_("{year} is too far ahead"), {"year": year}))
    return year


def check_inputs(timeline: Timeline, inputs: Mapping[str, InputValue | None]) -> None:
    """Raise InputError for a missing, unknown or wrongly typed answer, or dates in an
    impossible order (a draft plan sent before the request was received)."""
    names = {spec.name for spec in timeline.inputs}
    for name in inputs:
        if name not in names:
            raise InputError(name, Reason("{timeline} does not use '{name}'", {"timeline": timeline.id, "name": name}))
    for spec in timeline.inputs:
        value = inputs.get(spec.name)
        if value is None:
            if spec.required:
                raise InputError(spec.name, Reason(N_("{what} is needed"), {"what": spec.help}))
            continue
        expected = _EXPECTED_TYPES[spec.kind]
        if not isinstance(value, expected) or (spec.kind != "bool" and isinstance(value, bool)):
            raise InputError(spec.name, Reason("{name} must be a {kind}", {"name": spec.name, "kind": spec.kind}))
        earlier = inputs.get(spec.not_before) if spec.not_before else None
        if isinstance(value, date) and isinstance(earlier, date) and value < earlier:
            other = timeline.input(str(spec.not_before))
            raise InputError(
                spec.name,
                Reason(
                    N_("{what} ({day}) cannot be before {other} ({earlier})"),
                    {"what": spec.help, "day": value, "other": other.help, "earlier": earlier},
                ),
            )


@dataclass(frozen=True)
class _Worked:
    """A step's date as worked out so far, before it becomes an Event."""

    date: Day | None
    is_estimate: bool = False
    notes: tuple[str, ...] = ()  # why the date moved or is uncertain
    unadjusted: Day | None = None
    incomplete: bool = False  # an answer the step could use was not given


def _school_calendar(timeline: Timeline, inputs: Mapping[str, InputValue]) -> SchoolCalendar:
    names = timeline.school_calendar

    def ranges(name: str | None) -> tuple[DateRange, ...]:
        value = inputs.get(name) if name else None
        return value if isinstance(value, tuple) else ()

    closed = inputs.get(names.closed_days) if names.closed_days else None
    return SchoolCalendar(ranges(names.terms), ranges(names.closures), closed if isinstance(closed, int) else 0)


def _count(step: Step, start: date, timeline: Timeline, inputs: Mapping[str, InputValue]) -> _Worked:
    """Count ``step.duration`` ``step.unit`` from ``start`` in the step's counting."""
    if step.duration is None or step.unit is None:  # the loader refuses such a step
        raise ValueError(f"step '{step.id}' counts from an anchor but has no duration and unit")
    n, counting = step.duration, step.counting
    if step.unit == "calendar days":
        return _Worked(add_days(start, n, counting))
    if step.unit == "weeks":
        return _Worked(add_weeks(start, n, counting))
    if step.unit == "months":
        return _Worked(months_with_counting(start, n, counting))
    if step.unit == "working days":
        return _Worked(add_working_days(start, n, counting))
    school = _school_calendar(timeline, inputs)
    found = add_school_days(start, n, school, counting)
    if found is None:
        return _Worked(None, notes=(timeline.school_calendar.beyond_terms_note,))
    if school.is_known:
        return _Worked(found)
    return _Worked(found, is_estimate=True, notes=(timeline.school_calendar.estimate_note,))


def _from_anchor(
    step: Step, timeline: Timeline, inputs: Mapping[str, InputValue], worked: Mapping[str, _Worked]
) -> _Worked:
    """Count from the first anchor that has a date; a later anchor means an estimate."""
    for index, name in enumerate(step.anchors):
        start: date | int | None
        if name in worked:
            start, inherited = worked[name].date, worked[name].is_estimate
        else:
            value = inputs.get(name)
            start = value if isinstance(value, (date, int)) else None
            inherited = False
        if start is None:
            continue
        if isinstance(start, date):
            result = _count(step, start, timeline, inputs)
        elif step.month_day is not None:  # a year: the loader pairs year inputs with month_day steps
            result = _Worked(date(start, *step.month_day))
        else:
            raise ValueError(f"step '{step.id}' counts from a year but gives no month and day")
        if index > 0 or inherited:
            return _Worked(result.date, True, result.notes, incomplete=index > 0)
        return result
    return _Worked(None, incomplete=True)


def _latest_of(step: Step, worked: Mapping[str, _Worked]) -> _Worked:
    parts = [worked[name] for name in step.latest_of if name in worked]
    dated = [part for part in parts if part.date is not None]
    if not dated:
        return _Worked(None, incomplete=True)
    latest = max(dated, key=lambda part: part.date or date.min)
    return _Worked(
        latest.date, any(part.is_estimate for part in dated), latest.notes, incomplete=len(dated) < len(step.latest_of)
    )


def _adjusted(step: Step, worked: _Worked, format_date: Callable[[date], str]) -> _Worked:
    """Apply the first tribunal rule that moves the date (rule 12(3)(a) before 12(2): a
    deadline moved by 12(3)(a) is already a working day)."""
    if worked.date is None:
        return worked
    for adjustment in step.adjust:
        moved = apply_tribunal_rule(adjustment.rule, worked.date)
        if moved is not None:
            note = adjustment.note.format(unadjusted=format_date(worked.date))
            return _Worked(moved, worked.is_estimate, (*worked.notes, note), worked.date, worked.incomplete)
    return worked


def _is_on(step: Step, inputs: Mapping[str, InputValue]) -> bool:
    if step.only_if and not inputs.get(step.only_if):
        return False
    return not (step.unless and inputs.get(step.unless))


def calculate(
    timeline: Timeline,
    inputs: Mapping[str, InputValue | None],
    today: date,
    format_date: Callable[[date], str] = format_day,
) -> Result:
    """Work out every step of ``timeline`` from the answers given; steps whose answers are
    missing appear without a date only when the data says what to tell the parent.
    ``format_date`` writes a date inside a note (the parent's language; British English by
    default)."""
    check_inputs(timeline, inputs)
    given = {name: value for name, value in inputs.items() if value is not None}
    worked: dict[str, _Worked] = {}
    events = []
    for step in timeline.steps:
        if not _is_on(step, given):
            continue
        if step.no_fixed_date:
            result = _Worked(None)
        elif step.latest_of:
            result = _adjusted(step, _latest_of(step, worked), format_date)
        else:
            result = _adjusted(step, _from_anchor(step, timeline, given, worked), format_date)
        worked[step.id] = result
        unexplained = result.date is None and not (
            step.no_fixed_date or result.notes or (result.incomplete and step.missing_note)
        )
        if not step.show or unexplained:
            continue
        events.append(_event(step, result, today))
    return Result(timeline, given, today, tuple(events))


def _event(step: Step, result: _Worked, today: date) -> Event:
    if result.date is None and result.incomplete:
        notes = [step.missing_note]  # no date yet: say what would give one
    else:
        notes = [step.note, *result.notes, step.missing_note if result.incomplete else ""]
    if result.is_estimate:
        notes.append(step.estimate_note)
    return Event(
        id=step.id,
        label=step.label,
        date=result.date,
        source=step.source,
        note=" ".join(note for note in notes if note),
        who=step.who,
        if_missed=step.if_missed,
        is_estimate=result.is_estimate,
        passed=result.date is not None and result.date < today,
        unadjusted=result.unadjusted,
    )
