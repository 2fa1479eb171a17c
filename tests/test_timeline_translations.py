"""The deadline calculators in the parent's language (knowledge/translations/<lang>/timelines.yaml):
texts translated, rules untouched, stale translations fall back to the English with the note,
broken files stop start-up with file, line and fix; and a Polish or Urdu parent goes through a
calculator, its refusals and its result in their language, end to end through the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from telegram.ext import Application

from sendbot.app import build_conversation
from sendbot.channels.telegram import build_application
from sendbot.config import Settings
from sendbot.conversation.replies import ButtonIn, TextIn
from sendbot.deadlines import load_timelines
from sendbot.deadlines.translations import LocalTimelines, timeline_hash, translate_timelines
from sendbot.knowledge.loader import load_knowledge
from sendbot.knowledge.problems import Problem
from tests.conftest import ROOT, copy_knowledge
from tests.fakebotapi import FakeBotAPI, bot_settings

KNOWLEDGE = ROOT / "knowledge"
LANGUAGES = ("pa", "pl", "ro", "sk", "ur")
TIMELINES, _ = load_timelines(KNOWLEDGE / "timelines")
NOTES = load_knowledge(KNOWLEDGE).not_translated_notes


def _translate(root: Path = KNOWLEDGE) -> tuple[LocalTimelines, list[Problem]]:
    timelines, problems = load_timelines(root / "timelines")
    local = translate_timelines(root, timelines, NOTES, problems)
    return local, problems


def test_every_language_translates_every_timeline_cleanly() -> None:
    local, problems = _translate()
    assert [str(p) for p in problems] == []
    assert sorted(local) == list(LANGUAGES)
    for lang in LANGUAGES:
        assert set(local[lang]) == set(TIMELINES)
        for tid, timeline in local[lang].items():
            assert timeline.title != TIMELINES[tid].title, (lang, tid)
            assert len(timeline.button_title) <= 40


def test_texts_are_translated_and_rules_are_not() -> None:
    local, _ = _translate()
    english, polish = TIMELINES["mediation"], local["pl"]["mediation"]
    assert polish.title.startswith("Mediacja")
    assert polish.inputs[0].prompt != english.inputs[0].prompt
    assert [s.name for s in polish.inputs] == [s.name for s in english.inputs]
    for mine, theirs in zip(polish.steps, english.steps, strict=True):
        assert (mine.id, mine.anchors, mine.duration, mine.unit, mine.source) == (
            theirs.id,
            theirs.anchors,
            theirs.duration,
            theirs.unit,
            theirs.source,
        )
        assert [a.rule for a in mine.adjust] == [a.rule for a in theirs.adjust]
        assert all("{unadjusted}" in a.note for a in mine.adjust)
        assert not mine.label.endswith(":")  # the date comes first in the chat
    assert polish.steps[0].label != english.steps[0].label


def test_changed_english_makes_the_timeline_stale_and_shows_the_english(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path)
    path = root / "timelines" / "mediation.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Mediation and the mediation certificate", "Mediation (changed)"), encoding="utf-8")
    local, problems = _translate(root)
    stale = [p for p in problems if "stale" in p.message]
    assert {p.message.split()[0] for p in stale} == set(LANGUAGES)
    assert all(p.warning and "timeline 'mediation'" in p.message and "en_hash: " in p.fix for p in stale)
    pl_file = root / "translations" / "pl" / "timelines.yaml"
    stale_pl = next(p for p in stale if p.message.startswith("pl"))
    assert stale_pl.file == pl_file
    assert "en_hash" in pl_file.read_text(encoding="utf-8").splitlines()[stale_pl.line - 1]
    shown = local["pl"]["mediation"]
    assert shown.title == "Mediation (changed)"
    assert shown.summary.startswith(NOTES["pl"])
    assert local["pl"]["tribunal-appeal"].title.startswith("Odwołanie")  # the others stay translated


def test_the_hash_covers_every_text_a_parent_reads() -> None:
    timeline = TIMELINES["mediation"]
    step = timeline.steps[0]
    changed = replace(timeline, steps=(replace(step, if_missed="x"), *timeline.steps[1:]))
    assert timeline_hash(changed) != timeline_hash(timeline)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{unadjusted}", "{date}", "must keep the English placeholders"),
        ("  contact-mediation-adviser:", "  no-such-step:", "the English timeline has no such item"),
        ("  mediation:\n", "  no-such-timeline:\n", "no timeline has the id 'no-such-timeline'"),
    ],
)
def test_a_broken_translation_is_an_error_with_file_and_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    root = copy_knowledge(tmp_path)
    path = root / "translations" / "pl" / "timelines.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _, problems = _translate(root)
    errors = [p for p in problems if not p.warning]
    found = [p for p in errors if message in p.message]
    assert found and all(p.file == path and p.line > 1 for p in found)


def test_a_missing_text_is_an_error(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path)
    path = root / "translations" / "ur" / "timelines.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("  mediation:")
    cut = next(i for i in range(start, len(lines)) if lines[i].startswith("        if_missed:"))
    end = cut + 1
    while lines[end].startswith("          "):
        end += 1
    path.write_text("\n".join(lines[:cut] + lines[end:]) + "\n", encoding="utf-8")
    _, problems = _translate(root)
    assert any("'if_missed' is missing" in p.message and not p.warning and p.file == path for p in problems)


# --- in the chat ---------------------------------------------------------------------------------


class Clock:
    def __call__(self) -> datetime:
        return datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def conversation(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {"SENDBOT_DB": str(tmp_path / "bot.db"), "SENDBOT_KNOWLEDGE": str(KNOWLEDGE)}
    conv = build_conversation(Settings.from_env(env), clock=Clock())
    yield conv
    conv.store.close()


def _say(conversation, chat: int, text: str, lang: str) -> str:  # type: ignore[no-untyped-def]
    replies = conversation.handle(chat, TextIn(text, lang_hint=lang))
    return "\n".join(r.text for r in replies)


def test_a_polish_parent_gets_the_calculator_in_polish(conversation) -> None:  # type: ignore[no-untyped-def]
    text = _say(conversation, 1, "/deadlines mediation", "pl")
    assert "Jaka data widnieje na piśmie rady" in text
    refused = _say(conversation, 1, "31/02/2026", "pl")
    assert "luty 2026 ma tylko 28 dni" in refused
    _say(conversation, 1, "3 listopada 2026", "pl")
    for _ in range(3):
        _say(conversation, 1, "nie", "pl")  # the Polish "no" skips an optional question
    result = _say(conversation, 1, "nie", "pl")
    assert "4 stycznia 2027" in result and "Odwołanie musi dotrzeć do trybunału" in result
    [calendar] = conversation.handle(1, ButtonIn("ics:mediation"))
    assert calendar.document is not None
    ics = calendar.document.content.decode("utf-8")
    assert "Kto: " in ics and "Źródło: " in ics and "Who: " not in ics  # the calendar file too
    [set_up] = conversation.handle(1, ButtonIn("remind:mediation"))
    assert "przypomnie" in set_up.text.lower()
    texts = [r.text for r in conversation.store.pending_reminders(1)]
    assert texts and all("Odwołanie musi dotrzeć do trybunału" in t or "mediacji" in t for t in texts)
    assert all("stycznia 2027" in t for t in texts)  # the reminders are in Polish, dates included


def test_an_urdu_parent_reads_the_moved_date_in_urdu(conversation) -> None:  # type: ignore[no-untyped-def]
    _say(conversation, 2, "/deadlines mediation", "ur")
    _say(conversation, 2, "3/11/2026", "ur")
    for _ in range(4):
        result = _say(conversation, 2, "نہیں", "ur")
    assert "جنوری" in result
    why = conversation.handle(2, ButtonIn("notes:mediation", lang_hint="ur"))
    text = "\n".join(r.text for r in why)
    assert "rule" in text and "جنوری" in text and "{unadjusted}" not in text


@pytest.fixture
async def running(fake_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[FakeBotAPI]:
    settings = bot_settings(fake_api, tmp_path / "bot.db", SENDBOT_KNOWLEDGE=str(KNOWLEDGE))
    conv = build_conversation(settings)
    app: Application = build_application(conv, settings)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        yield fake_api
        await app.updater.stop()
        await app.stop()
    conv.store.close()


async def test_the_calculator_menu_and_question_in_polish_through_telegram(running: FakeBotAPI) -> None:
    api, chat = running, 8100
    api.push_text(chat, "/deadlines", language_code="pl")
    [menu] = await api.wait_for("sendMessage")
    labels = [b["text"] for row in menu.params["reply_markup"]["inline_keyboard"] for b in row]
    assert "Odwołanie do Trybunału SEND" in labels
    api.push_button(chat, "timeline:tribunal-appeal:here", message_id=menu.result["message_id"])
    [question] = await api.wait_for("editMessageText")
    assert "Odwołanie do Trybunału SEND" in question.params["text"]


def test_my_case_shows_polish_dates_and_labels(conversation) -> None:  # type: ignore[no-untyped-def]
    [menu] = conversation.handle(3, TextIn("/mycase", lang_hint="pl"))
    data = next(b.data for row in menu.buttons for b in row if b.data.endswith(":assessment-requested"))
    conversation.handle(3, ButtonIn(data))
    refused = _say(conversation, 3, "31/02/2026", "pl")
    assert "luty 2026 ma tylko 28 dni" in refused  # the reason in Polish, month name included
    replies = conversation.handle(3, TextIn("3 marca 2026", lang_hint="pl"))
    added = "\n".join(r.text for r in replies)
    assert "3 marca 2026" in added
    assert any(r.title and "moje dziecko" in r.title for r in replies)  # the default nickname too
    local, _ = _translate()
    label = next(s.label for s in local["pl"]["ehc-assessment"].steps if s.id == "decision-to-assess")
    assert f"{label}, 14 kwietnia 2026" in added  # the missed date, its label and date in Polish
