"""The deadline calculators in the parent's language: knowledge/translations/<lang>/timelines.yaml.

A translation gives, per timeline, the texts a parent reads (title, summary, each question and
its short name, each shown step's label, who acts, notes and what to do if a date is missed),
keyed by the English ids; the rules (anchors, durations, sources) stay the English file's.
Like entries, each translated timeline records the `en_hash` of the English it translates: a
stale or missing one leaves the English, with the language's "not translated yet" line on top
of its summary, and is a warning for `sendbot check`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from sendbot.deadlines.model import SHORT_TITLE_CHARS, Input, Step, Timeline
from sendbot.knowledge.checker import Checker, Schema
from sendbot.knowledge.model import DEFAULT_LANG, LANG_PATTERN
from sendbot.knowledge.problems import Problem
from sendbot.knowledge.translations import (
    TIMELINES_FILE,
    TRANSLATIONS_DIR,
    en_hash,
    missing_translation,
    read_texts,
    stale_translation,
    with_note,
)
from sendbot.knowledge.yamlfile import LineDict, line_of, load_yaml

TIMELINE_KEYS: Schema = {
    "en_hash": True,
    "title": True,
    "short_title": False,  # a shorter button label, when the translated title is long
    "summary": True,
    "inputs": True,
    "steps": False,
    "school_calendar": False,
}
INPUT_TEXTS = ("prompt", "help")
STEP_TEXTS = ("label", "who", "note", "if_missed", "missing_note", "estimate_note")
CALENDAR_TEXTS = ("estimate_note", "beyond_terms_note")
_PLACEHOLDER = re.compile(r"\{\w+\}")

LocalTimelines = dict[str, dict[str, Timeline]]  # language -> timeline id -> the timeline in it


def _step_texts(step: Step) -> dict[str, str]:
    texts = {key: getattr(step, key) for key in STEP_TEXTS if getattr(step, key)}
    return texts | {f"adjust {a.rule}": a.note for a in step.adjust}


def timeline_texts(timeline: Timeline) -> list[str]:
    """Every English text of a timeline a parent reads, in a fixed order."""
    texts = [timeline.title, timeline.short_title or "", timeline.summary]
    for spec in timeline.inputs:
        texts += [spec.prompt, spec.help]
    texts += [getattr(timeline.school_calendar, key) for key in CALENDAR_TEXTS]
    for step in timeline.steps:
        texts += list(_step_texts(step).values())
    return texts


def timeline_hash(timeline: Timeline) -> str:
    """The revision of a timeline's English texts (what `en_hash` records)."""
    return en_hash(timeline_texts(timeline))


def translate_timelines(
    root: Path, timelines: Mapping[str, Timeline], not_translated: Mapping[str, str], problems: list[Problem]
) -> LocalTimelines:
    """The timelines in every language with a folder under knowledge/translations: the
    translation where it is fresh, else the English with the language's ``not_translated``
    line. Problems (broken, stale, missing, unknown ids) are added to ``problems``."""
    base = root / TRANSLATIONS_DIR
    folders = sorted(p for p in base.iterdir() if p.is_dir() and LANG_PATTERN.match(p.name)) if base.is_dir() else []
    hashes = {tid: timeline_hash(timeline) for tid, timeline in timelines.items()}
    local: LocalTimelines = {}
    for folder in folders:
        lang = folder.name
        if lang == DEFAULT_LANG:
            continue
        found = _read_file(folder / TIMELINES_FILE, timelines, lang, problems)
        note = not_translated.get(lang)
        local[lang] = {}
        for tid, timeline in timelines.items():
            texts = found.get(tid)
            fresh = texts is not None and texts["hash"] == hashes[tid]
            if texts is not None and not fresh:
                problems.append(stale_translation(texts, lang, f"timeline '{tid}'", hashes[tid]))
            if texts is None:
                problems.append(missing_translation(timeline.file, 1, lang, f"timeline '{tid}'"))
            if texts is not None and fresh:
                local[lang][tid] = _merge(timeline, texts)
            elif note:
                local[lang][tid] = replace(timeline, summary=with_note(timeline.summary, note))
            else:
                local[lang][tid] = timeline
    return local


def _read_file(
    path: Path, timelines: Mapping[str, Timeline], lang: str, problems: list[Problem]
) -> dict[str, dict[str, Any]]:
    """The texts of each translated timeline in one language's file (none if there is no file)."""
    if not path.exists():
        return {}
    data, syntax = load_yaml(path)
    problems.extend(syntax)
    if syntax:
        return {}
    chk = Checker(path)
    found: dict[str, dict[str, Any]] = {}
    if chk.complete(data, {"timelines": True}, "a timelines translation file", line_of(data)):
        items = data["timelines"]
        if not isinstance(items, LineDict):
            chk.error(data.line_of("timelines"), "'timelines' must be a mapping of ids", "write 'the-timeline-id:'")
        else:
            for tid, raw in items.items():
                line = items.line_of(tid)
                timeline = timelines.get(tid)
                if timeline is None:
                    chk.error(
                        line, f"{lang}: no timeline has the id '{tid}'", "use the id of a file in knowledge/timelines"
                    )
                    continue
                texts = _read_timeline(chk, raw, line, timeline, lang)
                if texts is not None:
                    found[tid] = texts | {"file": path}
    problems.extend(chk.problems)
    return found


def _read_timeline(chk: Checker, raw: Any, line: int, timeline: Timeline, lang: str) -> dict[str, Any] | None:
    where = f"{lang} timeline '{timeline.id}'"
    texts = read_texts(chk, raw, line, TIMELINE_KEYS, where, ("title", "short_title", "summary"))
    if texts is None:
        return None
    button = texts.get("short_title") or texts.get("title", "")
    if len(button) > SHORT_TITLE_CHARS:
        chk.error(
            raw.line_of("short_title" if "short_title" in texts else "title"),
            f"{where}: the button label is {len(button)} characters",
            f"add a short_title of at most {SHORT_TITLE_CHARS} characters",
        )
    wanted_inputs = {spec.name: {key: getattr(spec, key) for key in INPUT_TEXTS} for spec in timeline.inputs}
    inputs = dict(_items(chk, raw, "inputs"))
    texts["inputs"] = _check_group(chk, raw, "inputs", inputs, wanted_inputs, f"{where}: input")
    wanted_steps = {step.id: shown for step in timeline.steps if (shown := _step_texts(step))}
    steps = {sid: _flatten_adjust(chk, value, f"{where}: step '{sid}'") for sid, value in _items(chk, raw, "steps")}
    texts["steps"] = _check_group(chk, raw, "steps", steps, wanted_steps, f"{where}: step")
    school = timeline.school_calendar
    wanted_calendar = {key: getattr(school, key) for key in CALENDAR_TEXTS if getattr(school, key)}
    calendar = {"": raw["school_calendar"]} if "school_calendar" in raw else {}
    where_calendar = f"{where}: school_calendar"
    texts["calendar"] = _check_group(
        chk, raw, "school_calendar", calendar, {"": wanted_calendar} if wanted_calendar else {}, where_calendar
    ).get("", {})
    return texts


def _items(chk: Checker, raw: LineDict, key: str) -> list[tuple[str, Any]]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, LineDict):
        chk.error(raw.line_of(key), f"'{key}' must be a mapping of ids", "write 'the-english-id:' per item")
        return []
    return list(value.items())


def _flatten_adjust(chk: Checker, value: Any, where: str) -> Any:
    """A step's ``adjust: {rule: note}`` as "adjust <rule>" texts, like `_step_texts` names them."""
    if not isinstance(value, LineDict) or "adjust" not in value:
        return value
    adjust = value["adjust"]
    flat = LineDict({k: v for k, v in value.items() if k != "adjust"})
    flat.line, flat.key_lines, flat.duplicate_keys = value.line, dict(value.key_lines), []
    if not isinstance(adjust, LineDict):
        chk.error(value.line_of("adjust"), f"{where}: 'adjust' must map each rule to its note", "write 'rule: note'")
        return flat
    for rule, note in adjust.items():
        flat[f"adjust {rule}"] = note
        flat.key_lines[f"adjust {rule}"] = adjust.line_of(rule)
    return flat


def _check_group(
    chk: Checker,
    raw: LineDict,
    key: str,
    given: Mapping[str, Any],
    wanted: Mapping[str, Mapping[str, str]],
    where: str,
) -> dict[str, dict[str, str]]:
    """The translated texts of each item (an input, a step, the school calendar), checked
    against the English: every English text translated, no text the English lacks, and the
    same {placeholders}."""
    out: dict[str, dict[str, str]] = {}
    for item_id, value in given.items():
        name = f"{where} '{item_id}'" if item_id else where
        english = wanted.get(item_id)
        line = value.line if isinstance(value, LineDict) else raw.line_of(key)
        if english is None:
            chk.error(line, f"{name}: the English timeline has no such item", "use the English ids, or remove it")
            continue
        if not isinstance(value, LineDict):
            chk.error(line, f"{name} must be a mapping of texts", "see Translations in knowledge/README.md")
            continue
        out[item_id] = {}
        for text_key, text in value.items():
            if text_key not in english:
                chk.error(value.line_of(text_key), f"{name}: the English has no '{text_key}'", f"remove '{text_key}'")
            elif not isinstance(text, str) or not text.strip():
                chk.error(value.line_of(text_key), f"{name}: '{text_key}' must be non-empty text", "translate it")
            elif set(_PLACEHOLDER.findall(text)) != set(_PLACEHOLDER.findall(english[text_key])):
                chk.error(
                    value.line_of(text_key),
                    f"{name}: '{text_key}' must keep the English placeholders",
                    f"use exactly {', '.join(sorted(set(_PLACEHOLDER.findall(english[text_key])))) or 'none'}",
                )
            else:
                out[item_id][text_key] = " ".join(text.split())
    for item_id, english in wanted.items():
        for text_key in english:
            if text_key not in out.get(item_id, {}) and item_id in given:
                chk.error(line_of(given[item_id]), f"{where} '{item_id}': '{text_key}' is missing", "translate it")
        if item_id not in given:
            name = f"{where} '{item_id}'" if item_id else where
            chk.error(raw.line, f"{name} is not translated", f"add it under '{key}'")
    return out


def _merge(timeline: Timeline, texts: Mapping[str, Any]) -> Timeline:
    """The timeline with its parent-facing texts in the language; the rules unchanged."""
    calendar = timeline.school_calendar
    found: Mapping[str, str] = texts["calendar"]
    return replace(
        timeline,
        title=texts["title"],
        short_title=texts.get("short_title"),
        summary=texts["summary"],
        inputs=tuple(_merge_input(spec, texts["inputs"].get(spec.name, {})) for spec in timeline.inputs),
        steps=tuple(_merge_step(step, texts["steps"].get(step.id, {})) for step in timeline.steps),
        school_calendar=replace(
            calendar,
            estimate_note=found.get("estimate_note", calendar.estimate_note),
            beyond_terms_note=found.get("beyond_terms_note", calendar.beyond_terms_note),
        ),
    )


def _merge_input(spec: Input, texts: Mapping[str, str]) -> Input:
    return replace(spec, prompt=texts.get("prompt", spec.prompt), help=texts.get("help", spec.help))


def _merge_step(step: Step, texts: Mapping[str, str]) -> Step:
    return replace(
        step,
        # the chat puts the date before a label ("3 March 2027 – ..."): a colon a translator
        # ended it with, for a date after it, would dangle
        label=texts.get("label", step.label).rstrip(" :"),
        who=texts.get("who", step.who),
        note=texts.get("note", step.note),
        if_missed=texts.get("if_missed", step.if_missed),
        missing_note=texts.get("missing_note", step.missing_note),
        estimate_note=texts.get("estimate_note", step.estimate_note),
        adjust=tuple(replace(a, note=texts.get(f"adjust {a.rule}", a.note)) for a in step.adjust),
    )
