"""`sendbot deadline`: the deadline calculators on the command line.

Forms (scripts rely on them)::

    sendbot deadline TIMELINE DATE [options] [--json] [--ics FILE] [--today YYYY-MM-DD]
    sendbot deadline --list [--json]

DATE is the answer that starts the clock (a year for phase-transfer); the options are the
timeline's other inputs, taken from its data file. Exit codes: 0 done, 1 the timeline data
has problems, 2 an answer cannot be used (one line on stderr saying why)."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

from sendbot.clock import Clock, london_today, utc_now
from sendbot.deadlines import (
    DEFAULT_TIMELINES_DIR,
    Ambiguous,
    DateRange,
    Event,
    Input,
    InputError,
    InputValue,
    InvalidDate,
    Result,
    Timeline,
    build_ics,
    calculate,
    format_day,
    load_timelines,
    parse_input,
)
from sendbot.deadlines.render import encode_value, event_marks

PROG = "sendbot deadline"
EXIT_DATA = 1
EXIT_INPUT = 2
WIDTH = 88


class UsageError(Exception):
    """An answer or option that cannot be used: reported in one line, exit 2."""


METAVARS = {"date": "DATE", "bool": "", "year": "YEAR", "count": "N", "dates-list": "DATES"}


def _dest(cli: str) -> str:
    return "opt_" + cli.replace("-", "_")


def option(spec: Input) -> str:
    """The command-line option of a timeline's input: ``--draft-sent``."""
    return f"--{spec.cli}"


def metavar(spec: Input) -> str:
    return METAVARS[spec.kind]


def usage(timeline: Timeline) -> str:
    """``ehc-assessment REQUEST_RECEIVED [--draft-sent DATE]``, for ``--list`` and help."""
    parts = [timeline.id, timeline.main_input.cli.upper().replace("-", "_")]
    for spec in timeline.inputs[1:]:
        text = f"{option(spec)} {metavar(spec)}".strip()
        parts.append(text if spec.required else f"[{text}]")
    return " ".join(parts)


def add_deadline_parser(subparsers: Any, timelines_dir: Path | None = DEFAULT_TIMELINES_DIR) -> None:
    """Add the ``deadline`` subcommand; its options come from the timeline data files in
    ``timelines_dir`` (None: the subcommand alone, for the other commands, which need not
    read the timelines)."""
    timelines, _ = load_timelines(timelines_dir) if timelines_dir is not None else ({}, [])
    parser = subparsers.add_parser(
        "deadline",
        help="work out statutory deadlines (EHC assessment, annual review, appeals, ...)",
        description="Work out statutory SEND deadlines. Use --list to see the timelines.",
    )
    parser.add_argument("timeline", nargs="?", help="which timeline, e.g. ehc-assessment")
    parser.add_argument("date", nargs="?", help="the date (or year) that starts the clock")
    parser.add_argument("--list", action="store_true", help="list the timelines and options")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--ics", type=Path, metavar="FILE", help="also write a calendar file")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="count 'passed' from this day instead of today")
    parser.add_argument(
        "--timelines", type=Path, default=timelines_dir or DEFAULT_TIMELINES_DIR, metavar="DIR", help=argparse.SUPPRESS
    )
    seen: set[str] = set()
    for timeline in timelines.values():
        for spec in timeline.inputs[1:]:
            if spec.cli in seen:
                continue
            seen.add(spec.cli)
            if spec.kind == "bool":
                parser.add_argument(
                    option(spec), dest=_dest(spec.cli), action="store_const", const=True, default=None, help=spec.help
                )
            else:
                parser.add_argument(
                    option(spec), dest=_dest(spec.cli), metavar=metavar(spec), default=None, help=spec.help
                )
    parser.set_defaults(func=run_deadline)


def run_deadline(args: argparse.Namespace, clock: Clock = utc_now) -> int:
    """Run ``sendbot deadline`` with parsed arguments; returns the exit code. "Today" is the
    date in London by ``clock`` unless ``--today`` says otherwise."""
    timelines, problems = load_timelines(args.timelines)
    errors = [problem for problem in problems if not problem.warning]
    for problem in problems:
        print(problem, file=sys.stderr)
    if errors:
        return EXIT_DATA
    try:
        today = _today(args.today, clock)
        if args.list:
            print(_list_json(timelines) if args.json else _list_text(timelines))
            return 0
        timeline = _timeline(timelines, args.timeline)
        result = calculate(timeline, _inputs(timeline, args, today), today)
    except (UsageError, InputError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_INPUT
    print(_result_json(result) if args.json else _result_text(result))
    if args.ics:
        args.ics.write_bytes(build_ics(result))
    return 0


def _today(text: str | None, clock: Clock) -> date:
    if text is None:
        return london_today(clock)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--today {text}: write the date as YYYY-MM-DD") from None


def _timeline(timelines: dict[str, Timeline], name: str | None) -> Timeline:
    if name is None:
        raise UsageError("say which timeline, e.g. 'ehc-assessment 2026-03-03' (see --list)")
    if name not in timelines:
        raise UsageError(f"unknown timeline '{name}'; choose one of: {', '.join(timelines)}")
    return timelines[name]


def _answer(spec: Input, text: str, today: date) -> InputValue | None:
    value = parse_input(spec, text, today)
    if isinstance(value, Ambiguous):
        options = " or ".join(format_day(day) for day in value.candidates)
        raise UsageError(f"{text}: {value.reason}; did you mean {options}? Write it as YYYY-MM-DD")
    if isinstance(value, InvalidDate):
        raise UsageError(f"{text}: {value.reason}")
    return value


def _inputs(timeline: Timeline, args: argparse.Namespace, today: date) -> dict[str, Any]:
    """The timeline's answers from the arguments; options of other timelines are refused
    so that a typo'd or misplaced option is never silently ignored."""
    if args.date is None:
        raise UsageError(f"missing {timeline.main_input.help}; usage: {PROG} {usage(timeline)}")
    inputs = {timeline.main_input.name: _answer(timeline.main_input, args.date, today)}
    own = {spec.cli: spec for spec in timeline.inputs[1:]}
    for name, value in vars(args).items():
        cli = name.removeprefix("opt_").replace("_", "-")
        if not name.startswith("opt_") or value is None:
            continue
        if cli not in own:
            raise UsageError(f"--{cli} is not used by {timeline.id}; usage: {usage(timeline)}")
        spec = own[cli]
        inputs[spec.name] = value if spec.kind == "bool" else _answer(spec, value, today)
    return inputs


def _short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _event_text(event: Event) -> list[str]:
    when = _short_date(event.date) if event.date else "No fixed date"
    marks = event_marks(event)
    heading = f"{when:<16} {event.label}" + "".join(f" ({mark})" for mark in marks)
    wrap = textwrap.TextWrapper(
        WIDTH, initial_indent="    ", subsequent_indent="    ", break_long_words=False, break_on_hyphens=False
    )
    source = f"Source: {event.source.cite} ({event.source.status})"
    return [heading, *wrap.wrap(event.note), *wrap.wrap(source), f"    {event.source.url}"]


def _value_text(value: InputValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, tuple):
        return ", ".join(_range_text(item) for item in value)
    return str(value)


def _range_text(item: DateRange) -> str:
    if item.first == item.last:
        return format_day(item.first)
    return f"{format_day(item.first)} to {format_day(item.last)}"


def _result_text(result: Result) -> str:
    timeline = result.timeline
    lines = [timeline.title, ""]
    for spec in timeline.inputs:
        if spec.name in result.inputs:
            help_text = spec.help[0].upper() + spec.help[1:]
            lines.append(f"{help_text}: {_value_text(result.inputs[spec.name])}")
    lines.append("")
    for event in result.events:
        lines.extend([*_event_text(event), ""])
    lines.append(
        f"Rules last checked {format_day(timeline.reviewed)}. This is information, "
        "not legal advice: SENDIASS or IPSEA can check your case."
    )
    return "\n".join(lines)


def _result_json(result: Result) -> str:
    events = [
        {
            "id": event.id,
            "label": event.label,
            "date": event.date.isoformat() if event.date else None,
            "source": event.source.cite,
            "url": event.source.url,
            "status": event.source.status,
            "note": event.note,
            "who": event.who,
            "if_missed": event.if_missed,
            "is_estimate": event.is_estimate,
            "passed": event.passed,
            "unadjusted": event.unadjusted.isoformat() if event.unadjusted else None,
        }
        for event in result.events
    ]
    return json.dumps(
        {
            "timeline": result.timeline.id,
            "title": result.timeline.title,
            "today": result.today.isoformat(),
            "inputs": {name: encode_value(value) for name, value in result.inputs.items()},
            "events": events,
        },
        ensure_ascii=False,
        indent=2,
    )


def _list_text(timelines: dict[str, Timeline]) -> str:
    lines = [f"usage: {PROG} TIMELINE DATE [options] [--json] [--ics FILE] [--today YYYY-MM-DD]", ""]
    for timeline in timelines.values():
        lines.append(usage(timeline))
        lines.append(f"    {timeline.title}")
        for spec in timeline.inputs:
            name = (
                spec.cli.upper().replace("-", "_")
                if spec is timeline.main_input
                else f"{option(spec)} {metavar(spec)}".strip()
            )
            lines.append(f"    {name:<26} {spec.help}")
        lines.append("")
    return "\n".join(lines).rstrip()


def _list_json(timelines: dict[str, Timeline]) -> str:
    return json.dumps(
        {
            "timelines": [
                {
                    "id": timeline.id,
                    "title": timeline.title,
                    "usage": usage(timeline),
                    "inputs": [
                        {
                            "name": spec.name,
                            "kind": spec.kind,
                            "required": spec.required,
                            "cli": spec.cli,
                            "prompt": spec.prompt,
                            "help": spec.help,
                        }
                        for spec in timeline.inputs
                    ],
                }
                for timeline in timelines.values()
            ]
        },
        ensure_ascii=False,
        indent=2,
    )


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point until ``sendbot.channels.cli`` wires ``deadline`` in."""
    parser = argparse.ArgumentParser(prog="sendbot")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_deadline_parser(subparsers)
    return run_deadline(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
