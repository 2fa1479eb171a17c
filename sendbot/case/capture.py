"""Noticing, in a parent's own words, an event to add to their case ("we sent the EHC
request on 3rd March", "the draft plan came yesterday"), from phrases kept as data in
``knowledge/case-phrases.yaml``. Exact or silent: one event and a real date, or nothing; the
chat only ever offers the event, the parent taps to add it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta

from sendbot.case import datacheck
from sendbot.case.events import EVENT_SPECS, EventKind
from sendbot.case.record import MAX_YEARS_AGO, MAX_YEARS_AHEAD
from sendbot.deadlines import Bounds, ParsedDate, parse_date
from sendbot.knowledge.checker import Checker, Schema
from sendbot.knowledge.problems import Problem
from sendbot.knowledge.yamlfile import LineDict, line_of, load_yaml

DEFAULT_PHRASES_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "case-phrases.yaml"
MAX_DATE_WORDS = 4
_TOKEN = re.compile(r"[a-z0-9/.-]+")
PHRASES_SCHEMA: Schema = {"reviewed": True, "question_starts": True, "events": True}
EVENT_SCHEMA: Schema = {"event": True, "any": True, "none": False}


@dataclass(frozen=True)
class EventPhrases:
    kind: EventKind
    any: tuple[re.Pattern[str], ...]
    none: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class CasePhrases:
    question_starts: frozenset[str]
    events: tuple[EventPhrases, ...]


@dataclass(frozen=True)
class Capture:
    kind: EventKind
    date: date | None  # None: the message named no clear date; ask for it


def load_phrases(path: Path = DEFAULT_PHRASES_FILE) -> tuple[CasePhrases | None, list[Problem]]:
    data, problems = load_yaml(path)
    if data is None:
        return None, problems
    check = Checker(path)
    if not check.fields(data, PHRASES_SCHEMA, "the phrases file", line_of(data)):
        return None, check.problems
    datacheck.day(check, data, "reviewed", "the phrases file")
    starts = frozenset(word.lower() for word in datacheck.strings(check, data, "question_starts", "the phrases file"))
    events: list[EventPhrases] = []
    for item, line in datacheck.items(check, data, "events", "the phrases file"):
        if not check.fields(item, EVENT_SCHEMA, "an event's phrases", line) or not isinstance(item, LineDict):
            continue
        text = check.text(item, "event", "an event's phrases")
        kind = datacheck.event_kind(check, text, item.line_of("event"), "an event's phrases")
        if kind is None:
            continue
        where = f"event '{kind.value}'"
        found, unless = datacheck.patterns(check, item, "any", where), datacheck.patterns(check, item, "none", where)
        events.append(EventPhrases(kind, found, unless))
    if check.problems:
        return None, check.problems
    return CasePhrases(starts, tuple(events)), []


_CLAUSE_END = re.compile(r"[.?!;,\n]+|\s[-–]\s")  # sentences and their clauses


def is_question(text: str, phrases: CasePhrases) -> bool:
    words = text.strip().lower().split()
    return text.rstrip().endswith("?") or (bool(words) and words[0].strip(",.") in phrases.question_starts)


def asks_something(text: str, phrases: CasePhrases) -> bool:
    """Whether any clause of the message asks something: a message that tells of an event often
    asks about it too ("... they refused to assess. what are my options", "draft ehcp arrived
    this morning, how long do i get", "refused ehcna what now"), and that question must be
    answered, not only the event offered. A clause asks when it starts with a question word
    ("whats" and "what's" too), or has one among its last two words; a "?" anywhere asks."""
    starts = phrases.question_starts

    def asking(word: str) -> bool:
        return word in starts or (word.endswith("s") and word[:-1] in starts)

    for clause in _CLAUSE_END.split(text.lower().replace("'", "").replace("’", "")):
        words = [w.strip('"()') for w in clause.split()]
        if words and (asking(words[0]) or any(w in starts for w in words[-2:])):
            return True
    return "?" in text


def answer_too(text: str, found: Capture, phrases: CasePhrases) -> bool:
    """Whether a message that tells of an event (``found``) is answered as well as offered: it
    asks something (`asks_something`), or names no date, as a few words such as "refused ehcna"
    are mostly a question, and the offer needs the parent to type the date anyway."""
    return found.date is None or asks_something(text, phrases)


def find_day(text: str, kind: EventKind, today: date) -> date | None:
    """The one date the message names ("on 3rd March", "yesterday", "03/03/2026"); several
    different dates, or none, give None."""
    latest = today + relativedelta(years=MAX_YEARS_AHEAD) if EVENT_SPECS[kind].may_be_future else today
    bounds = Bounds(today - relativedelta(years=MAX_YEARS_AGO), latest, today)
    tokens = [token.strip(".") for token in _TOKEN.findall(text.lower())]
    found: set[date] = set()
    start = 0
    while start < len(tokens):
        for size in range(min(MAX_DATE_WORDS, len(tokens) - start), 0, -1):
            window = " ".join(tokens[start : start + size])
            if (
                not any(ch.isdigit() for ch in window)
                and window not in ("today", "yesterday", "tomorrow")
                and not (size == 2 and tokens[start] == "last")
            ):
                continue
            result = parse_date(window, bounds)
            if isinstance(result, ParsedDate):
                found.add(result.value)
                start += size - 1
                break
        start += 1
    return next(iter(found)) if len(found) == 1 else None


def capture(text: str, phrases: CasePhrases, today: date) -> Capture | None:
    """The event a message tells of, with its date, or None."""
    if is_question(text, phrases):
        return None
    flat = " ".join(text.lower().split())
    kinds = [
        item.kind
        for item in phrases.events
        if any(p.search(flat) for p in item.any) and not any(p.search(flat) for p in item.none)
    ]
    if len(kinds) != 1:
        return None
    return Capture(kinds[0], find_day(text, kinds[0], today))
