"""End to end: the deadline calculator, its calendar file and reminders through the real PTB
Application, over HTTP, against the fake Bot API on 127.0.0.1, with a clock the test moves."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from icalendar import Calendar
from telegram.ext import Application

from sendbot.channels.telegram import build_application
from sendbot.conversation.dialogue import Conversation
from sendbot.deadlines import calculate, load_timelines
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.store.base import Store
from sendbot.store.sqlite import SqliteStore
from tests.conftest import KB_SMALL, LOCALES
from tests.fakebotapi import Call, FakeBotAPI, bot_settings

CHAT = 4242
TIMELINES, _ = load_timelines()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@asynccontextmanager
async def running_bot(api: FakeBotAPI, db: Path, clock: Callable[[], datetime]) -> AsyncIterator[Store]:
    """One bot process: its own store and Application on the database file ``db``."""
    settings = bot_settings(api, db, SENDBOT_REMINDER_INTERVAL="0.05")
    store = SqliteStore(db)
    conversation = Conversation(load_knowledge(KB_SMALL), store, I18n(LOCALES), clock=clock, timelines=TIMELINES)
    app: Application = build_application(conversation, settings)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield store
        finally:
            await app.updater.stop()
            await app.stop()
    store.close()


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for something the bot does after its last HTTP call (deleting a sent reminder)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


def callback_data(call: Call) -> list[str]:
    return [b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row]


async def work_out_tribunal_dates(api: FakeBotAPI) -> Call:
    """/deadlines, choose the tribunal appeal, type the letter date, skip the certificate: the
    list becomes the first question, a typed answer retires the question's keyboard, and the
    last question becomes the result."""
    api.push_text(CHAT, "/deadlines")
    [menu] = await api.wait_for("sendMessage")
    assert "timeline:tribunal-appeal:here" in callback_data(menu)
    api.push_button(CHAT, "timeline:tribunal-appeal:here", message_id=MENU_ID)
    [question] = await api.wait_for("editMessageText")
    assert question.params["message_id"] == MENU_ID
    assert "<b>Appeal to the SEND Tribunal</b>" in question.params["text"]
    api.push_text(CHAT, "02/03/2026")
    [retired] = await api.wait_for("editMessageReplyMarkup")
    assert retired.params["message_id"] == MENU_ID and not retired.params.get("reply_markup")
    calls = await api.wait_for("sendMessage", 2)
    assert "skip:certificate" in callback_data(calls[-1])
    api.push_button(CHAT, "skip:certificate", message_id=QUESTION_ID)
    edits = await api.wait_for("editMessageText", 2)
    assert edits[-1].params["message_id"] == QUESTION_ID
    assert len(api.calls_to("editMessageReplyMarkup")) == 1  # edited in place: nothing else to retire
    return edits[-1]


MENU_ID, QUESTION_ID = 501, 502  # the messages the buttons were pressed on


async def test_calculator_flow_and_calendar_file(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    async with running_bot(fake_api, tmp_path / "bot.db", Clock()):
        result = await work_out_tribunal_dates(fake_api)
        assert "Here are your dates, worked out on 10 March 2026:" in result.params["text"]
        expected = calculate(TIMELINES["tribunal-appeal"], {"decision_letter": date(2026, 3, 2)}, date(2026, 3, 10))
        days = [event.date for event in expected.dated_events if event.date is not None]
        for day in days:
            assert f"• {day.day} {day:%B %Y} – " in result.params["text"]
        assert callback_data(result) == [
            "notes:tribunal-appeal",
            "ics:tribunal-appeal",
            "remind:tribunal-appeal",
            "timeline",
        ]
        fake_api.push_button(CHAT, "ics:tribunal-appeal")
        [document] = await fake_api.wait_for("sendDocument")
        assert document.params["chat_id"] == CHAT
        assert document.params["document_filename"] == "tribunal-appeal.ics"
        calendar = Calendar.from_ical(document.files["document"])
        assert sorted(event.decoded("dtstart") for event in calendar.walk("VEVENT")) == sorted(days)


async def test_bad_date_is_refused_and_asked_again(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    async with running_bot(fake_api, tmp_path / "bot.db", Clock()):
        fake_api.push_button(CHAT, "timeline:tribunal-appeal")
        await fake_api.wait_for("sendMessage")
        fake_api.push_text(CHAT, "31/02/2025")
        calls = await fake_api.wait_for("sendMessage", 2)
        assert "February 2025 has only 28 days" in calls[-1].params["text"]
        assert "cancel" in callback_data(calls[-1])


async def test_a_reminder_is_sent_at_its_time(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    clock = Clock()
    async with running_bot(fake_api, tmp_path / "bot.db", clock) as store:
        await work_out_tribunal_dates(fake_api)
        fake_api.push_button(CHAT, "remind:tribunal-appeal")
        calls = await fake_api.wait_for("sendMessage", 3)
        assert "reminders" in calls[-1].params["text"]
        first, *rest = store.pending_reminders(CHAT)
        clock.now = first.due_at - timedelta(seconds=1)
        fake_api.push_text(CHAT, "/help")  # a round trip longer than several job intervals
        await fake_api.wait_for("sendMessage", 4)
        assert len(fake_api.calls_to("sendMessage")) == 4  # the help text only: not due yet
        assert len(store.pending_reminders(CHAT)) == 1 + len(rest)
        clock.now = first.due_at
        calls = await fake_api.wait_for("sendMessage", 5)
        assert calls[-1].params["chat_id"] == CHAT
        assert calls[-1].params["text"] == first.text
        await eventually(lambda: store.pending_reminders(CHAT) == rest)  # sent, so deleted


async def test_a_restart_keeps_reminders(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    clock = Clock()
    async with running_bot(fake_api, db, clock) as store:
        await work_out_tribunal_dates(fake_api)
        fake_api.push_button(CHAT, "remind:tribunal-appeal")
        await fake_api.wait_for("sendMessage", 3)
        first = store.pending_reminders(CHAT)[0]
    sent_before = len(fake_api.calls_to("sendMessage"))

    clock.now = first.due_at + timedelta(hours=1)  # the bot was down when it fell due
    async with running_bot(fake_api, db, clock) as store:
        calls = await fake_api.wait_for("sendMessage", sent_before + 1)
        assert calls[-1].params["text"] == first.text
        await eventually(lambda: first not in store.pending_reminders(CHAT))
