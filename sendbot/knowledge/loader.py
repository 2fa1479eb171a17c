"""The knowledge base: entries, areas, contacts, synonyms and small talk, loaded from YAML.

Loading and checking are one pass: every rule a file must follow is checked here, and every
problem is reported with its file and line, so that an editor who is not a programmer can
fix the data alone. The bot refuses to start on errors; warnings are shown but allowed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sendbot.answering.normalise import normalise
from sendbot.knowledge.checker import Checker, Schema
from sendbot.knowledge.model import (
    DEFAULT_LANG,
    ENGLAND,
    NATIONAL,
    SMALLTALK_INTENTS,
    Area,
    Contact,
    Entry,
    KnowledgeBase,
    LocalText,
    OutOfScope,
    SmallTalk,
    Source,
    Urgent,
)
from sendbot.knowledge.problems import DataError, Problem
from sendbot.knowledge.translations import merge_translations
from sendbot.knowledge.yamlfile import LineDict, LineList, line_of, load_yaml

MIN_QUESTIONS = 6
LONG_ANSWER_WORDS = 130  # a first reply fits a phone screen at about 120 words; detail goes in "more"


# --- generic field checking -------------------------------------------------------------


def _load_top(path: Path, top_key: str, kind: type[LineList] | type[LineDict], problems: list[Problem]) -> Any:
    """The value under a file's one top-level key, when the file parses and it has the right
    kind (a list of items, or a mapping of named items); None, with the problem, otherwise."""
    data, syntax = load_yaml(path)
    problems.extend(syntax)
    if syntax:
        return None
    if not isinstance(data, LineDict) or top_key not in data:
        problems.append(
            Problem(
                path,
                line_of(data),
                f"the file must be a mapping with a '{top_key}' key",
                f"start the file with '{top_key}:' and put the items under it",
            )
        )
        return None
    value = data[top_key]
    if not isinstance(value, kind):
        what, fix = (
            ("a list", "put each item on a line starting with '- '")
            if kind is LineList
            else ("a mapping", "write each item as 'name:' with its keys indented below")
        )
        problems.append(Problem(path, data.line_of(top_key), f"'{top_key}' must be {what}", fix))
        return None
    return value


# --- entries -----------------------------------------------------------------------------

ENTRY_KEYS: Schema = {
    "id": True,
    "topic": True,
    "title": True,
    "area": True,
    "reviewed": True,
    "questions": True,
    "answer": True,
    "sources": True,
    "more": False,
    "related": False,
    "short_title": False,
}
SHORT_TITLE_CHARS = 40  # a button label a phone shows whole, without cutting


def _short_title(raw: LineDict, what: str, chk: Checker) -> LocalText | None:
    """The optional title for buttons: every language's text at most SHORT_TITLE_CHARS long."""
    if raw.get("short_title") is None:
        return None
    short = chk.local_text(raw["short_title"], raw.line_of("short_title"), f"{what}: short_title")
    for lang, text in (short or {}).items():
        if len(text) > SHORT_TITLE_CHARS:
            chk.error(
                raw.line_of("short_title"),
                f"{what}: short_title ({lang}) has {len(text)} characters",
                f"keep it to {SHORT_TITLE_CHARS} so a phone shows the button whole",
            )
            return None
    return short


HARD_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")  # one newline alone: a break inside a paragraph
STALE_AFTER = timedelta(days=365)  # an entry's facts are re-checked at least once a year


def stale_entries(kb: KnowledgeBase, today: date) -> list[Problem]:
    """Warnings for entries whose facts were last checked more than a year ago."""
    return [
        Problem(
            entry.file,
            entry.line,
            f"entry '{entry.id}' was last reviewed on {entry.reviewed.isoformat()}, over 12 months ago",
            "check its facts against the sources again and update 'reviewed'",
            warning=True,
        )
        for entry in kb.entries.values()
        if today - entry.reviewed > STALE_AFTER
    ]


def _parse_entry(raw: Any, line: int, chk: Checker) -> Entry | None:
    if not isinstance(raw, LineDict):
        chk.error(line, "an entry must be a mapping of keys", "start the entry with '- id: ...'")
        return None
    if not chk.keys(raw, ENTRY_KEYS, f"entry '{raw.get('id', '?')}'"):
        return None
    what = f"entry '{raw['id']}'"
    entry_id = chk.ident(raw["id"], raw.line_of("id"), "id")
    topic = chk.ident(raw["topic"], raw.line_of("topic"), f"{what}: topic")
    title = chk.local_text(raw["title"], raw.line_of("title"), f"{what}: title")
    short_title = _short_title(raw, what, chk)
    answer = chk.local_text(raw["answer"], raw.line_of("answer"), f"{what}: answer")
    more = chk.local_text(raw["more"], raw.line_of("more"), f"{what}: more") if raw.get("more") else None
    reviewed = chk.date_value(raw["reviewed"], raw.line_of("reviewed"), f"{what}: reviewed")
    area = raw["area"] if isinstance(raw["area"], str) else None
    if area is None:
        chk.error(raw.line_of("area"), f"{what}: area must be text", "write national, or an area id such as derby")
    questions = _parse_questions(raw["questions"], raw.line_of("questions"), what, chk)
    sources = _parse_sources(raw["sources"], raw.line_of("sources"), what, chk)
    related: list[str] = []
    if raw.get("related") is not None:
        related = chk.string_list(raw["related"], raw.line_of("related"), f"{what}: related") or []
    for key, text in (("answer", answer), ("more", more)):
        for lang, value in (text or {}).items():
            if HARD_LINE_BREAK.search(value):
                chk.error(
                    raw.line_of(key),
                    f"{what}: {key} ({lang}) has a line break inside a paragraph, which a phone shows as a ragged line",
                    f"write it as folded text ('{key}: >-') with a blank line between paragraphs",
                )
    if answer is not None:
        words = len(answer[DEFAULT_LANG].split())
        if words > LONG_ANSWER_WORDS:
            chk.warn(
                raw.line_of("answer"),
                f"{what}: answer has {words} words",
                f"keep it under {LONG_ANSWER_WORDS} (about 120) and move detail into 'more'",
            )
    if (
        entry_id is None
        or topic is None
        or title is None
        or answer is None
        or reviewed is None
        or area is None
        or questions is None
        or sources is None
    ):
        return None
    return Entry(
        id=entry_id,
        topic=topic,
        title=title,
        area=area,
        reviewed=reviewed,
        questions=questions,
        answer=answer,
        more=more,
        sources=sources,
        related=tuple(related),
        short_title=short_title,
        file=chk.file,
        line=raw.line,
    )


def _parse_questions(value: Any, line: int, what: str, chk: Checker) -> dict[str, tuple[str, ...]] | None:
    by_lang: dict[str, tuple[str, ...]] = {}
    if isinstance(value, LineDict):
        for lang, items in value.items():
            parsed = chk.string_list(items, value.line_of(lang), f"{what}: questions ({lang})")
            if parsed:
                by_lang[lang] = tuple(parsed)
    else:
        parsed = chk.string_list(value, line, f"{what}: questions")
        if parsed:
            by_lang[DEFAULT_LANG] = tuple(parsed)
    english = by_lang.get(DEFAULT_LANG)
    if not english:
        if by_lang or isinstance(value, LineDict):
            chk.error(line, f"{what}: questions have no English list", "add 'en:' with a list of phrasings")
        return None
    if len(english) < MIN_QUESTIONS:
        chk.error(
            line,
            f"{what}: only {len(english)} question phrasing(s)",
            f"add at least {MIN_QUESTIONS}, written the way parents ask",
        )
    return by_lang


def _parse_sources(value: Any, line: int, what: str, chk: Checker) -> tuple[Source, ...] | None:
    if not isinstance(value, LineList) or not value:
        chk.error(line, f"{what} has no source", "add 'sources:' with at least one '- cite: ...' and/or 'url: ...'")
        return None
    sources: list[Source] = []
    for i, item in enumerate(value):
        item_line = value.line_of(i)
        if not isinstance(item, LineDict):
            chk.error(item_line, f"{what}: source {i + 1} must be a mapping", "write '- cite: ...' and/or 'url: ...'")
            continue
        chk.keys(item, {"cite": False, "url": False}, f"{what}: source {i + 1}")
        cite, url = item.get("cite"), item.get("url")
        if not cite and not url:
            chk.error(
                item_line, f"{what}: source {i + 1} is empty", "give a 'cite' (Act, regulation, paragraph) or a 'url'"
            )
            continue
        if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
            chk.error(item.line_of("url"), f"{what}: source url '{url}' is not a web address", "start it with https://")
            continue
        if cite is not None and not isinstance(cite, str):
            chk.error(item.line_of("cite"), f"{what}: cite must be text", "quote it")
            continue
        sources.append(Source(cite=cite, url=url))
    return tuple(sources) if len(sources) == len(value) else None


# --- contacts, synonyms, small talk ------------------------------------------------------

SYNONYM_FILE_KEYS: Schema = {"synonyms": True, "spellings": False, "domain": False}
# `adult_over`'s first name, in the knowledge base that stop40's questions were first asked of
# (a1615a6): read as `adult_over`, so that `benchmarks/calibrate.py` can load that commit's files.
LEFT_EDUCATION_OVER = "left_education_over"
OUT_OF_SCOPE_KEYS: Schema = {
    **dict.fromkeys(("reply", "questions"), True),
    **dict.fromkeys(("places", "ages_over", "adult_over", "adult_signs", "unless", LEFT_EDUCATION_OVER), False),
}
AREA_KEYS: Schema = {"id": True, "name": True, "council": True, "note": False, "places": False}
CONTACT_KEYS: Schema = {
    **dict.fromkeys(("id", "area", "name", "what", "source", "checked"), True),
    **dict.fromkeys(("phone", "email", "website", "hours", "helpline"), False),
}


def _optional_str(raw: LineDict, key: str, what: str, chk: Checker) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        chk.error(raw.line_of(key), f"{what}: {key} must be text", "write it in quotes, or remove the key")
        return None
    return value.strip()


def _load_contacts(path: Path, problems: list[Problem]) -> tuple[dict[str, Area], list[Contact]]:
    chk = Checker(path)
    areas: dict[str, Area] = {}
    contacts: list[Contact] = []
    data, syntax = load_yaml(path)
    if syntax:
        problems.extend(syntax)
        return areas, contacts
    if not isinstance(data, LineDict) or not chk.keys(data, {"areas": True, "contacts": True}, "contacts file"):
        if not isinstance(data, LineDict):
            chk.error(1, "the file must be a mapping", "start it with 'areas:' and 'contacts:'")
        problems.extend(chk.problems)
        return areas, contacts
    for key in ("areas", "contacts"):
        if data[key] is not None and not isinstance(data[key], LineList):
            chk.error(data.line_of(key), f"'{key}' must be a list", "put each item on a line starting with '- '")
            data[key] = None
    for i, raw in enumerate(data["areas"] or []):
        line = data["areas"].line_of(i)
        if not isinstance(raw, LineDict):
            chk.error(line, "an area must be a mapping of keys", "start it with '- id: ...'")
            continue
        if not chk.keys(raw, AREA_KEYS, f"area '{raw.get('id', '?')}'"):
            continue
        area_id = chk.ident(raw["id"], raw.line_of("id"), "area id")
        name = chk.local_text(raw["name"], raw.line_of("name"), "area name")
        council = chk.local_text(raw["council"], raw.line_of("council"), "area council")
        note = chk.local_text(raw["note"], raw.line_of("note"), "area note") if raw.get("note") else None
        if area_id in (NATIONAL, ENGLAND):
            chk.error(line, f"area id '{area_id}' is built in", "choose another id")
        elif area_id in areas:
            chk.error(line, f"area id '{area_id}' is used twice", "give each area its own id")
        elif area_id and name and council:
            areas[area_id] = Area(area_id, name, council, note, _phrases(chk, raw, f"area '{area_id}'"))
    seen: set[str] = set()
    for i, raw in enumerate(data["contacts"] or []):
        line = data["contacts"].line_of(i)
        if not isinstance(raw, LineDict):
            chk.error(line, "a contact must be a mapping of keys", "start it with '- id: ...'")
            continue
        what = f"contact '{raw.get('id', '?')}'"
        if not chk.keys(raw, CONTACT_KEYS, what):
            continue
        contact_id = chk.ident(raw["id"], raw.line_of("id"), "contact id")
        if contact_id in seen:
            chk.error(line, f"contact id '{contact_id}' is used twice", "give each contact its own id")
            continue
        area = raw["area"]
        if area != NATIONAL and area not in areas:
            chk.error(
                raw.line_of("area"),
                f"{what}: unknown area '{area}'",
                f"use national or one of: {', '.join(sorted(areas)) or '(none defined)'}",
            )
            continue
        name = chk.local_text(raw["name"], raw.line_of("name"), f"{what}: name")
        what_text = chk.local_text(raw["what"], raw.line_of("what"), f"{what}: what")
        hours = chk.local_text(raw["hours"], raw.line_of("hours"), f"{what}: hours") if raw.get("hours") else None
        checked = chk.date_value(raw["checked"], raw.line_of("checked"), f"{what}: checked")
        source = _optional_str(raw, "source", what, chk)
        if source and not source.startswith(("http://", "https://")):
            chk.error(
                raw.line_of("source"),
                f"{what}: source must be the web page the details were read on",
                "give its https:// address",
            )
            source = None
        helpline = raw.get("helpline", False)
        if not isinstance(helpline, bool):
            chk.error(raw.line_of("helpline"), f"{what}: helpline must be true or false", "write true or false")
            helpline = False
        if contact_id and name and what_text and checked and source:
            seen.add(contact_id)
            contacts.append(
                Contact(
                    id=contact_id,
                    area=area,
                    name=name,
                    what=what_text,
                    phone=_optional_str(raw, "phone", what, chk),
                    email=_optional_str(raw, "email", what, chk),
                    website=_optional_str(raw, "website", what, chk),
                    hours=hours,
                    source=source,
                    checked=checked,
                    helpline=helpline,
                )
            )
    problems.extend(chk.problems)
    return areas, contacts


@dataclass(frozen=True)
class WordMap:
    synonyms: dict[str, str]  # normalised variant -> canonical form
    spellings: dict[str, str]  # normalised word -> British form
    domain: tuple[str, ...]  # words that show a message is about SEND at all


def _load_word_map(path: Path, normalise: Callable[[str], str], problems: list[Problem]) -> WordMap:
    """Synonyms, spellings and domain words, all normalised."""
    chk = Checker(path)
    synonyms: dict[str, str] = {}
    spellings: dict[str, str] = {}
    data, syntax = load_yaml(path)
    if syntax:
        problems.extend(syntax)
        return WordMap(synonyms, spellings, ())
    if not isinstance(data, LineDict) or not chk.keys(
        data, {"synonyms": True, "spellings": False, "domain": False}, "synonyms file"
    ):
        if not isinstance(data, LineDict):
            chk.error(1, "the file must be a mapping", "start it with 'synonyms:'")
        problems.extend(chk.problems)
        return WordMap(synonyms, spellings, ())
    groups = data["synonyms"]
    if not isinstance(groups, LineDict):
        chk.error(data.line_of("synonyms"), "'synonyms' must be a mapping", "write 'canonical: [variant, ...]'")
    else:
        for canonical, variants in groups.items():
            line = groups.line_of(canonical)
            items = chk.string_list(variants, line, f"synonyms '{canonical}'") or []
            target = normalise(str(canonical))
            for variant in items:
                key = normalise(variant)
                if key in synonyms and synonyms[key] != target:
                    chk.error(
                        line,
                        f"'{variant}' is a synonym of both '{synonyms[key]}' and '{target}'",
                        "keep it in one group only",
                    )
                elif key and key != target:
                    synonyms[key] = target
    raw_spellings = data.get("spellings") or LineDict()
    if not isinstance(raw_spellings, LineDict):
        chk.error(data.line_of("spellings"), "'spellings' must be a mapping", "write 'behavior: behaviour'")
    else:
        for wrong, right in raw_spellings.items():
            if not isinstance(right, str):
                chk.error(raw_spellings.line_of(wrong), f"spelling '{wrong}' must map to text", "write 'wrong: right'")
            else:
                spellings[normalise(str(wrong))] = normalise(right)
    domain: list[str] = []
    if data.get("domain") is not None:
        domain = chk.string_list(data["domain"], data.line_of("domain"), "domain") or []
    problems.extend(chk.problems)
    return WordMap(synonyms, spellings, tuple(domain))


def _load_smalltalk(path: Path, problems: list[Problem]) -> dict[SmallTalk, tuple[str, ...]]:
    chk = Checker(path)
    data, syntax = load_yaml(path)
    problems.extend(syntax)
    result: dict[SmallTalk, tuple[str, ...]] = {}
    if syntax:
        return result
    intents = set(SMALLTALK_INTENTS)
    if not isinstance(data, LineDict):
        chk.error(1, "the file must be a mapping", f"use keys: {', '.join(sorted(intents))}")
    elif chk.keys(data, dict.fromkeys(intents, True), "small talk"):
        for intent in sorted(intents):
            result[intent] = tuple(chk.string_list(data[intent], data.line_of(intent), intent) or ())
    problems.extend(chk.problems)
    return result


def _phrases(chk: Checker, raw: LineDict, what: str, key: str = "places") -> tuple[str, ...]:
    """An optional list of phrases (the `places` of an area or an out-of-scope kind, a kind's
    `adult_signs` and `unless` words), normalised for whole-word search."""
    if raw.get(key) is None:
        return ()
    return tuple(normalise(p) for p in chk.string_list(raw[key], raw.line_of(key), f"{what}: {key}") or [])


def _load_out_of_scope(path: Path, problems: list[Problem]) -> dict[str, OutOfScope]:
    chk = Checker(path)
    result: dict[str, OutOfScope] = {}
    topics = _load_top(path, "topics", LineDict, problems)
    for topic_id, raw in (topics or {}).items():
        line = topics.line_of(topic_id)
        if chk.ident(topic_id, line, "topic id") is None:
            continue
        if not isinstance(raw, LineDict):
            chk.error(line, f"topic '{topic_id}' must be a mapping", "give it 'reply:' and 'questions:'")
            continue
        what = f"topic '{topic_id}'"
        if not chk.keys(raw, OUT_OF_SCOPE_KEYS, what):
            continue
        reply = chk.local_text(raw["reply"], raw.line_of("reply"), f"{what}: reply")
        questions = chk.string_list(raw["questions"], raw.line_of("questions"), f"{what}: questions")
        places, unless = _phrases(chk, raw, what), _phrases(chk, raw, what, "unless")
        ages_over, adult_over = chk.number(raw, "ages_over", what, None), chk.number(raw, "adult_over", what, None)
        if adult_over is None:
            adult_over = chk.number(raw, LEFT_EDUCATION_OVER, what, None)
        if reply and questions:
            found = OutOfScope(
                topic_id,
                reply,
                tuple(questions),
                places=places,
                ages_over=ages_over,
                adult_over=adult_over,
                adult_signs=_phrases(chk, raw, what, "adult_signs"),
                unless=unless,
            )
            result[topic_id] = found
    problems.extend(chk.problems)
    return result


def _load_menu(path: Path, entries: Mapping[str, Entry], problems: list[Problem]) -> tuple[str, ...]:
    """The topic menu: entry ids, each of which must exist."""
    chk = Checker(path)
    items = _load_top(path, "menu", LineList, problems) or LineList()
    menu: list[str] = []
    for i, entry_id in enumerate(items):
        if not isinstance(entry_id, str) or entry_id not in entries:
            chk.error(items.line_of(i), f"menu: '{entry_id}' is not an entry id", "use the id of an existing entry")
        elif entry_id in menu:
            chk.error(items.line_of(i), f"menu: '{entry_id}' is listed twice", "keep only one")
        else:
            menu.append(entry_id)
    problems.extend(chk.problems)
    return tuple(menu)


def _load_urgent(path: Path, problems: list[Problem]) -> list[Urgent]:
    chk = Checker(path)
    result: list[Urgent] = []
    items = _load_top(path, "urgent", LineList, problems) or LineList()
    for i, raw in enumerate(items):
        line = items.line_of(i)
        if not isinstance(raw, LineDict):
            chk.error(line, "an urgent item must be a mapping", "give it id, entries and words")
            continue
        if not chk.keys(raw, dict.fromkeys(("id", "entries", "words"), True), f"urgent '{raw.get('id', '?')}'"):
            continue
        entries = raw["entries"]
        if not isinstance(entries, LineDict) or NATIONAL not in entries:
            chk.error(
                raw.line_of("entries"),
                "urgent entries must map areas to entry ids, with 'national'",
                "write 'entries: {national: some-entry-id}'",
            )
            continue
        words = chk.string_list(raw["words"], raw.line_of("words"), "urgent words") or []
        result.append(
            Urgent(str(raw["id"]), {str(k): str(v) for k, v in entries.items()}, tuple(normalise(w) for w in words))
        )
    problems.extend(chk.problems)
    return result


# --- the whole knowledge base -------------------------------------------------------------


# A check over every entry with the synonyms and spellings, e.g. the slower all-pairs phrasing
# comparison of `sendbot.answering.collisions` (warnings), which `sendbot check` passes in and
# start-up skips. Passed in so that the knowledge base does not import the answering layer.
EntryCheck = Callable[[Iterable["Entry"], Mapping[str, str], Mapping[str, str]], list[Problem]]


def check_knowledge(root: Path, *, collisions: EntryCheck | None = None) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Load and check everything under ``root``; the base is None when there are errors."""

    problems: list[Problem] = []
    entries: dict[str, Entry] = {}
    entry_files = sorted((root / "entries").glob("*.yaml"))
    if not entry_files:
        problems.append(Problem(root / "entries", 1, "no entry files found", "add knowledge/entries/*.yaml"))
    for path in entry_files:
        items = _load_top(path, "entries", LineList, problems)
        chk = Checker(path)
        for i, raw in enumerate(items or []):
            entry = _parse_entry(raw, items.line_of(i), chk)
            if entry is None:
                continue
            if entry.id in entries:
                other = entries[entry.id]
                chk.error(
                    entry.line,
                    f"duplicate id '{entry.id}' (also at {other.file}:{other.line})",
                    "give each entry its own id",
                )
                continue
            entries[entry.id] = entry
        problems.extend(chk.problems)

    areas, contacts = (
        _load_contacts(root / "contacts.yaml", problems) if (root / "contacts.yaml").exists() else ({}, [])
    )
    words = WordMap({}, {}, ())
    if (root / "synonyms.yaml").exists():
        words = _load_word_map(root / "synonyms.yaml", normalise, problems)
    synonyms, spellings = words.synonyms, words.spellings
    smalltalk = _load_smalltalk(root / "smalltalk.yaml", problems) if (root / "smalltalk.yaml").exists() else {}
    urgent_path = root / "urgent.yaml"
    urgent = _load_urgent(urgent_path, problems) if urgent_path.exists() else []
    for item in urgent:
        for area, entry_id in item.entries.items():
            if entry_id not in entries:
                problems.append(
                    Problem(
                        urgent_path,
                        1,
                        f"urgent '{item.id}': entry '{entry_id}' ({area}) does not exist",
                        "use the id of an existing entry",
                    )
                )
    oos_path = root / "out-of-scope.yaml"
    out_of_scope = _load_out_of_scope(oos_path, problems) if oos_path.exists() else {}
    menu = _load_menu(root / "menu.yaml", entries, problems) if (root / "menu.yaml").exists() else ()

    for entry in entries.values():
        chk = Checker(entry.file)
        if entry.area not in (NATIONAL, *areas):
            chk.error(
                entry.line,
                f"entry '{entry.id}': unknown area '{entry.area}'",
                f"use national or one of: {', '.join(sorted(areas)) or '(none defined)'}",
            )
        for rel in entry.related:
            if rel not in entries:
                chk.error(
                    entry.line,
                    f"entry '{entry.id}': related id '{rel}' points nowhere",
                    "use the id of an existing entry, or remove it",
                )
            elif rel == entry.id:
                chk.error(entry.line, f"entry '{entry.id}' is related to itself", "remove it from 'related'")
        problems.extend(chk.problems)

    if collisions is not None:
        problems.extend(collisions(entries.values(), synonyms, spellings))

    translated = merge_translations(root, entries, tuple(contacts), out_of_scope, problems)
    for note in translated.notes.values():  # small talk in every language, whatever the chat's
        smalltalk = {intent: (*smalltalk.get(intent, ()), *note.smalltalk.get(intent, ())) for intent in smalltalk}

    errors = [p for p in problems if not p.warning]
    warnings = tuple(p for p in problems if p.warning)
    if errors:
        return None, problems
    kb = KnowledgeBase(
        entries=translated.entries,
        areas=areas,
        contacts=translated.contacts,
        synonyms=synonyms,
        spellings=spellings,
        smalltalk=smalltalk,
        out_of_scope=translated.out_of_scope,
        domain=words.domain,
        urgent=tuple(urgent),
        menu=menu,
        root=root,
        warnings=warnings,
        notes=translated.notes,
    )
    return kb, problems


def load_knowledge(root: Path) -> KnowledgeBase:
    """Load the knowledge base or raise DataError listing every error."""
    kb, problems = check_knowledge(root)
    if kb is None:
        raise DataError([p for p in problems if not p.warning])
    return kb
