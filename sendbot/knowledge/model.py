"""The knowledge base as plain data: entries, areas, contacts, out-of-scope topics, urgent
words, and the one `Source` type every cited fact uses (entries and timelines alike).
Loaded and checked by `sendbot.knowledge.loader`; nothing here reads a file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, get_args

from sendbot.knowledge.problems import Problem

DEFAULT_LANG = "en"
NATIONAL = "national"
ENGLAND = "england"  # built-in area: "elsewhere in England", no local contacts of its own
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 40  # keeps every callback datum under Telegram's 64-byte limit
# The kinds of small talk: each has its phrasings in smalltalk.yaml and its reply in
# `sendbot.conversation.presenter`; defined here once, checked by the loader.
SmallTalk = Literal["greeting", "thanks", "help", "goodbye"]
SMALLTALK_INTENTS: tuple[SmallTalk, ...] = get_args(SmallTalk)
Status = Literal["P", "CoP", "S"]  # primary law, Code of Practice, secondary source
LANG_PATTERN = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")


class LocalText(dict[str, str]):
    """A text with translations; falls back to English so a missing translation never hides an answer."""

    def get_text(self, lang: str) -> str:
        return self.get(lang) or self.get(lang.split("_")[0]) or self[DEFAULT_LANG]


@dataclass(frozen=True)
class LangNotes:
    """A language's two fixed notes (knowledge/translations/<lang>/notes.yaml): one line saying
    an answer is not translated yet (shown above the English), and the note beside a letter,
    which stays in English because it goes to the council."""

    not_translated: str
    letter_note: str
    domain: tuple[str, ...] = ()  # words that show a message in this language is about SEND at all
    smalltalk: Mapping[SmallTalk, tuple[str, ...]] = field(default_factory=dict)  # "dziękuję", "شکریہ"


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a citation and/or the page it was read on. A timeline's rules
    also say how sure the research is (``status``: P, CoP or S; never unverified)."""

    cite: str | None
    url: str | None
    status: Status | None = None

    def __str__(self) -> str:
        if self.cite and self.url:
            return f"{self.cite} ({self.url})"
        return self.cite or self.url or ""


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    title: LocalText
    area: str
    reviewed: date
    questions: Mapping[str, tuple[str, ...]]
    answer: LocalText
    more: LocalText | None
    sources: tuple[Source, ...]
    related: tuple[str, ...]
    file: Path
    line: int
    short_title: LocalText | None = None  # for buttons (at most 40 characters); else the title

    def button_title(self, lang: str) -> str:
        """The title for a button: the short title when the entry has one in this language (a
        title translated into it wins over an English short title)."""
        code = lang.split("_")[0]
        translated = lang in self.title or code in self.title
        if self.short_title and (lang in self.short_title or code in self.short_title or not translated):
            return self.short_title.get_text(lang)
        return self.title.get_text(lang)

    def phrasings(self, lang: str) -> tuple[str, ...]:
        return self.questions.get(lang, ()) or self.questions[DEFAULT_LANG]


@dataclass(frozen=True)
class Area:
    id: str
    name: LocalText
    council: LocalText
    note: LocalText | None
    places: tuple[str, ...] = ()  # normalised place names that show a message is about this area


@dataclass(frozen=True)
class Contact:
    id: str
    area: str
    name: LocalText
    what: LocalText
    phone: str | None
    email: str | None
    website: str | None
    hours: LocalText | None
    source: str
    checked: date
    helpline: bool


@dataclass(frozen=True)
class OutOfScope:
    """A kind of question we must not answer (medical, benefit rates, other countries):
    matched like an entry, so such questions get an honest "not me" instead of a wrong answer."""

    id: str
    reply: LocalText
    questions: tuple[str, ...]
    translated: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # language -> its phrasings
    places: tuple[str, ...] = ()  # normalised place names that show a message is of this kind
    ages_over: int | None = None  # a message giving only ages over this is of this kind ...
    adult_over: int | None = None  # ... or ages over this, where it says the adult has left education or ...
    adult_signs: tuple[str, ...] = ()  # ... one of these normalised phrases of adult life ("supported living") ...
    unless: tuple[str, ...] = ()  # ... unless it says one of these normalised words

    def phrasings(self, lang: str) -> tuple[str, ...]:
        """The English phrasings, and the language's own."""
        return self.questions + tuple(self.translated.get(lang, ()))


@dataclass(frozen=True)
class Urgent:
    """Words that mean a child or parent may be in danger, and the entry to show at once
    (per area, with a national one)."""

    id: str
    entries: dict[str, str]  # area (or "national") -> entry id
    words: tuple[str, ...]  # normalised


@dataclass(frozen=True)
class KnowledgeBase:
    entries: dict[str, Entry]
    areas: dict[str, Area]
    contacts: tuple[Contact, ...]
    synonyms: dict[str, str]  # normalised variant -> canonical form
    spellings: dict[str, str]  # normalised word -> British form
    smalltalk: dict[SmallTalk, tuple[str, ...]]  # intent -> phrasings
    out_of_scope: dict[str, OutOfScope]
    domain: tuple[str, ...]  # words that show a message is about SEND at all
    urgent: tuple[Urgent, ...]
    menu: tuple[str, ...]  # the topic menu's entry ids (knowledge/menu.yaml), for short or vague messages
    root: Path
    warnings: tuple[Problem, ...] = field(default=())
    notes: Mapping[str, LangNotes] = field(default_factory=dict)  # language -> its fixed notes

    @property
    def not_translated_notes(self) -> dict[str, str]:
        """Each language's line saying a text is not translated yet, by language."""
        return {lang: note.not_translated for lang, note in self.notes.items()}

    def letter_note(self, lang: str | None) -> str | None:
        """The note beside an English letter, in the parent's language (None in English)."""
        found = self.notes.get(lang or DEFAULT_LANG)
        return found.letter_note if found else None

    def contacts_for(self, area: str | None, *, helplines_only: bool = False) -> list[Contact]:
        """Local contacts first (for the chosen area), then national ones."""
        chosen = [c for c in self.contacts if area and c.area == area]
        national = [c for c in self.contacts if c.area == NATIONAL]
        picked = chosen + national
        return [c for c in picked if c.helpline] if helplines_only else picked
