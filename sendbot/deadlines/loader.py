"""The loader for ``knowledge/timelines/*.yaml`` (the dataclasses are in `sendbot.deadlines.model`).

Volunteers who are not programmers edit these files, so the loader checks every rule the
calculator relies on and reports each problem as ``file:line: what is wrong (how to fix)``
rather than failing on the first one. The schema is described in
``knowledge/timelines/README.md``."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any, cast, get_args

from sendbot.deadlines.dates import Counting, TribunalRule
from sendbot.deadlines.model import (
    DEFAULT_MAX_YEARS_AGO,
    DEFAULT_MAX_YEARS_AHEAD,
    DEFAULT_ORDER,
    SHORT_TITLE_CHARS,
    Adjustment,
    EntryLink,
    Input,
    InputKind,
    SchoolCalendarInputs,
    Step,
    Timeline,
    Unit,
)
from sendbot.knowledge.checker import Checker
from sendbot.knowledge.model import ID_PATTERN, Source, Status
from sendbot.knowledge.problems import Problem
from sendbot.knowledge.yamlfile import LineDict, LineList, line_of, load_yaml

DEFAULT_TIMELINES_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "timelines"

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
MONTH_DAY_PATTERN = re.compile(r"^(\d\d)-(\d\d)$")
# Options the command line already uses for itself; a timeline input may not take them.
RESERVED_CLI_NAMES = frozenset({"json", "list", "today", "ics", "timelines", "help"})

_TOP_KEYS = {
    "id": True,
    "title": True,
    "summary": True,
    "trigger": True,
    "reviewed": True,
    "inputs": True,
    "steps": True,
    "school_calendar": False,
    "entries": False,
    "order": False,
    "short_title": False,
}
_INPUT_KEYS = {
    "name": True,
    "kind": True,
    "required": True,
    "prompt": True,
    "cli": True,
    "help": True,
    "not_after_today": False,
    "max_years_ago": False,
    "max_years_ahead": False,
    "not_before": False,
}
_STEP_KEYS = {
    "id": True,
    "label": False,
    "who": False,
    "source": True,
    "note": False,
    "if_missed": False,
    "from": False,
    "duration": False,
    "unit": False,
    "counting": False,
    "month_day": False,
    "latest_of": False,
    "no_fixed_date": False,
    "only_if": False,
    "unless": False,
    "adjust": False,
    "missing_note": False,
    "estimate_note": False,
    "show": False,
}
_SHOWN_STEP_KEYS = ("label", "who", "note", "if_missed")
_SOURCE_KEYS = {"cite": True, "url": True, "status": True}
_ADJUST_KEYS = {"rule": True, "note": True}
_CALENDAR_INPUTS = {"terms": "dates-list", "closures": "dates-list", "closed_days": "count"}
_CALENDAR_KEYS = {
    "terms": False,
    "closures": False,
    "closed_days": False,
    "estimate_note": True,
    "beyond_terms_note": True,
}


# --- loading -----------------------------------------------------------------------------


def _load_source(check: Checker, step: LineDict, where: str) -> Source | None:
    data = step.get("source")
    if data is None:
        return None  # already reported as a missing key
    line = step.line_of("source")
    if not check.fields(data, _SOURCE_KEYS, f"the source of {where}", line):
        return None
    cite = check.text(data, "cite", f"the source of {where}")
    url = check.text(data, "url", f"the source of {where}")
    if url and not url.startswith(("http://", "https://")):
        check.error(
            data.line_of("url"),
            f"the source url of {where} is not a web address",
            "give the full https:// address of the page the rule was read on",
        )
    status = data.get("status")
    if status == "UNVERIFIED":
        check.error(
            data.line_of("status"),
            f"{where} rests on an UNVERIFIED fact",
            "a timeline may only use facts marked P, CoP or S in the research notes",
        )
        return None
    status = check.choice(data, "status", f"the source of {where}", get_args(Status))
    if not (cite and url and status):
        return None
    return Source(cite, url, cast(Status, status))


def _load_input(check: Checker, data: Any, line: int) -> Input | None:
    where = f"input at line {line}"
    if not check.fields(data, _INPUT_KEYS, where, line):
        return None
    name = data.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        check.error(
            data.line_of("name"),
            f"input name '{name}' is not a valid name",
            "use lowercase letters, digits and '_', e.g. request_received",
        )
        return None
    where = f"input '{name}'"
    kind = check.choice(data, "kind", where, get_args(InputKind))
    cli = data.get("cli")
    if not isinstance(cli, str) or not ID_PATTERN.match(cli):
        check.error(
            data.line_of("cli"),
            f"cli name '{cli}' of {where} is not valid",
            "use lowercase letters, digits and '-', without the leading --",
        )
        cli = None
    elif cli in RESERVED_CLI_NAMES:
        check.error(
            data.line_of("cli"), f"cli name '{cli}' of {where} is used by the command line", "choose another name"
        )
        cli = None
    not_before = data.get("not_before")
    if not_before is not None and not isinstance(not_before, str):
        check.error(
            data.line_of("not_before"),
            f"'not_before' of {where} must be an input name",
            "write the name of an earlier date input",
        )
        not_before = None
    fields = (
        kind,
        cli,
        check.text(data, "prompt", where),
        check.text(data, "help", where),
    )
    required = check.boolean(data, "required", where, False)
    not_after_today = check.boolean(data, "not_after_today", where, False)
    years_ago = check.number(data, "max_years_ago", where, DEFAULT_MAX_YEARS_AGO)
    years_ahead = check.number(data, "max_years_ahead", where, DEFAULT_MAX_YEARS_AHEAD)
    if not all(fields):
        return None
    return Input(
        name=name,
        kind=cast(InputKind, kind),
        required=required,
        prompt=fields[2],
        cli=cast(str, cli),
        help=fields[3],
        not_after_today=not_after_today,
        max_years_ago=cast(int, years_ago),
        max_years_ahead=cast(int, years_ahead),
        not_before=not_before,
        line=data.line,
    )


def _load_adjust(check: Checker, step: LineDict, where: str) -> tuple[Adjustment, ...]:
    data = step.get("adjust")
    if data is None:
        return ()
    if not isinstance(data, LineList):
        check.error(step.line_of("adjust"), f"'adjust' of {where} must be a list", "write a list of {rule, note} items")
        return ()
    found = []
    for index, item in enumerate(data):
        line = data.line_of(index)
        if not check.fields(item, _ADJUST_KEYS, f"an adjustment of {where}", line):
            continue
        rule = check.choice(item, "rule", f"an adjustment of {where}", get_args(TribunalRule))
        note = check.text(item, "note", f"an adjustment of {where}")
        try:
            note.format(unadjusted="")
        except (KeyError, IndexError, ValueError):
            check.error(
                item.line_of("note"),
                f"the note of an adjustment of {where} has a {{...}} other than {{unadjusted}}",
                "write {unadjusted} or no braces",
            )
            continue
        if rule and note:
            found.append(Adjustment(cast(TribunalRule, rule), note))
    return tuple(found)


def _load_month_day(check: Checker, data: LineDict, where: str) -> tuple[int, int] | None:
    value = data.get("month_day")
    if value is None:
        return None
    match = MONTH_DAY_PATTERN.match(value) if isinstance(value, str) else None
    try:
        if match:
            date(2023, int(match[1]), int(match[2]))  # not a leap year: 02-29 has no date
            return int(match[1]), int(match[2])
    except ValueError:
        pass
    check.error(
        data.line_of("month_day"),
        f"month_day '{value}' of {where} is not a real day",
        'write MM-DD in quotes, e.g. "02-14"',
    )
    return None


def _load_step(check: Checker, data: Any, line: int) -> Step | None:
    where = f"step at line {line}"
    problems_before = len(check.problems)
    if not check.fields(data, _STEP_KEYS, where, line):
        return None
    step_id = data.get("id")
    if not isinstance(step_id, str) or not ID_PATTERN.match(step_id):
        check.error(
            data.line_of("id"),
            f"step id '{step_id}' is not valid",
            "use lowercase letters, digits and '-', e.g. final-plan",
        )
        return None
    where = f"step '{step_id}'"
    show = check.boolean(data, "show", where, True)
    if show:
        for key in _SHOWN_STEP_KEYS:
            if key not in data:
                check.error(
                    data.line, f"{where} is missing '{key}'", f"add '{key}:'; every step shown to parents needs one"
                )
    source = _load_source(check, data, where)
    anchors = check.names(data, "from", where)
    latest_of = check.names(data, "latest_of", where)
    duration = check.number(data, "duration", where, None)
    unit = check.choice(data, "unit", where, get_args(Unit))
    counting = check.choice(data, "counting", where, get_args(Counting)) or "after"
    month_day = _load_month_day(check, data, where)
    no_fixed_date = check.boolean(data, "no_fixed_date", where, False)
    if len(check.problems) > problems_before:
        return None  # a typo'd or invalid key would make the next check misleading
    ways = {
        "from + duration + unit": bool(anchors) and duration is not None and unit is not None,
        "from + month_day": bool(anchors) and month_day is not None,
        "latest_of": bool(latest_of),
        "no_fixed_date": no_fixed_date,
    }
    if sum(ways.values()) != 1 or (duration is None) != (unit is None):
        check.error(
            data.line,
            f"{where} must say how its date is worked out in exactly one way",
            "give one of: " + "; ".join(ways),
        )
        return None
    if source is None:
        return None
    only_if, unless = data.get("only_if"), data.get("unless")
    return Step(
        id=step_id,
        label=check.text(data, "label", where),
        who=check.text(data, "who", where),
        source=source,
        note=check.text(data, "note", where),
        if_missed=check.text(data, "if_missed", where),
        anchors=anchors,
        duration=duration,
        unit=cast(Unit | None, unit),
        counting=cast(Counting, counting),
        month_day=month_day,
        latest_of=latest_of,
        no_fixed_date=no_fixed_date,
        only_if=only_if if isinstance(only_if, str) else None,
        unless=unless if isinstance(unless, str) else None,
        adjust=_load_adjust(check, data, where),
        missing_note=check.text(data, "missing_note", where),
        estimate_note=check.text(data, "estimate_note", where),
        show=show,
        line=data.line,
    )


def _load_list(check: Checker, data: LineDict, key: str, loader: Any) -> list[Any]:
    items = data.get(key)
    if not isinstance(items, LineList) or not items:
        check.error(data.line_of(key), f"'{key}' must be a non-empty list", f"add at least one item under '{key}:'")
        return []
    loaded = [loader(check, item, items.line_of(i)) for i, item in enumerate(items)]
    return [item for item in loaded if item is not None]


def _load_calendar(check: Checker, data: LineDict, inputs: dict[str, Input]) -> SchoolCalendarInputs:
    cal = data.get("school_calendar")
    if cal is None:
        return SchoolCalendarInputs()
    if not check.fields(cal, _CALENDAR_KEYS, "school_calendar", data.line_of("school_calendar")):
        return SchoolCalendarInputs()
    names: dict[str, str | None] = {}
    for key, kind in _CALENDAR_INPUTS.items():
        name = cal.get(key)
        if name is not None and (name not in inputs or inputs[name].kind != kind):
            check.error(
                cal.line_of(key),
                f"school_calendar '{key}' must name an input of kind {kind}",
                "add that input, or correct the name",
            )
            name = None
        names[key] = name
    if not any(names.values()):
        check.error(cal.line, "school_calendar names no inputs", "add terms, closures or closed_days naming an input")
    return SchoolCalendarInputs(
        **names,
        estimate_note=check.text(cal, "estimate_note", "school_calendar"),
        beyond_terms_note=check.text(cal, "beyond_terms_note", "school_calendar"),
    )


def _load_entries(check: Checker, data: LineDict) -> tuple[EntryLink, ...]:
    """The optional ``entries:`` list; whether each id exists is checked against the
    knowledge base by ``check_entry_links``, which the timeline loader cannot see."""
    items = data.get("entries")
    if items is None:
        return ()
    if not isinstance(items, LineList):
        check.error(
            data.line_of("entries"),
            "'entries' must be a list of entry ids",
            "write e.g. [annual-review-due-date, annual-review-late]",
        )
        return ()
    links = []
    for index, item in enumerate(items):
        if not isinstance(item, str) or not ID_PATTERN.match(item):
            check.error(
                items.line_of(index), f"entry id '{item}' is not valid", "use the id of an entry in knowledge/entries"
            )
            continue
        links.append(EntryLink(item, items.line_of(index)))
    return tuple(links)


def check_entry_links(timelines: Mapping[str, Timeline], entry_ids: Collection[str]) -> list[Problem]:
    """Every ``entries:`` id of every timeline must name an existing knowledge-base entry."""
    return [
        Problem(
            timeline.file,
            link.line,
            f"entry id '{link.entry_id}' is not in the knowledge base",
            "use the id of an entry in knowledge/entries, or remove it",
        )
        for timeline in timelines.values()
        for link in timeline.entries
        if link.entry_id not in entry_ids
    ]


def _check_references(check: Checker, timeline: Timeline) -> None:
    """Names must point at inputs or earlier steps, so steps compute in file order."""
    inputs = {spec.name: spec for spec in timeline.inputs}
    seen_steps: set[str] = set()
    first = timeline.inputs[0]
    if not first.required or first.kind not in ("date", "year"):
        check.error(
            first.line,
            f"the first input '{first.name}' must be a required date or year",
            "put the input that starts the clock first",
        )
    for spec in timeline.inputs:
        if spec.not_before and spec.not_before not in inputs:
            check.error(
                spec.line,
                f"input '{spec.name}' has not_before '{spec.not_before}', which is not an input",
                "name another date input",
            )
    for step in timeline.steps:
        if step.id in seen_steps or step.id in inputs:
            check.error(step.line, f"step id '{step.id}' is used twice", "rename one of them")
        for name in step.anchors:
            if name not in inputs and name not in seen_steps:
                check.error(
                    step.line,
                    f"step '{step.id}' counts from '{name}', which is not an input or an earlier step",
                    "fix the name or move the step down",
                )
            elif step.month_day and (name not in inputs or inputs[name].kind != "year"):
                check.error(
                    step.line,
                    f"step '{step.id}' uses month_day, so 'from' must be a year input",
                    "point 'from' at an input of kind year",
                )
        for name in step.latest_of:
            if name not in seen_steps:
                check.error(
                    step.line,
                    f"step '{step.id}' takes the latest of '{name}', which is not an earlier step",
                    "fix the name or move the step down",
                )
        for name in filter(None, (step.only_if, step.unless)):
            if name not in inputs:
                check.error(step.line, f"step '{step.id}' depends on '{name}', which is not an input", "name an input")
        if step.unit == "school days" and timeline.school_calendar == SchoolCalendarInputs():
            check.error(
                step.line,
                f"step '{step.id}' counts school days but the timeline has no school_calendar",
                "add school_calendar with terms or closures",
            )
        seen_steps.add(step.id)


def load_timeline(path: Path) -> tuple[Timeline | None, list[Problem]]:
    """Load and check one timeline file."""
    data, problems = load_yaml(path)
    if data is None:
        return None, problems
    check = Checker(path)
    if not check.fields(data, _TOP_KEYS, "the timeline", line_of(data)):
        return None, check.problems
    timeline_id = data.get("id")
    if timeline_id != path.stem:
        check.error(
            data.line_of("id"),
            f"id '{timeline_id}' does not match the file name",
            f"use id: {path.stem}, or rename the file",
        )
    reviewed = data.get("reviewed")
    if not isinstance(reviewed, date):
        check.error(
            data.line_of("reviewed"),
            f"reviewed '{reviewed}' is not a date",
            "write the date the rules were last checked as YYYY-MM-DD",
        )
    texts = [check.text(data, key, "the timeline") for key in ("title", "summary", "trigger")]
    inputs = _load_list(check, data, "inputs", _load_input)
    names = [spec.name for spec in inputs]
    for index, name in enumerate(names):
        if name in names[:index]:
            check.error(data.line_of("inputs"), f"input name '{name}' is used twice", "rename one of them")
    steps = _load_list(check, data, "steps", _load_step)
    calendar = _load_calendar(check, data, {spec.name: spec for spec in inputs})
    entries = _load_entries(check, data)
    short_title = check.text(data, "short_title", "the timeline") or None
    if short_title and len(short_title) > SHORT_TITLE_CHARS:
        check.error(
            data.line_of("short_title"),
            f"short_title has {len(short_title)} characters",
            f"keep it to {SHORT_TITLE_CHARS} so a phone shows the button whole",
        )
    order = data.get("order", DEFAULT_ORDER)
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        check.error(data.line_of("order"), f"order '{order}' is not a whole number", "write 1 for the commonest")
        order = DEFAULT_ORDER
    if check.problems or not inputs or not steps:
        return None, problems + check.problems
    timeline = Timeline(
        id=cast(str, timeline_id),
        title=texts[0],
        summary=texts[1],
        trigger=texts[2],
        reviewed=cast(date, reviewed),
        inputs=tuple(inputs),
        steps=tuple(steps),
        school_calendar=calendar,
        file=path,
        entries=entries,
        order=order,
        short_title=short_title,
    )
    _check_references(check, timeline)
    return (None if check.problems else timeline), check.problems


def load_timelines(directory: Path = DEFAULT_TIMELINES_DIR) -> tuple[dict[str, Timeline], list[Problem]]:
    """Load every ``*.yaml`` timeline in ``directory``; broken files are left out and their
    problems returned, so one bad file never hides the others."""
    timelines: dict[str, Timeline] = {}
    problems: list[Problem] = []
    options: dict[str, tuple[Input, Path]] = {}
    for path in sorted(directory.glob("*.yaml")):
        timeline, found = load_timeline(path)
        problems.extend(found)
        if timeline is None:
            continue
        for spec in timeline.inputs[1:]:
            other = options.setdefault(spec.cli, (spec, path))
            if other[0].kind != spec.kind:
                problems.append(
                    Problem(
                        path,
                        1,
                        f"option --{spec.cli} is a {spec.kind} here but a {other[0].kind} in {other[1].name}",
                        "use the same kind or another option name",
                    )
                )
        timelines[timeline.id] = timeline
    if not timelines and not problems:
        problems.append(Problem(directory, 1, "no timeline files found", "add knowledge/timelines/<id>.yaml files"))
    return timelines, problems
