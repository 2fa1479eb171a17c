"""Translations of entries and contacts: knowledge/translations/<lang>/*.yaml.

English stays in knowledge/entries and knowledge/contacts.yaml. Each translation records the
hash of the English it translates (`en_hash`); it is merged only while that hash still matches.
A stale or missing translation leaves the English, with the language's `not_translated` note
(notes.yaml) on top, so a parent never reads an out-of-date translation unaware.
Stale translations are warnings; broken files and unknown ids are errors."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sendbot.knowledge.checker import Checker, Schema
from sendbot.knowledge.model import (
    DEFAULT_LANG,
    LANG_PATTERN,
    SMALLTALK_INTENTS,
    Contact,
    Entry,
    LangNotes,
    LocalText,
    OutOfScope,
    SmallTalk,
)
from sendbot.knowledge.problems import Problem
from sendbot.knowledge.yamlfile import LineDict, line_of, load_yaml

TRANSLATIONS_DIR = "translations"
NOTES_FILE = "notes.yaml"
TIMELINES_FILE = "timelines.yaml"  # the deadline calculators' texts: read by sendbot.deadlines.translations
HASH_LENGTH = 12  # hex digits of sha256 kept: enough to tell revisions apart, short to read
SEPARATOR = "\x1f"  # the unit separator never occurs in a text, so joined texts cannot collide
# Languages whose every entry must be translated (the others translate the overview and the
# contacts only and show the English with their note elsewhere): issue 14.
FULL_LANGUAGES = ("pl", "ur")
PARTIAL_TOPICS = ("overview", "contacts")  # the entries every other language translates too
MIN_TRANSLATED_QUESTIONS = 8

ENTRY_KEYS: Schema = {"en_hash": True, "title": True, "answer": True, "more": False, "questions": True}
CONTACT_KEYS: Schema = {"en_hash": True, "name": False, "what": True, "hours": False}
TOPIC_KEYS: Schema = {"en_hash": True, "reply": True, "questions": True}
FILE_KEYS: Schema = {"entries": False, "contacts": False, "out_of_scope": False}
NOTES_KEYS: Schema = {"not_translated": True, "letter_note": True, "domain": False, "smalltalk": False}


def en_hash(texts: list[str]) -> str:
    """The revision of an English text: the first 12 hex digits of sha256 over its parts."""
    joined = SEPARATOR.join(t.strip() for t in texts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def entry_hash(entry: Entry) -> str:
    more = entry.more[DEFAULT_LANG] if entry.more else ""
    return en_hash([entry.title[DEFAULT_LANG], entry.answer[DEFAULT_LANG], more])


def topic_hash(topic: OutOfScope) -> str:
    return en_hash([topic.reply[DEFAULT_LANG]])


def contact_hash(contact: Contact) -> str:
    hours = contact.hours[DEFAULT_LANG] if contact.hours else ""
    return en_hash([contact.name[DEFAULT_LANG], contact.what[DEFAULT_LANG], hours])


@dataclass
class _Merged:
    """What one language's files give, before it is merged: texts per entry and contact."""

    entries: dict[str, dict[str, Any]]
    contacts: dict[str, dict[str, Any]]
    topics: dict[str, dict[str, Any]]


def _text(chk: Checker, data: LineDict, key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        chk.error(data.line_of(key), f"{where}: '{key}' must be non-empty text", "write the translated text")
        return None
    return value.strip()


def read_texts(
    chk: Checker, raw: Any, line: int, schema: Schema, where: str, keys: tuple[str, ...]
) -> dict[str, Any] | None:
    """A translated item's line, the English hash it translates, and its texts under ``keys``;
    None when it is not a mapping with every required key (reported)."""
    if not chk.complete(raw, schema, where, line):
        return None
    found: dict[str, Any] = {"line": line, "hash": str(raw["en_hash"]), "hash_line": raw.line_of("en_hash")}
    for key in keys:
        text = _text(chk, raw, key, where)
        if text is not None:
            found[key] = text
    return found


def _read_entry(chk: Checker, raw: Any, line: int, entry: Entry | None, lang: str, entry_id: str) -> dict[str, Any]:
    where = f"{lang} entry '{entry_id}'"
    if entry is None:
        chk.error(line, f"{where}: no English entry has this id", "use the id of an entry in knowledge/entries")
        return {}
    found = read_texts(chk, raw, line, ENTRY_KEYS, where, ("title", "answer", "more"))
    if found is None:
        return {}
    if "more" in found and entry.more is None:
        chk.error(raw.line_of("more"), f"{where}: the English entry has no 'more'", "remove 'more'")
    if "more" not in found and entry.more is not None:
        chk.error(raw.line, f"{where}: 'more' is missing", "translate the English 'more' too")
    questions = chk.string_list(raw["questions"], raw.line_of("questions"), f"{where}: questions") or []
    if lang in FULL_LANGUAGES and questions and len(questions) < MIN_TRANSLATED_QUESTIONS:
        chk.warn(
            raw.line_of("questions"),
            f"{where}: only {len(questions)} questions",
            f"add at least {MIN_TRANSLATED_QUESTIONS}, as parents who speak the language ask",
        )
    found["questions"] = tuple(questions)
    return found


def _read_contact(chk: Checker, raw: Any, line: int, contact: Contact | None, lang: str, cid: str) -> dict[str, Any]:
    where = f"{lang} contact '{cid}'"
    if contact is None:
        chk.error(line, f"{where}: no contact has this id", "use the id of a contact in knowledge/contacts.yaml")
        return {}
    found = read_texts(chk, raw, line, CONTACT_KEYS, where, ("name", "what", "hours"))
    if found is None:
        return {}
    if "hours" in found and contact.hours is None:
        chk.error(raw.line_of("hours"), f"{where}: the English contact has no 'hours'", "remove 'hours'")
    return found


def _read_topic(chk: Checker, raw: Any, line: int, topic: OutOfScope | None, lang: str, tid: str) -> dict[str, Any]:
    where = f"{lang} out-of-scope topic '{tid}'"
    if topic is None:
        chk.error(line, f"{where}: no such topic", "use the id of a topic in knowledge/out-of-scope.yaml")
        return {}
    found = read_texts(chk, raw, line, TOPIC_KEYS, where, ("reply",))
    if found is None:
        return {}
    found["questions"] = tuple(chk.string_list(raw["questions"], raw.line_of("questions"), f"{where}: questions") or [])
    return found


def _read_notes(path: Path, lang: str, problems: list[Problem]) -> LangNotes | None:
    chk = Checker(path)
    if not path.exists():
        problems.append(
            Problem(path, 1, f"{lang}: notes.yaml is missing", "add not_translated: and letter_note: in the language")
        )
        return None
    data, syntax = load_yaml(path)
    problems.extend(syntax)
    if syntax:
        return None
    notes = None
    if chk.complete(data, NOTES_KEYS, f"{lang} notes", line_of(data)):
        not_translated = _text(chk, data, "not_translated", f"{lang} notes")
        letter_note = _text(chk, data, "letter_note", f"{lang} notes")
        domain: list[str] = []
        if data.get("domain") is not None:
            domain = chk.string_list(data["domain"], data.line_of("domain"), f"{lang} notes: domain") or []
        smalltalk = _read_smalltalk(chk, data, lang)
        if not_translated and letter_note:
            notes = LangNotes(not_translated, letter_note, tuple(domain), smalltalk)
    problems.extend(chk.problems)
    return notes


def _read_smalltalk(chk: Checker, data: LineDict, lang: str) -> dict[SmallTalk, tuple[str, ...]]:
    """Greetings, thanks, goodbyes and calls for help in the language (notes.yaml `smalltalk`)."""
    raw = data.get("smalltalk")
    if raw is None:
        return {}
    where = f"{lang} notes: smalltalk"
    if not chk.fields(raw, dict.fromkeys(SMALLTALK_INTENTS, False), where, data.line_of("smalltalk")):
        return {}
    found: dict[SmallTalk, tuple[str, ...]] = {}
    for intent in SMALLTALK_INTENTS:
        if raw.get(intent) is not None:
            found[intent] = tuple(chk.string_list(raw[intent], raw.line_of(intent), f"{where} {intent}") or ())
    return found


def _read_language(
    folder: Path,
    entries: Mapping[str, Entry],
    contacts: Mapping[str, Contact],
    topics: Mapping[str, OutOfScope],
    problems: list[Problem],
) -> _Merged:
    lang = folder.name
    merged = _Merged({}, {}, {})
    for path in sorted(folder.glob("*.yaml")):
        if path.name in (NOTES_FILE, TIMELINES_FILE):
            continue
        chk = Checker(path)
        data, syntax = load_yaml(path)
        problems.extend(syntax)
        if syntax:
            continue
        if not chk.fields(data, FILE_KEYS, "a translation file", line_of(data)):
            problems.extend(chk.problems)
            continue
        for key, target, known, read in (
            ("entries", merged.entries, entries, _read_entry),
            ("contacts", merged.contacts, contacts, _read_contact),
            ("out_of_scope", merged.topics, topics, _read_topic),
        ):
            items = data.get(key)
            if items is None:
                continue
            if not isinstance(items, LineDict):
                chk.error(data.line_of(key), f"'{key}' must be a mapping of ids", "write 'the-english-id:' per item")
                continue
            for item_id, raw in items.items():
                line = items.line_of(item_id)
                if item_id in target:
                    chk.error(line, f"{lang}: '{item_id}' is translated twice", "keep one translation")
                    continue
                found = read(chk, raw, line, known.get(item_id), lang, str(item_id))  # type: ignore[arg-type]
                if found:
                    found["file"] = path
                    target[item_id] = found
        problems.extend(chk.problems)
    return merged


def with_note(english: str, note: str) -> str:
    return f"{note}\n\n{english}"


def stale_translation(found: Mapping[str, Any], lang: str, what: str, new_hash: str) -> Problem:
    return Problem(
        found["file"],
        found["hash_line"],
        f"{lang} translation of {what} is stale: the English has changed since it was translated",
        f"update the translation from the new English, then set en_hash: {new_hash}",
        warning=True,
    )


def missing_translation(file: Path, line: int, lang: str, what: str) -> Problem:
    return Problem(
        file,
        line,
        f"{lang}: {what} is not translated",
        f"add it to knowledge/translations/{lang}/, with en_hash",
        warning=True,
    )


@dataclass(frozen=True)
class Translated:
    entries: dict[str, Entry]
    contacts: tuple[Contact, ...]
    out_of_scope: dict[str, OutOfScope]
    notes: dict[str, LangNotes]


def merge_translations(
    root: Path,
    entries: Mapping[str, Entry],
    contacts: tuple[Contact, ...],
    out_of_scope: Mapping[str, OutOfScope],
    problems: list[Problem],
) -> Translated:
    """Every language folder under knowledge/translations, merged into copies of the entries,
    contacts and out-of-scope topics; problems (stale, missing, broken, unknown ids) are added
    to ``problems``."""
    base = root / TRANSLATIONS_DIR
    new_entries = dict(entries)
    new_contacts = {c.id: c for c in contacts}
    new_topics = dict(out_of_scope)
    notes: dict[str, LangNotes] = {}
    folders = sorted(p for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    for folder in folders:
        lang = folder.name
        if not LANG_PATTERN.match(lang) or lang == DEFAULT_LANG:
            problems.append(Problem(folder, 1, f"'{lang}' is not a language to translate into", "name it pl, ur, ..."))
            continue
        note = _read_notes(folder / NOTES_FILE, lang, problems)
        if note is not None:
            notes[lang] = note
        merged = _read_language(folder, entries, new_contacts, out_of_scope, problems)
        for entry_id, old in list(new_entries.items()):
            found = merged.entries.get(entry_id)
            fresh = found is not None and found["hash"] == entry_hash(entries[entry_id])
            if found is not None and not fresh:
                problems.append(stale_translation(found, lang, f"entry '{entry_id}'", entry_hash(entries[entry_id])))
            if found is None and (lang in FULL_LANGUAGES or old.topic in PARTIAL_TOPICS):
                problems.append(missing_translation(old.file, old.line, lang, f"entry '{entry_id}'"))
            new_entries[entry_id] = _merge_entry(old, lang, found if fresh else None, note)
        for cid, contact in list(new_contacts.items()):
            found = merged.contacts.get(cid)
            fresh = found is not None and found["hash"] == contact_hash(contact)
            if found is not None and not fresh:
                problems.append(stale_translation(found, lang, f"contact '{cid}'", contact_hash(contact)))
            if found is None:
                problems.append(missing_translation(root / "contacts.yaml", 1, lang, f"contact '{cid}'"))
            new_contacts[cid] = _merge_contact(contact, lang, found if fresh else None, note)
        for tid, topic in list(new_topics.items()):
            found = merged.topics.get(tid)
            fresh = found is not None and found["hash"] == topic_hash(out_of_scope[tid])
            if found is not None and not fresh:
                problems.append(
                    stale_translation(found, lang, f"out-of-scope topic '{tid}'", topic_hash(out_of_scope[tid]))
                )
            if found is None and lang in FULL_LANGUAGES:
                problems.append(missing_translation(root / "out-of-scope.yaml", 1, lang, f"out-of-scope topic '{tid}'"))
            new_topics[tid] = _merge_topic(topic, lang, found if fresh else None, note)
    return Translated(new_entries, tuple(new_contacts.values()), new_topics, notes)


def _merge_topic(topic: OutOfScope, lang: str, found: Mapping[str, Any] | None, note: LangNotes | None) -> OutOfScope:
    if found is None:
        if note is None:
            return topic
        return replace(topic, reply=_add(topic.reply, lang, with_note(topic.reply[DEFAULT_LANG], note.not_translated)))
    translated = {**topic.translated, lang: found["questions"]}
    return replace(topic, reply=_add(topic.reply, lang, found["reply"]), translated=translated)


def _add(text: LocalText, lang: str, value: str) -> LocalText:
    return LocalText({**text, lang: value})


def _merge_entry(entry: Entry, lang: str, found: Mapping[str, Any] | None, note: LangNotes | None) -> Entry:
    if found is None:
        if note is None:
            return entry
        # The English, with one line in the parent's language saying it is not translated yet.
        return replace(
            entry, answer=_add(entry.answer, lang, with_note(entry.answer[DEFAULT_LANG], note.not_translated))
        )
    questions = dict(entry.questions)
    if found["questions"]:
        questions[lang] = found["questions"]
    more = _add(entry.more, lang, found["more"]) if entry.more and "more" in found else entry.more
    return replace(
        entry,
        title=_add(entry.title, lang, found["title"]),
        answer=_add(entry.answer, lang, found["answer"]),
        more=more,
        questions=questions,
    )


def _merge_contact(contact: Contact, lang: str, found: Mapping[str, Any] | None, note: LangNotes | None) -> Contact:
    if found is None:
        if note is None:
            return contact
        return replace(
            contact, what=_add(contact.what, lang, with_note(contact.what[DEFAULT_LANG], note.not_translated))
        )
    name = _add(contact.name, lang, found["name"]) if "name" in found else contact.name
    hours = _add(contact.hours, lang, found["hours"]) if contact.hours and "hours" in found else contact.hours
    return replace(contact, name=name, what=_add(contact.what, lang, found["what"]), hours=hours)
