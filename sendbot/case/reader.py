"""Recognising a council's letter: its kind and its date, from patterns kept as data in
``knowledge/letter-patterns.yaml``. Exact or silent: when no kind matches, nothing is
guessed. The letter's text is only read here, never stored or logged."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta

from sendbot.case import datacheck
from sendbot.case.events import EventKind
from sendbot.deadlines import Bounds, ParsedDate, parse_date
from sendbot.knowledge.checker import Checker, Schema
from sendbot.knowledge.problems import Problem
from sendbot.knowledge.yamlfile import LineDict, line_of, load_yaml

DEFAULT_PATTERNS_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "letter-patterns.yaml"
MAX_LETTER_YEARS = 5  # an older date on a letter is a reference, not the letter's date
HEADER_LINES = 15  # a date standing alone on a line counts only near the top
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
DATE_IN_TEXT = re.compile(
    rf"\b(\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\.?,?\s+\d{{4}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b",
    re.IGNORECASE,
)
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
PATTERNS_SCHEMA: Schema = {
    "reviewed": True,
    "date_labels": True,
    "letter_signs": True,
    "story_signs": True,
    "kinds": True,
}
KIND_SCHEMA: Schema = {"id": True, "event": True, "says": True, "any": True, "none": False}


@dataclass(frozen=True)
class LetterKind:
    id: str
    event: EventKind
    says: str
    any: tuple[re.Pattern[str], ...]
    none: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class LetterPatterns:
    date_labels: tuple[str, ...]
    kinds: tuple[LetterKind, ...]
    letter_signs: tuple[re.Pattern[str], ...] = ()  # a letter's greeting, sign-off or reference
    story_signs: tuple[re.Pattern[str], ...] = ()  # a parent telling their own story ("my son", "DS")


@dataclass(frozen=True)
class Reading:
    """What was recognised: ``kind`` None means "not recognised"; ``date`` None means no
    clear date was found (the parent is asked for it)."""

    kind: LetterKind | None
    date: date | None


def load_patterns(path: Path = DEFAULT_PATTERNS_FILE) -> tuple[LetterPatterns | None, list[Problem]]:
    data, problems = load_yaml(path)
    if data is None:
        return None, problems
    check = Checker(path)
    if not check.fields(data, PATTERNS_SCHEMA, "the patterns file", line_of(data)):
        return None, check.problems
    datacheck.day(check, data, "reviewed", "the patterns file")
    labels = tuple(label.lower() for label in datacheck.strings(check, data, "date_labels", "the patterns file"))
    letter_signs = datacheck.patterns(check, data, "letter_signs", "the patterns file")
    story_signs = datacheck.patterns(check, data, "story_signs", "the patterns file")
    kinds: list[LetterKind] = []
    for item, line in datacheck.items(check, data, "kinds", "the patterns file"):
        if not check.fields(item, KIND_SCHEMA, "a letter kind", line) or not isinstance(item, LineDict):
            continue
        kind_id = datacheck.ident(check, item, "id", "a letter kind")
        where = f"kind '{kind_id or item.get('id', '')}'"
        if kind_id in {kind.id for kind in kinds}:
            check.error(item.line_of("id"), f"{where} appears twice", "keep one of them")
        event_text = check.text(item, "event", where)
        event = datacheck.event_kind(check, event_text, item.line_of("event"), where) if event_text else None
        says = check.text(item, "says", where)
        any_patterns = datacheck.patterns(check, item, "any", where)
        none_patterns = datacheck.patterns(check, item, "none", where)
        if event is not None and kind_id and says and any_patterns:
            kinds.append(LetterKind(kind_id, event, " ".join(says.split()), any_patterns, none_patterns))
    if check.problems:
        return None, check.problems
    return LetterPatterns(labels, tuple(kinds), letter_signs, story_signs), []


def _flat(text: str) -> str:
    return " ".join(text.lower().split())


def reads_as_letter(text: str, patterns: LetterPatterns) -> bool:
    """Whether pasted text reads as a council's letter rather than a parent's own story: it has
    a letter's greeting, sign-off or reference, or none of a parent's own words ("my son",
    "DS", "I'm"). A story that names a draft plan or a refusal is a question to answer, not a
    letter to read (before stop 41, 324 stories of the eval set were read as letters)."""
    flat = _flat(text)
    return any(p.search(flat) for p in patterns.letter_signs) or not any(p.search(flat) for p in patterns.story_signs)


def recognise_kind(text: str, patterns: LetterPatterns) -> LetterKind | None:
    flat = _flat(text)
    best: tuple[int, int, LetterKind] | None = None
    for order, kind in enumerate(patterns.kinds):
        if any(p.search(flat) for p in kind.none):
            continue
        score = sum(1 for p in kind.any if p.search(flat))
        if score and (best is None or score > best[0]):
            best = (score, -order, kind)
    return best[2] if best else None


def _read_date(text: str, today: date) -> date | None:
    bounds = Bounds(today - relativedelta(years=MAX_LETTER_YEARS), today, today)
    result = parse_date(text, bounds)
    return result.value if isinstance(result, ParsedDate) else None


def find_date(text: str, patterns: LetterPatterns, today: date) -> date | None:
    """The letter's own date: on a "Date:" line, or alone on a line near the top. Several
    different candidates, or none, give None: the parent is asked rather than guessed for."""
    labelled: set[date] = set()
    alone: set[date] = set()
    labels = sorted(patterns.date_labels, key=len, reverse=True)
    for number, raw in enumerate(text.splitlines()):
        line = raw.strip().lower()
        label = next((lab for lab in labels if re.match(rf"{re.escape(lab)}\b\s*:?\s*", line)), None)
        if label is not None:
            rest = re.sub(rf"^{re.escape(label)}\b\s*:?\s*", "", line)
            found = DATE_IN_TEXT.search(rest)
            day = _read_date(found.group(1), today) if found else None
            if day is not None:
                labelled.add(day)
            continue
        if number < HEADER_LINES and (match := re.fullmatch(rf"{_WEEKDAY}{DATE_IN_TEXT.pattern}", line, re.I)):
            day = _read_date(match.group(1), today)
            if day is not None:
                alone.add(day)
    for candidates in (labelled, alone):
        if len(candidates) == 1:
            return next(iter(candidates))
        if candidates:
            return None
    return None


def read_letter(text: str, patterns: LetterPatterns, today: date) -> Reading:
    return Reading(recognise_kind(text, patterns), find_date(text, patterns, today))


def pdf_text(data: bytes) -> str:
    """The text of a PDF the parent sent (pypdf). Scanned letters have no text, and a file
    that is not a PDF (or is damaged) has none either: empty."""
    from pypdf import PdfReader  # imported here: only needed when a PDF arrives
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError):  # what pypdf raises on a file it cannot read
        return ""
