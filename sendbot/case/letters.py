"""Letters written from a case: templates as data in ``knowledge/letters/*.yaml``, rendered
as text to copy and as a ``.docx`` to edit.

A template's text has named fields (``{child_name}``, ``{request_date}``, ...). Dates come
from the case and are written in words ("3 March 2026"); names come from the parent when the
letter is made and are never stored. A field with no value becomes a clearly marked blank
("[fill in: your child's name]"), so no ``{field}`` ever reaches the parent."""

from __future__ import annotations

import io
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sendbot.case import datacheck
from sendbot.case.events import STEP_RULES, EventKind
from sendbot.case.timeline import CaseTimeline, Status, latest
from sendbot.deadlines import format_day
from sendbot.knowledge.checker import Checker, Schema
from sendbot.knowledge.problems import Problem
from sendbot.knowledge.yamlfile import LineDict, line_of, load_yaml

# Every field a template may use, with what the blank asks for when there is no value.
FIELDS: dict[str, str] = {
    "parent_name": "your name",
    "child_name": "your child's name",
    "council": "the council's name",
    "today": "today's date",
    "school": "the school or college you want named",
    "provision": "the provision in section F that is not being made",
    "request_date": "the date the council received your request",
    "decision_due": "the date the decision was due",
    "draft_date": "the date the draft plan was sent to you",
    "comments_due": "your last day to comment on the draft plan",
    "final_plan_due": "the date the final plan was due",
    "final_plan_date": "the date the final EHC plan was issued",
    "review_meeting_date": "the date of the annual review meeting",
    "review_decision_due": "the date the review decision was due",
    "next_review_due": "the date the annual review is due",
    "decision_date": "the date of the council's decision letter",
    "appeal_deadline": "the last day to appeal",
    "exclusion_date": "the date of the exclusion letter",
}
PERSONAL_FIELDS = ("parent_name", "child_name", "council", "school", "provision")
BLANK = "[fill in: {}]"
FIT_KEYS = ("missed", "upcoming", "events", "no_events")
LETTER_SCHEMA: Schema = dict.fromkeys(("id", "title", "summary", "fits", "subject", "text", "law", "reviewed"), True)
LAW_SCHEMA: Schema = {"cite": True, "url": True}
DEFAULT_LETTERS_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "letters"
LEGISLATION_HOSTS = frozenset({"legislation.gov.uk", "www.legislation.gov.uk"})
_FIELD_REF = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Law:
    cite: str
    url: str


@dataclass(frozen=True)
class Fits:
    """When a letter is offered: every condition given must hold (any item within one)."""

    missed: tuple[str, ...] = ()  # "timeline/step" dates missed
    upcoming: tuple[str, ...] = ()  # dates still ahead
    events: tuple[EventKind, ...] = ()  # recorded
    no_events: tuple[EventKind, ...] = ()  # none of these recorded

    def match(self, timeline: CaseTimeline) -> bool:
        kinds = {event.kind for event in timeline.case.events}
        statuses = {d.id: d.status for d in timeline.dates}
        return (
            (not self.missed or any(statuses.get(key) is Status.MISSED for key in self.missed))
            and (not self.upcoming or any(statuses.get(key) is Status.UPCOMING for key in self.upcoming))
            and (not self.events or any(kind in kinds for kind in self.events))
            and not any(kind in kinds for kind in self.no_events)
        )


@dataclass(frozen=True)
class LetterTemplate:
    id: str
    title: str
    summary: str
    fits: Fits
    subject: str
    text: str
    law: tuple[Law, ...]
    reviewed: date
    file: Path = Path()


@dataclass(frozen=True)
class Letter:
    """A letter made for a case: the text to copy, ready for a .docx."""

    template: LetterTemplate
    date_line: str
    subject: str
    paragraphs: tuple[str, ...]
    blanks: tuple[str, ...]  # fields left for the parent to fill in

    @property
    def text(self) -> str:
        return "\n\n".join((self.date_line, self.subject, *self.paragraphs))


# --- loading -------------------------------------------------------------------------------


def _fields_in(text: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def _line_in(data: LineDict, key: str, raw: str, needle: str) -> int:
    """The file line of ``needle`` inside a multi-line (block) value, else the key's line."""
    position = raw.find(needle)
    if "\n" not in raw.strip() or position < 0:
        return data.line_of(key)
    return data.line_of(key) + 1 + raw[:position].count("\n")


def _check_template_text(check: Checker, data: LineDict, key: str, text: str) -> None:
    try:
        names = _fields_in(text)
    except ValueError as exc:
        check.error(data.line_of(key), f"'{key}' has a broken {{field}}: {exc}", "write fields as {child_name}")
        return
    raw = str(data.get(key, ""))
    for name in names:
        if name not in FIELDS:
            check.error(
                _line_in(data, key, raw, "{" + name),
                f"'{key}' uses unknown field {{{name}}}",
                f"use one of: {', '.join(sorted(FIELDS))}",
            )


def _load_fits(check: Checker, data: LineDict) -> Fits:
    fits = data.get("fits")
    if not check.fields(fits, dict.fromkeys(FIT_KEYS, False), "fits", data.line_of("fits")):
        return Fits()
    if not isinstance(fits, LineDict):
        return Fits()
    if not any(key in fits for key in FIT_KEYS):
        check.error(fits.line, "fits has no condition", f"add one of: {', '.join(FIT_KEYS)}")
    dates: dict[str, tuple[str, ...]] = {}
    for key in ("missed", "upcoming"):
        dates[key] = datacheck.strings(check, fits, key, "fits")
        for item in dates[key]:
            if item not in STEP_RULES:
                check.error(
                    fits.line_of(key),
                    f"fits.{key}: '{item}' is not a date a case follows",
                    f"use one of: {', '.join(sorted(STEP_RULES))}",
                )
    kinds: dict[str, tuple[EventKind, ...]] = {}
    for key in ("events", "no_events"):
        found = []
        for item in datacheck.strings(check, fits, key, "fits"):
            kind = datacheck.event_kind(check, item, fits.line_of(key), f"fits.{key}")
            if kind is not None:
                found.append(kind)
        kinds[key] = tuple(found)
    return Fits(dates["missed"], dates["upcoming"], kinds["events"], kinds["no_events"])


def _load_law(check: Checker, data: LineDict) -> tuple[Law, ...]:
    laws = []
    for item, line in datacheck.items(check, data, "law", "the letter"):
        if not check.fields(item, LAW_SCHEMA, "a law citation", line) or not isinstance(item, LineDict):
            continue
        cite, url = check.text(item, "cite", "law"), check.text(item, "url", "law")
        host = (urlparse(url).hostname or "").rstrip(".")
        if url and host not in LEGISLATION_HOSTS:
            check.error(item.line_of("url"), f"law url '{url}' is not on legislation.gov.uk", "cite the primary text")
        laws.append(Law(cite, url))
    return tuple(laws)


def load_letter(path: Path) -> tuple[LetterTemplate | None, list[Problem]]:
    data, problems = load_yaml(path)
    if data is None:
        return None, problems
    check = Checker(path)
    if not check.fields(data, LETTER_SCHEMA, "the letter", line_of(data)):
        return None, check.problems
    letter_id = datacheck.ident(check, data, "id", "the letter")
    if letter_id and letter_id != path.stem:
        check.error(data.line_of("id"), f"id '{letter_id}' does not match the file name", f"use id: {path.stem}")
    title, summary = check.text(data, "title", "the letter"), check.text(data, "summary", "the letter")
    subject, text = check.text(data, "subject", "the letter"), check.text(data, "text", "the letter")
    for key, value in (("subject", subject), ("text", text)):
        _check_template_text(check, data, key, value)
    fits = _load_fits(check, data)
    law = _load_law(check, data)
    reviewed = datacheck.day(check, data, "reviewed", "the letter")
    if check.problems or reviewed is None:
        return None, check.problems
    return LetterTemplate(letter_id, title, summary, fits, subject, text, law, reviewed, path), []


def load_letters(directory: Path = DEFAULT_LETTERS_DIR) -> tuple[dict[str, LetterTemplate], list[Problem]]:
    """Every ``*.yaml`` letter in ``directory``; a broken file is left out, with its problems."""
    letters: dict[str, LetterTemplate] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        letter, found = load_letter(path)
        problems.extend(found)
        if letter is not None:
            letters[letter.id] = letter
    if not letters and not problems:
        problems.append(Problem(directory, 1, "no letter files found", "add knowledge/letters/<id>.yaml files"))
    return letters, problems


# --- making a letter -----------------------------------------------------------------------


def fitting(letters: Mapping[str, LetterTemplate], timeline: CaseTimeline) -> list[str]:
    """Ids of the letters that fit the case now, in file order."""
    return [letter_id for letter_id, letter in letters.items() if letter.fits.match(timeline)]


def case_values(timeline: CaseTimeline) -> dict[str, str]:
    """Field values the case itself gives: dates in words."""
    values: dict[str, str] = {"today": format_day(timeline.today)}
    events = timeline.case.events
    by_event = {
        "request_date": (EventKind.ASSESSMENT_REQUESTED,),
        "draft_date": (EventKind.DRAFT_PLAN_RECEIVED,),
        "final_plan_date": (EventKind.FINAL_PLAN_RECEIVED,),
        "review_meeting_date": (EventKind.ANNUAL_REVIEW_MEETING,),
        "exclusion_date": (EventKind.EXCLUSION,),
        "decision_date": (
            EventKind.ASSESSMENT_REFUSED,
            EventKind.NO_PLAN_DECISION,
            EventKind.FINAL_PLAN_RECEIVED,
            EventKind.DECISION_LETTER,
            EventKind.REVIEW_DECISION_RECEIVED,
        ),
    }
    for name, kinds in by_event.items():
        event = latest(events, kinds)
        if event is not None:
            values[name] = format_day(event.date)
    by_step = {
        "decision_due": "ehc-assessment/decision-to-assess",
        "comments_due": "ehc-assessment/draft-comments",
        "final_plan_due": "ehc-assessment/final-plan",
        "review_decision_due": "annual-review/review-decision",
        "next_review_due": "annual-review/next-review",
        "appeal_deadline": "tribunal-appeal/appeal-deadline",
    }
    for name, key in by_step.items():
        found = timeline.find(key)
        if found is not None:
            values[name] = format_day(found.date)
    return values


class _Filler(dict[str, str]):
    """Missing fields become marked blanks, and are remembered."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)
        self.blanks: list[str] = []

    def __missing__(self, key: str) -> str:
        if key not in self.blanks:
            self.blanks.append(key)
        return BLANK.format(FIELDS.get(key, key.replace("_", " ")))


def render(template: LetterTemplate, timeline: CaseTimeline, personal: Mapping[str, str | None]) -> Letter:
    """The letter for this case. ``personal`` gives parent_name, child_name, council,
    school, provision when the parent typed them; they are used here and not kept."""
    values = case_values(timeline)
    for name in PERSONAL_FIELDS:
        given = personal.get(name)
        if given and given.strip():
            values[name] = " ".join(given.split())
    filler = _Filler(values)
    subject = template.subject.format_map(filler)
    body = template.text.format_map(filler)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if p.strip()]
    law = "The law I rely on: " + "; ".join(f"{item.cite} ({item.url})" for item in template.law) + "."
    closing = "Yours faithfully,\n{parent_name}".format_map(filler)
    return Letter(
        template,
        format_day(timeline.today),
        f"Re: {subject}",
        (*paragraphs, law, closing),
        tuple(filler.blanks),
    )


def unfilled(text: str) -> list[str]:
    """Any ``{field}`` left in a text (there must be none)."""
    return _FIELD_REF.findall(text)


def to_docx(letter: Letter) -> bytes:
    """The letter as a Word document the parent can edit."""
    from docx import Document  # python-docx; imported here so the chat starts without it

    document: Any = Document()
    document.add_paragraph(letter.date_line)
    heading = document.add_paragraph()
    heading.add_run(letter.subject).bold = True
    for paragraph in letter.paragraphs:
        lines = paragraph.split("\n")
        para = document.add_paragraph(lines[0])
        for extra in lines[1:]:
            para.add_run().add_break()
            para.add_run(extra)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
