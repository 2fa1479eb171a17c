"""A case's statutory dates, worked out by the existing deadline engine.

The recorded events become the inputs of the timelines in ``knowledge/timelines`` (see
``events.INPUT_FEEDS``) and ``sendbot.deadlines.calculate`` does all the date arithmetic,
with the same rules and sources as ``sendbot deadline``. This module only adds, per date,
whether it was met (``done``), is still ahead (``upcoming``) or passed without the event
that meets it (``missed``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

from sendbot.case.events import INPUT_FEEDS, EventKind, StepRule, rule_for
from sendbot.case.store import Case, CaseEvent
from sendbot.deadlines import Event, InputError, InputValue, Source, Timeline, calculate


class Status(str, Enum):
    DONE = "done"
    UPCOMING = "upcoming"
    MISSED = "missed"


@dataclass(frozen=True)
class CaseDate:
    """One statutory date of the case."""

    timeline: str
    event: Event  # from the deadline engine: label, date, source, note, who, if_missed
    status: Status
    rule: StepRule
    met_on: date | None = None  # the date of the event that met it, when done

    @property
    def id(self) -> str:
        return f"{self.timeline}/{self.event.id}"

    @property
    def date(self) -> date:
        if self.event.date is None:  # only dated events become CaseDates
            raise ValueError(f"{self.id} has no date")
        return self.event.date

    @property
    def source(self) -> Source:
        return self.event.source

    @property
    def council_duty(self) -> bool:
        return self.event.who.lower().startswith("the council")


@dataclass(frozen=True)
class CaseTimeline:
    case: Case
    today: date
    dates: tuple[CaseDate, ...]  # by date

    @property
    def next(self) -> CaseDate | None:
        """The next date the council must meet."""
        ahead = [d for d in self.dates if d.status is Status.UPCOMING and d.council_duty]
        return ahead[0] if ahead else None

    @property
    def missed(self) -> tuple[CaseDate, ...]:
        return tuple(d for d in self.dates if d.status is Status.MISSED)

    def find(self, key: str) -> CaseDate | None:
        return next((d for d in self.dates if d.id == key), None)


def latest(events: tuple[CaseEvent, ...], kinds: tuple[EventKind, ...] | frozenset[EventKind]) -> CaseEvent | None:
    """The most recent event of these kinds (the last recorded on the latest date)."""
    found = [event for event in events if event.kind in kinds]
    return max(found, key=lambda event: (event.date, event.id)) if found else None


def timeline_inputs(case: Case) -> dict[str, dict[str, CaseEvent]]:
    """Per timeline id, the events that give its inputs (input name -> event)."""
    result: dict[str, dict[str, CaseEvent]] = {}
    for feed in INPUT_FEEDS:
        event = latest(case.events, feed.kinds)
        if event is not None:
            result.setdefault(feed.timeline, {})[feed.input] = event
    return result


def _calculate(timeline: Timeline, given: dict[str, CaseEvent], today: date) -> tuple[Event, ...]:
    """Run the engine; an optional input in an impossible order (a certificate older than
    the latest decision letter: it belonged to an earlier decision) is left out."""
    inputs: dict[str, InputValue | None] = {name: event.date for name, event in given.items()}
    while True:
        try:
            return calculate(timeline, inputs, today).events
        except InputError as exc:
            if exc.input == timeline.main_input.name or exc.input not in inputs:
                return ()
            del inputs[exc.input]


def _status(
    rule: StepRule, event: Event, given: Mapping[str, CaseEvent], case: Case, today: date
) -> tuple[Status | None, date | None]:
    """(status, met on); status None means the date is not shown for this case."""
    anchor = given.get(rule.since) if rule.since else None
    for recorded in case.events:
        if recorded.kind not in rule.met_by or anchor is None:
            continue
        if recorded.date > anchor.date or (recorded.date == anchor.date and recorded.kind != anchor.kind):
            return Status.DONE, recorded.date
    if rule.void_by and any(
        recorded.kind in rule.void_by and (anchor is None or recorded.date >= anchor.date) for recorded in case.events
    ):
        return None, None
    if event.date is not None and event.date >= today:
        return Status.UPCOMING, None
    return (Status.MISSED, None) if rule.can_miss else (None, None)


def case_timeline(case: Case, timelines: Mapping[str, Timeline], today: date) -> CaseTimeline:
    """Every dated statutory step that follows from the case's events, with its status."""
    dates: list[CaseDate] = []
    for timeline_id, given in timeline_inputs(case).items():
        timeline = timelines.get(timeline_id)
        if timeline is None or timeline.main_input.name not in given:
            continue
        for event in _calculate(timeline, given, today):
            if event.date is None:
                continue
            rule = rule_for(timeline_id, event.id)
            status, met_on = _status(rule, event, given, case, today)
            if status is not None:
                dates.append(CaseDate(timeline_id, event, status, rule, met_on))
    dates.sort(key=lambda d: (d.date, d.id))
    return CaseTimeline(case, today, tuple(dates))
