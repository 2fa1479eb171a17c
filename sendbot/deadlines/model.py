"""Timelines as plain data: the questions a process needs answered (`Input`), the dates it
sets (`Step`), and the `Timeline` itself. Loaded and checked by `sendbot.deadlines.loader`;
nothing here reads a file or knows the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from sendbot.deadlines.dates import Counting, TribunalRule
from sendbot.knowledge.model import Source  # one Source type for entries and timelines

InputKind = Literal["date", "bool", "year", "count", "dates-list"]
Unit = Literal["calendar days", "weeks", "months", "working days", "school days"]

DEFAULT_MAX_YEARS_AGO = 30
DEFAULT_MAX_YEARS_AHEAD = 2


@dataclass(frozen=True)
class Input:
    """One question a timeline needs answered, as the conversation and the CLI ask it."""

    name: str
    kind: InputKind
    required: bool
    prompt: str
    cli: str
    help: str
    not_after_today: bool = False
    max_years_ago: int = DEFAULT_MAX_YEARS_AGO
    max_years_ahead: int = DEFAULT_MAX_YEARS_AHEAD
    not_before: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Adjustment:
    """A tribunal rule that may move the step's date, with the sentence that says so."""

    rule: TribunalRule
    note: str  # may contain {unadjusted}: the date before the move


@dataclass(frozen=True)
class Step:
    """One date in a timeline, computed in exactly one of four ways.

    ``anchors`` + ``duration``/``unit``: from the first anchor (an input or an earlier step)
    that has a date; ``anchors`` + ``month_day``: a fixed day in the year given; ``latest_of``:
    the later of other steps; ``no_fixed_date``: the law sets no date, the note says why."""

    id: str
    label: str
    who: str
    source: Source
    note: str
    if_missed: str
    anchors: tuple[str, ...] = ()
    duration: int | None = None
    unit: Unit | None = None
    counting: Counting = "after"
    month_day: tuple[int, int] | None = None
    latest_of: tuple[str, ...] = ()
    no_fixed_date: bool = False
    only_if: str | None = None
    unless: str | None = None
    adjust: tuple[Adjustment, ...] = ()
    missing_note: str = ""  # said when an anchor (or a latest_of step) has no date
    estimate_note: str = ""  # said when the date is an estimate
    show: bool = True
    line: int = 0


@dataclass(frozen=True)
class SchoolCalendarInputs:
    """Which inputs describe the school's calendar, for steps counted in school days, and
    what to say when they do not give an exact answer."""

    terms: str | None = None
    closures: str | None = None
    closed_days: str | None = None
    estimate_note: str = ""  # no calendar given: weekdays minus bank holidays only
    beyond_terms_note: str = ""  # the term dates given end too soon


@dataclass(frozen=True)
class EntryLink:
    """A knowledge-base entry whose answer offers this calculator ("Work out my dates");
    the line lets `sendbot check` point at an id that no longer exists."""

    entry_id: str
    line: int


DEFAULT_ORDER = 100  # a timeline with no `order:` comes after the ones parents need most
SHORT_TITLE_CHARS = 40  # a button label a phone shows whole, without cutting


@dataclass(frozen=True)
class Timeline:
    id: str
    title: str
    summary: str
    trigger: str
    reviewed: date
    inputs: tuple[Input, ...]
    steps: tuple[Step, ...]
    school_calendar: SchoolCalendarInputs = field(default_factory=SchoolCalendarInputs)
    file: Path = Path()
    entries: tuple[EntryLink, ...] = ()
    order: int = DEFAULT_ORDER  # /deadlines lists timelines by this (how often parents need them), then by title
    short_title: str | None = None  # the button label (at most 40 characters); else the title

    @property
    def button_title(self) -> str:
        return self.short_title or self.title

    @property
    def main_input(self) -> Input:
        """The input the command line takes as its positional DATE (always required)."""
        return self.inputs[0]

    def input(self, name: str) -> Input:
        return next(spec for spec in self.inputs if spec.name == name)
