"""Statutory deadline calculators: timelines as data, pure date logic, .ics export.

The conversation asks the questions in ``Timeline.inputs`` (reading each answer with
``parse_input``), then calls ``calculate``. All date arithmetic lives in ``dates``."""

from sendbot.deadlines.calculate import (
    Event,
    InputError,
    InputValue,
    Result,
    bounds_for,
    calculate,
    check_inputs,
    parse_input,
)
from sendbot.deadlines.dateparse import (
    Ambiguous,
    Bounds,
    DateResult,
    InvalidDate,
    ParsedDate,
    format_day,
    parse_date,
    parse_date_ranges,
)
from sendbot.deadlines.dates import DateRange, SchoolCalendar
from sendbot.deadlines.ics import build_ics
from sendbot.deadlines.loader import DEFAULT_TIMELINES_DIR, check_entry_links, load_timelines
from sendbot.deadlines.model import EntryLink, Input, Step, Timeline
from sendbot.knowledge.model import Source

__all__ = [
    "DEFAULT_TIMELINES_DIR",
    "Ambiguous",
    "Bounds",
    "DateRange",
    "DateResult",
    "EntryLink",
    "Event",
    "Input",
    "InputError",
    "InputValue",
    "InvalidDate",
    "ParsedDate",
    "Result",
    "SchoolCalendar",
    "Source",
    "Step",
    "Timeline",
    "bounds_for",
    "build_ics",
    "calculate",
    "check_entry_links",
    "check_inputs",
    "format_day",
    "load_timelines",
    "parse_date",
    "parse_date_ranges",
    "parse_input",
]
