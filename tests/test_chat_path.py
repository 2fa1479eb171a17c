"""The chat gives a parent the reply that `sendbot eval` judges.

`sendbot eval` and `sendbot ask` judge the decision alone, but in the chat the conversation reads
a message first: a pasted council letter, an event to add to the case, danger. Before stop 41,
477 of the 8,502 English eval questions in scope got something else in the chat: stories that
named a draft plan were read as letters, stories that told of an event got only the offer to add
it, and danger dropped the choices. Every fourth English eval question goes through the real
`Conversation` here, each in a chat of its own, with the case files on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sendbot.answering.evaluate import EvalItem, load_eval
from sendbot.case.data import load_case_knowledge
from sendbot.case.store import CaseStore
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.mycase import CaseFiles
from sendbot.conversation.replies import TextIn
from sendbot.i18n import I18n
from sendbot.knowledge.model import KnowledgeBase
from sendbot.store.sqlite import SqliteStore
from tests.conftest import LOCALES, ROOT

EVERY = 4  # every fourth question: about 2,600, a few seconds
MAX_OTHER = 0.002  # measured at stop 41: 6 of 8,502 in scope (0.07%), pasted text that reads as a letter


@pytest.fixture(scope="module")
def conversation(full_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Conversation]:
    db = tmp_path_factory.mktemp("chat") / "bot.db"
    cases = CaseStore(db)
    conv = Conversation(
        full_kb, SqliteStore(db), I18n(LOCALES), case_files=CaseFiles(cases, load_case_knowledge(ROOT / "knowledge"))
    )
    yield conv
    conv.store.close()
    cases.close()


def sample(full_kb: KnowledgeBase) -> list[EvalItem]:
    items = [i for i in load_eval([ROOT / "tests" / "eval" / "real"], set(full_kb.entries)) if i.lang == "en"]
    return items[::EVERY]


def test_the_chat_gives_the_reply_that_is_judged(conversation: Conversation, full_kb: KnowledgeBase) -> None:
    other: list[str] = []
    in_scope = 0
    for chat, item in enumerate(sample(full_kb), start=1):
        replies = [r.text for r in conversation.handle(chat, TextIn(item.question))]
        state = conversation.store.load_chat(chat)
        judged = conversation.reply_for(conversation.decider.decide(item.question, state.area, state.lang), state)
        in_scope += item.in_scope
        if item.in_scope and not all(r.text in replies for r in judged):
            other.append(f"{item.file.name}:{item.line}")
    assert in_scope > 1500
    assert len(other) <= MAX_OTHER * in_scope, other
