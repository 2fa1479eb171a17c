"""Each language end to end through the fake Bot API and the real PTB Application, on the real
knowledge base: a user whose Telegram is set to the language gets /start and an answer in it,
the command menu is registered per language, and /language offers the six languages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import Application

from sendbot.channels.telegram import build_application
from sendbot.conversation.dialogue import Conversation
from sendbot.i18n import LANGUAGES, LRI, PDI, I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.store.sqlite import SqliteStore
from tests.conftest import LOCALES, ROOT
from tests.fakebotapi import FakeBotAPI, bot_settings

KNOWLEDGE = ROOT / "knowledge"
WELCOME_END = "Where do you live? I'll show your local contacts first."
# (language, question, a phrase of the answer in that language)
CASES = [
    ("en", "how do I ask for an EHC needs assessment?", "You can ask the council"),
    ("pl", "co to jest ehcp i czy moje dziecko moze go dostac", "czyli plan edukacji, zdrowia i opieki"),
    ("ur", "EHC plan کیا ہوتا ہے اور کس کو ملتا ہے", "تعلیم، صحت اور نگہداشت کا منصوبہ"),
    ("pa", "EHC plan ਕੀ ਹੁੰਦਾ ਹੈ ਅਤੇ ਕਿਸਨੂੰ ਮਿਲਦਾ ਹੈ", "ਸਿੱਖਿਆ, ਸਿਹਤ ਅਤੇ ਦੇਖਭਾਲ ਯੋਜਨਾ"),
    ("sk", "how do I ask for an EHC needs assessment?", "Táto odpoveď ešte nie je preložená do slovenčiny"),
    ("ro", "how do I ask for an EHC needs assessment?", "Acest răspuns nu a fost încă tradus în limba română"),
]


@pytest.fixture
async def running(fake_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[FakeBotAPI]:
    """The bot, started as `run_polling` starts it (post_init, which registers the menus, included)."""
    settings = bot_settings(fake_api, tmp_path / "bot.db", SENDBOT_KNOWLEDGE=str(KNOWLEDGE))
    store = SqliteStore(settings.db_path)
    app: Application = build_application(Conversation(load_knowledge(KNOWLEDGE), store, I18n(LOCALES)), settings)
    async with app:
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        yield fake_api
        await app.updater.stop()
        await app.stop()
    store.close()


@pytest.mark.parametrize(("lang", "question", "phrase"), CASES)
async def test_start_and_an_answer_in_the_users_language(
    running: FakeBotAPI, lang: str, question: str, phrase: str
) -> None:
    api, chat = running, 7000 + LANGUAGES.index(lang)
    welcome = I18n(LOCALES).translator(lang).gettext(WELCOME_END)
    api.push_text(chat, "/start", language_code=lang)
    (start,) = await api.wait_for("sendMessage")
    assert welcome.split("?")[0].split("؟")[0] in start.params["text"]
    api.push_text(chat, question, language_code=lang)
    _, answer = await api.wait_for("sendMessage", 2)
    text = answer.params["text"]
    assert phrase in text
    checked = (
        I18n(LOCALES).translator(lang).gettext("Last checked {month}. General information, not advice on your case.")
    )
    assert checked.split("{month}")[0] in text  # the answer's foot is in the user's language too
    if lang == "ur":  # right to left: every number isolated, outside links
        assert f"{LRI}25{PDI}" in text
        links = [part.split('"')[0] for part in text.split('href="')[1:]]
        assert all(LRI not in link and PDI not in link for link in links)  # links stay whole


async def test_the_command_menu_is_registered_per_language(running: FakeBotAPI) -> None:
    calls = await running.wait_for("setMyCommands", len(LANGUAGES))
    by_lang = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert set(by_lang) == {None, *LANGUAGES[1:]}
    described = {lang: {c["command"]: c["description"] for c in commands} for lang, commands in by_lang.items()}
    assert described["pl"]["language"] == "Zmień język"
    assert described["ur"]["language"] == "زبان بدلیں"
    assert described[None]["language"] == "Change the language"
    assert all(set(d) == set(described[None]) for d in described.values())


async def test_language_button_offers_six_languages_in_their_own_names(running: FakeBotAPI) -> None:
    running.push_text(7100, "/language", language_code="en")
    (call,) = await running.wait_for("sendMessage")
    labels = [b["text"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["English", "polski", "اردو", "ਪੰਜਾਬੀ", "slovenčina", "română"]
    running.push_button(7100, "lang:pl")
    await running.wait_for("answerCallbackQuery")
    running.push_text(7100, "/help", language_code="en")  # remembered: Telegram's setting no longer decides
    calls = await running.wait_for("sendMessage", 3)
    assert "/language – Zmień język" in calls[-1].params["text"]
