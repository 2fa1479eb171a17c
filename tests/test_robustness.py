"""Whatever a parent (or a stale client) sends, the core answers kindly and never raises.

A deterministic random sample of awkward inputs: control characters, emoji, right-to-left
text, HTML, SQL, very long messages, and forged or truncated button data."""

from __future__ import annotations

import random
import string

import pytest

from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.replies import ButtonIn, TextIn
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.store.sqlite import SqliteStore
from tests.conftest import LOCALES, ROOT

AWKWARD = [
    "",
    " ",
    "\x00\x01\x02",
    "🙂🙂🙂",
    "مرحبا، ابني لديه احتياجات خاصة",
    "<script>alert(1)</script>",
    "'; DROP TABLE chats; --",
    "/",
    "/ ",
    "/start@SomeOtherBot",
    "/deadlines no-such-timeline",
    "/reminders extra words",
    "????",
    "31/02/2025",
    "a" * 10_000,
    "ehcp " * 3_000,
]
BUTTONS = [
    "",
    ":",
    "a:",
    "m:",
    "f:x:y",
    "f:ehc-request-how:2",
    "ar:",
    "lg:xx",
    "dl:nope",
    "dd:x:2025-13-40",
    "cal:request_received:20x5-01",
    "rc:abc",
    "ics:",
    "rm:nope",
    "sk:",
    "yn:x:3",
    "zz",
    "a:" + "x" * 60,
]


@pytest.fixture(scope="module")
def conversation(tmp_path_factory: pytest.TempPathFactory) -> Conversation:
    from sendbot.deadlines import load_timelines

    timelines, _ = load_timelines(ROOT / "knowledge" / "timelines")
    store = SqliteStore(tmp_path_factory.mktemp("robust") / "db.sqlite")
    return Conversation(load_knowledge(ROOT / "knowledge"), store, I18n(LOCALES), timelines=timelines)


def random_text(rng: random.Random) -> str:
    alphabet = string.printable + "éßøñ—“”’🙂\u202e\u200b"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))


def test_awkward_messages_get_a_reply(conversation: Conversation) -> None:
    for text in AWKWARD:
        replies = conversation.handle(11, TextIn(text))
        assert replies and all(r.text.strip() for r in replies), repr(text[:40])


def test_forged_buttons_get_a_reply(conversation: Conversation) -> None:
    for data in BUTTONS:
        replies = conversation.handle(12, ButtonIn(data))
        assert replies and all(r.text.strip() for r in replies), data


def test_random_input_never_raises(conversation: Conversation) -> None:
    rng = random.Random(2026)
    conversation.handle(13, TextIn("/deadlines"))
    for _ in range(300):
        if rng.random() < 0.3:
            replies = conversation.handle(13, ButtonIn(random_text(rng)[:64]))
        else:
            replies = conversation.handle(13, TextIn(random_text(rng)))
        assert replies
