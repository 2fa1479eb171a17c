"""End to end, the real PTB Application over HTTP against the fake Bot API: a parent records
three events in the chat (buttons and a typed date, a PDF letter, their own words; told with a
question, the event is offered after the answer), sees the
case's next date, is asked the day after the council misses it (the watch job, after a
restart on the same SQLite file with the clock past the date), gets the letter and the
chronology as documents, and /forget leaves no case row."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from docx import Document

from sendbot.case.data import load_case_knowledge
from sendbot.case.events import EventKind
from sendbot.case.store import CaseStore
from sendbot.channels.telegram import build_application
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.mycase import CaseFiles
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.store.sqlite import SqliteStore
from tests.conftest import KB_SMALL, LOCALES, ROOT
from tests.fakebotapi import Call, FakeBotAPI, bot_settings
from tests.test_case_reader import minimal_pdf

CHAT = 5151
BEFORE = datetime(2026, 4, 10, 10, 0, tzinfo=timezone.utc)  # 11:00 in London
DAY_AFTER = datetime(2026, 4, 15, 10, 0, tzinfo=timezone.utc)  # the decision was due on 14 April
KNOWLEDGE = load_case_knowledge(ROOT / "knowledge")


@asynccontextmanager
async def running(api: FakeBotAPI, db: Path, now: datetime) -> AsyncIterator[Conversation]:
    """One run of the bot on ``db`` with the clock stopped at ``now``."""
    store = SqliteStore(db, lambda: now)
    cases = CaseStore(db)
    conversation = Conversation(
        load_knowledge(KB_SMALL),
        store,
        I18n(LOCALES),
        clock=lambda: now,
        case_files=CaseFiles(cases, KNOWLEDGE),
    )
    app = build_application(conversation, bot_settings(api, db, SENDBOT_REMINDER_INTERVAL="0.05"))
    async with app:
        await app.start()
        if app.updater is None:
            raise RuntimeError("no updater")
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield conversation
        finally:
            await app.updater.stop()
            await app.stop()
    store.close()
    cases.close()


def buttons(call: Call) -> dict[str, str]:
    markup: dict[str, Any] = call.params.get("reply_markup") or {"inline_keyboard": []}
    return {b["text"]: b["callback_data"] for row in markup["inline_keyboard"] for b in row}


async def next_message(api: FakeBotAPI) -> Call:
    return (await api.wait_for("sendMessage", len(api.calls_to("sendMessage")) + 1))[-1]


async def test_a_case_recorded_in_the_chat_is_watched_across_a_restart(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    api, db = fake_api, tmp_path / "bot.db"
    async with running(api, db, BEFORE):
        # 1. By buttons and a typed date.
        api.push_text(CHAT, "/mycase")
        menu = await next_message(api)
        api.push_button(CHAT, buttons(menu)["The council received the request for an EHC needs assessment"])
        assert (await next_message(api)).params["text"].startswith("On what date?")
        api.push_text(CHAT, "3 March 2026")
        added = await next_message(api)
        assert (
            "Added: The council received the request for an EHC needs assessment, 3 March 2026."
            in (added.params["text"])
        )
        # 2. A council letter sent as a PDF: read, offered with one tap, not kept.
        api.push_document(
            CHAT,
            "letter.pdf",
            minimal_pdf(["Date: 1 April 2026", "Your child has been given a fixed-term exclusion of 3 days."]),
            "application/pdf",
        )
        read = await next_message(api)
        assert "exclusion notice" in read.params["text"] and "1 April 2026" in read.params["text"]
        api.push_button(CHAT, next(iter(buttons(read).values())))
        assert "Added: Your child was excluded from school" in (await next_message(api)).params["text"]
        # 3. In the parent's own words.
        api.push_text(CHAT, "The annual review meeting is on 20 May 2026")
        offer = await next_message(api)
        assert "Shall I add it to your case?" in offer.params["text"]
        api.push_button(CHAT, buttons(offer)["Add it"])
        await next_message(api)
        # 4. An event told with a question: the answer first, then the offer (not tapped).
        api.push_text(CHAT, "They refused to assess him on 1 April 2026, what are my options")
        answer, offer = await next_message(api), await next_message(api)
        assert "Shall I add it to your case?" not in answer.params["text"]
        assert "Shall I add it to your case?" in offer.params["text"]
        # The case, with its next date.
        api.push_text(CHAT, "/mycase")
        view = (await next_message(api)).params["text"]
        assert "Next date the council must meet: The council tells you whether it will assess, 14 April 2026." in view
        assert "Missed" not in view
    kept = b"".join(path.read_bytes() for path in tmp_path.glob("bot.db*"))  # the database and its WAL
    assert b"fixed-term" not in kept and b"letter.pdf" not in kept  # the letter was read, not kept

    async with running(api, db, DAY_AFTER) as conversation:  # a restart, the day after the date
        question = await next_message(api)
        assert question.params["chat_id"] == CHAT
        assert question.params["text"] == (
            "The council had to tell you by 14 April 2026 whether it will assess your child. Did it?"
        )
        assert conversation.mycase.due_watch(DAY_AFTER, lambda chat: True) == []  # marked sent: asked once
        api.push_button(CHAT, buttons(question)["Not yet"])
        late = await next_message(api)
        assert "What the law says" in late.params["text"] and "What to do now" in late.params["text"]
        letter = await next_message(api)
        assert "14 April 2026" in letter.params["text"] and "3 March 2026" in letter.params["text"]
        (document,) = await api.wait_for("sendDocument", 1)
        assert document.params["document_filename"] == "chase-assessment-decision.docx"
        docx = Document(io.BytesIO(document.files["document"]))
        assert any("14 April 2026" in p.text for p in docx.paragraphs)

        api.push_text(CHAT, "/mycase")
        view = await next_message(api)
        api.push_button(CHAT, buttons(view)["Chronology and calendar"])
        chronology = await next_message(api)
        assert "3 March 2026" in chronology.params["text"]
        files = [c.params["document_filename"] for c in await api.wait_for("sendDocument", 3)]
        assert files[1:] == ["chronology.docx", "case-dates.ics"]

        api.push_text(CHAT, "/forget")
        await next_message(api)
        api.push_button(CHAT, "forget:yes")
        await api.wait_for("editMessageText", 1)
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT COUNT(*) FROM cases WHERE chat_id = ?", (CHAT,)).fetchone() == (0,)
        assert conversation.store.rows_about(CHAT) == 0
    asked = [c for c in api.calls_to("sendMessage") if c.params["text"] == question.params["text"]]
    assert len(asked) == 1  # the job ran many times (every 0.05 s) and asked once


async def test_the_watch_waits_for_a_civil_hour(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    cases = CaseStore(db)
    cases.add_event(CHAT, "S", EventKind.ASSESSMENT_REQUESTED, date(2026, 3, 3), date(2026, 3, 4))
    cases.close()
    early = datetime(2026, 4, 15, 5, 0, tzinfo=timezone.utc)  # 06:00 in London, the day after the date
    async with running(fake_api, db, early) as conversation:
        fake_api.push_text(CHAT, "/help")  # a round trip longer than many watch intervals (0.05 s)
        (help_reply,) = await fake_api.wait_for("sendMessage")
        assert "/mycase" in help_reply.params["text"]
        assert len(conversation.mycase.due_watch(early, lambda chat: True)) == 1  # still unasked
