"""End to end on the real knowledge base: a whole conversation through the real PTB
Application and the fake Bot API, checked the way a parent's phone shows it (issue 12):
replies fit a screen, no bare URL, finished steps leave no live keyboard, stale buttons get a
toast, "typing" comes before an answer that is slow to come, deep links and /forget's confirmation."""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from telegram.ext import Application

from sendbot.channels.telegram import build_application, render_html
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.presenter import Presenter, more_pages
from sendbot.conversation.replies import Reply
from sendbot.deadlines import load_timelines
from sendbot.i18n import I18n
from sendbot.knowledge.model import KnowledgeBase
from sendbot.store.base import Store
from sendbot.store.sqlite import SqliteStore
from sendbot.store.state import ChatState
from tests.conftest import LOCALES
from tests.fakebotapi import Call, FakeBotAPI, bot_settings

CHAT = 5151
SCREEN_CHARS = 1200  # what a phone shows without scrolling far; "More" and /contacts pages may be longer
TAG = re.compile(r"<[^>]+>")
LINK = re.compile(r'<a href="[^"]*">')
TIMELINES, _ = load_timelines()
SLOW_READ_SECONDS = 1.0  # past the half second after which "typing..." shows


def visible(text: str) -> str:
    """What the parent reads: the HTML without its tags."""
    return html.unescape(TAG.sub("", text))


def keyboard_of(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


class SlowDisk(SqliteStore):
    """A real SQLite store on a disk that takes a second to read a chat."""

    def load_chat(self, chat_id: int) -> ChatState:
        time.sleep(SLOW_READ_SECONDS)
        return super().load_chat(chat_id)


@pytest.fixture(params=[SqliteStore])
async def bot(
    request: pytest.FixtureRequest, fake_api: FakeBotAPI, tmp_path: Path, full_kb: KnowledgeBase
) -> AsyncIterator[tuple[FakeBotAPI, Store]]:
    settings = bot_settings(fake_api, tmp_path / "bot.db")
    store = request.param(settings.db_path)

    def clock() -> datetime:
        return datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)

    conversation = Conversation(full_kb, store, I18n(LOCALES), clock=clock, timelines=TIMELINES)
    app: Application = build_application(conversation, settings)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        yield fake_api, store
        await app.updater.stop()
        await app.stop()
    store.close()


class Parent:
    """Types and taps like a parent, waiting for the bot's answer each time; remembers which
    calls answered which step, so the checks can name the step that failed."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.api = api
        self.steps: list[tuple[str, list[Call]]] = []

    async def says(self, text: str) -> list[Call]:
        """Type a message; the calls from it up to the bot's (last) reply."""
        count = len(self.api.calls_to("sendMessage"))
        before = len(self.api.calls)
        self.api.push_text(CHAT, text)
        await self.api.wait_for("sendMessage", count + 1)
        calls = self.api.calls[before:]
        self.steps.append((f"says {text[:40]!r}", calls))
        return calls

    async def taps(self, data: str, message_id: int, then: str | None = "editMessageText", sends: int = 0) -> Call:
        """Tap a button on a message; returns the callback's answer, after the call ``then``
        that the tap leads to (an edit in place by default) and ``sends`` new messages after it
        (where a long reply goes on)."""
        count = len(self.api.calls_to("answerCallbackQuery"))
        after = len(self.api.calls_to(then)) if then else 0
        sent = len(self.api.calls_to("sendMessage"))
        before = len(self.api.calls)
        self.api.push_button(CHAT, data, message_id=message_id)
        answers = await self.api.wait_for("answerCallbackQuery", count + 1)
        if then:
            await self.api.wait_for(then, after + 1)
        if sends:
            await self.api.wait_for("sendMessage", sent + sends)
        self.steps.append((f"taps {data}", self.api.calls[before:]))
        return answers[-1]


def message_texts(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method in ("sendMessage", "editMessageText")]


async def test_a_whole_conversation_is_shaped_for_a_phone(
    bot: tuple[FakeBotAPI, Store], full_kb: KnowledgeBase
) -> None:
    api, _ = bot
    parent = Parent(api)
    await parent.says("/start")
    await parent.taps("area:derby", 10, then="sendMessage")
    for question in (
        "how do i ask for an ehc needs assessment",
        "the council refused to assess my son, can i appeal",
        "ehcp?",
        "what is the capital of France",
        "my daughter was excluded and she has autism and the school won't do the annual review either",
    ):
        await parent.says(question)
    # the detail comes a page at a time: the first is edited in under the answer, each later one
    # is a new message with the next one's button, and the last has the sources
    await parent.taps("more:ehc-request-how", 20)
    entry = full_kb.entries["ehc-request-how"]
    detail = more_pages(entry.more.get_text("en")) if entry.more else ()
    pages = len(detail)
    assert pages > 2
    # (the last page's sources go in a message of their own when they would not fit beside it)
    sources = Presenter(full_kb, I18n(LOCALES)).sources(entry, None)
    title = f"{entry.title.get_text('en')} ({pages} of {pages})"
    last = len(render_html(Reply(detail[-1], title=title, foot=sources)))
    for page in range(2, pages + 1):
        await parent.taps(f"more:ehc-request-how:{page}", 20, then=None, sends=last if page == pages else 1)
        sent, *rest = message_texts(parent.steps[-1][1])
        assert f"({page} of {pages})" in visible(sent.params["text"])
        assert keyboard_of([sent, *rest][-1]) == ([f"more:ehc-request-how:{page + 1}"] if page < pages else [])
    await parent.says("/contacts")
    await parent.taps("contacts:national", 21)

    # a calculator, from the list to the result, all in one message
    await parent.says("/deadlines")
    await parent.taps("timeline:tribunal-appeal:here", 30)
    await parent.taps("calendar:decision_letter:2026-03", 30)
    grid = api.calls_to("editMessageText")[-1]
    labels = [b["text"] for b in grid.params["reply_markup"]["inline_keyboard"][0]]
    assert labels == ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]  # weekday headings
    assert any("«" in b["text"] for row in grid.params["reply_markup"]["inline_keyboard"] for b in row)
    await parent.taps("calendar:decision_letter:2026-03-02", 30)
    await parent.taps("skip:certificate", 30)
    result = api.calls_to("editMessageText")[-1]
    assert result.params["message_id"] == 30 and "Here are your dates" in result.params["text"]
    await parent.taps("notes:tribunal-appeal", 30)

    # a typed answer retires the question's keyboard
    await parent.says("/deadlines")
    retires = len(api.calls_to("editMessageReplyMarkup"))
    await parent.taps("timeline:annual-review:here", 40)
    first = await api.wait_for("editMessageReplyMarkup", retires + 1)  # the new calculator retired the last result's
    assert first[-1].params["message_id"] == 30
    await parent.says("13/3/2025")
    [*_, retired] = await api.wait_for("editMessageReplyMarkup", retires + 2)
    assert retired.params["message_id"] == 40 and not retired.params.get("reply_markup")
    await parent.says("/cancel")

    exempt = ("taps more:ehc-request-how", "taps notes:", "says '/contacts'", "taps contacts:")
    checked = [(label, call.params["text"]) for label, calls in parent.steps for call in message_texts(calls)]
    assert len(checked) >= 20
    for label, text in checked:
        assert not re.search(r"https?:|www\.", visible(LINK.sub("", text))), (label, text)  # no bare URL
        if not label.startswith(exempt):
            assert len(visible(text)) <= SCREEN_CHARS, (label, len(visible(text)))
    by_step = {label: [text for lab, text in checked if lab == label] for label, _ in checked}
    assert "<a href=" in by_step[f"taps more:ehc-request-how:{pages}"][-1]  # the sources, as named links
    assert "<a href=" not in by_step["taps more:ehc-request-how"][0]
    for page in range(2, pages + 1):  # a later page fits the screen
        assert len(visible(by_step[f"taps more:ehc-request-how:{page}"][0])) <= SCREEN_CHARS


@pytest.mark.parametrize("bot", [SlowDisk], indirect=True)
async def test_typing_comes_before_an_answer_that_is_slow_to_come(bot: tuple[FakeBotAPI, Store]) -> None:
    api, _ = bot
    calls = await Parent(api).says("how do i ask for an ehc needs assessment")
    methods = [c.method for c in calls]
    assert methods.index("sendChatAction") < methods.index("sendMessage")  # "typing..." first
    assert calls[methods.index("sendChatAction")].params["action"] == "typing"


async def test_every_finished_flow_leaves_no_live_keyboard(bot: tuple[FakeBotAPI, Store]) -> None:
    api, _ = bot
    parent = Parent(api)
    await parent.says("/deadlines")
    await parent.taps("timeline:tribunal-appeal:here", 50)
    await parent.says("2 March 2026")  # the question on message 50 is answered by typing
    question = api.calls_to("sendMessage")[-1]
    await parent.taps("skip:certificate", 51)
    [retired] = await api.wait_for("editMessageReplyMarkup")
    assert retired.params["message_id"] == 50
    assert "skip:certificate" in keyboard_of(question)
    assert "skip:certificate" not in keyboard_of(api.calls_to("editMessageText")[-1])  # replaced by the result
    await parent.says("/forget")
    await parent.taps("forget:no", 52)
    kept = api.calls_to("editMessageText")[-1]
    assert kept.params["message_id"] == 52 and keyboard_of(kept) == []


async def test_a_stale_button_gets_a_toast_and_no_message(bot: tuple[FakeBotAPI, Store]) -> None:
    api, _ = bot
    parent = Parent(api)
    sent = len(api.calls_to("sendMessage"))
    answer = await parent.taps("skip:certificate", 60, then=None)  # no calculator is running
    assert "older message" in answer.params["text"]
    await parent.says("/privacy")
    assert len(api.calls_to("sendMessage")) == sent + 1  # only the /privacy reply
    assert not api.calls_to("editMessageText")


async def test_deep_links_answer_their_entry_and_open_the_calculator(bot: tuple[FakeBotAPI, Store]) -> None:
    api, _ = bot
    parent = Parent(api)
    [*_, answer] = message_texts(await parent.says("/start ehc-request-how"))
    assert answer.params["text"].startswith("<b>How to ask for an EHC needs assessment</b>")
    [*_, menu] = message_texts(await parent.says("/start deadlines"))
    assert keyboard_of(menu)[0] == "timeline:ehc-assessment:here"  # the commonest first


async def test_choosing_an_area_retires_the_picker(bot: tuple[FakeBotAPI, Store]) -> None:
    api, _ = bot
    parent = Parent(api)
    await parent.says("/start")
    picker = api.calls_to("sendMessage")[-1].result["message_id"]
    await parent.taps("area:derby", picker, then="sendMessage")
    [retired] = await api.wait_for("editMessageReplyMarkup")
    assert retired.params["message_id"] == picker and not retired.params.get("reply_markup")


async def test_forget_needs_the_confirm_button(bot: tuple[FakeBotAPI, Store]) -> None:
    api, store = bot
    parent = Parent(api)
    await parent.taps("area:derby", 70, then="sendMessage")
    await parent.says("/forget")
    assert store.rows_about(CHAT) > 0  # nothing deleted yet: the chat, its updates
    await parent.taps("forget:yes", 71)
    assert store.rows_about(CHAT) == 0


async def test_the_operator_log_says_the_bot_is_up(
    fake_api: FakeBotAPI, tmp_path: Path, full_kb: KnowledgeBase, caplog: pytest.LogCaptureFixture
) -> None:
    settings = bot_settings(fake_api, tmp_path / "bot.db")
    store = SqliteStore(settings.db_path)
    conversation = Conversation(full_kb, store, I18n(LOCALES), timelines=TIMELINES)
    app: Application = build_application(conversation, settings)
    with caplog.at_level(logging.INFO, logger="sendbot.channels.telegram"):
        async with app:
            assert app.post_init is not None
            await app.post_init(app)  # what run_polling and run_webhook call once connected
    store.close()
    assert f"{len(full_kb.entries)} entries, {len(TIMELINES)} deadline calculators" in caplog.text
