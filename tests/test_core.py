"""The conversation core on the small fixture knowledge base, with a real SQLite store."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import pytest

from sendbot.conversation.dialogue import MAX_INPUT_CHARS, Conversation
from sendbot.conversation.presenter import MORE_PAGE_CHARS, more_pages
from sendbot.conversation.replies import MAX_CALLBACK_BYTES, Button, ButtonIn, Reply, TextIn
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.knowledge.model import MAX_ID_LENGTH, KnowledgeBase
from sendbot.store.base import Store
from sendbot.store.sqlite import SqliteStore

TESTS = Path(__file__).resolve().parent
KB_SMALL = TESTS / "fixtures" / "kb_small"
LOCALES = TESTS.parent / "locales"
CHAT = 4242
OTHER_CHAT = 777
QUESTION = "how do I ask for an EHC needs assessment"
STALE = "no longer works"
NO_WORDS = "couldn't find any words"
FALLBACK = "I don't know the answer"
LONG_NOTE = "That is a long message"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "db.sqlite"


@pytest.fixture
def store(db_path: Path) -> Iterable[Store]:
    store = SqliteStore(db_path)
    yield store
    store.close()


@pytest.fixture
def conv(store: Store) -> Conversation:
    return Conversation(load_knowledge(KB_SMALL), store, I18n(LOCALES))


def say(conv: Conversation, text: str, chat_id: int = CHAT) -> list[Reply]:
    return conv.handle(chat_id, TextIn(text))


def press(conv: Conversation, data: str, chat_id: int = CHAT) -> list[Reply]:
    return conv.handle(chat_id, ButtonIn(data))


def buttons(replies: Iterable[Reply]) -> list[Button]:
    return [button for reply in replies for row in reply.buttons for button in row]


def data_of(replies: Iterable[Reply]) -> list[str]:
    return [button.data for button in buttons(replies)]


def dump_database(path: Path) -> str:
    """Every table's every row, as SQL text, read through a separate connection."""
    with sqlite3.connect(path) as conn:
        return "\n".join(conn.iterdump())


# --- start and area ------------------------------------------------------------------------


def test_start_offers_area_buttons(conv: Conversation) -> None:
    [reply] = say(conv, "/start")
    assert "Where do you live?" in reply.text
    assert [(b.label, b.data) for b in buttons([reply])] == [
        ("Derby City", "area:derby"),
        ("Derbyshire", "area:derbyshire"),
        ("Elsewhere in England", "area:england"),
    ]


def test_pressing_an_area_stores_it(conv: Conversation, db_path: Path) -> None:
    say(conv, "/start")
    [reply] = press(conv, "area:derby")
    assert "Derby City" in reply.text
    assert conv.store.load_chat(CHAT).area == "derby"
    reopened = SqliteStore(db_path)
    try:
        state = reopened.load_chat(CHAT)
        assert state.area == "derby"
        assert state.lang == "en"
    finally:
        reopened.close()


def test_elsewhere_in_england_points_to_the_local_offer(conv: Conversation) -> None:
    [reply] = press(conv, "area:england")
    assert "Local Offer" in reply.text
    assert conv.store.load_chat(CHAT).area == "england"


def test_area_command_offers_the_same_buttons(conv: Conversation) -> None:
    assert data_of(say(conv, "/area")) == ["area:derby", "area:derbyshire", "area:england"]


# --- answers -------------------------------------------------------------------------------


def test_question_gets_an_answer_with_sources_and_buttons(conv: Conversation) -> None:
    [reply] = say(conv, QUESTION)
    assert reply.kind == "message"
    assert reply.title == "How to ask for an EHC needs assessment"
    assert "You can ask the council (local authority) yourself." in reply.text
    assert reply.foot is None  # the sources wait behind "More detail and sources"
    assert "Last checked November 2026." in reply.text
    [more] = press(conv, "more:ehc-request-how")
    assert more.foot is not None and more.foot.heading == "Sources:"
    [source] = more.foot.links
    assert source.label == "Children and Families Act 2014, s36(1)"  # the Act named, section short
    assert source.url == "https://www.legislation.gov.uk/ukpga/2014/6/section/36"
    assert "http" not in reply.text + more.text  # links live in the foot, never bare in the text
    assert "6 weeks" not in reply.text  # the detail waits behind "More detail"
    assert [(b.label, b.data) for b in buttons([reply])] == [
        ("More detail and sources", "more:ehc-request-how"),
        ("The council refused to assess", "answer:ehc-refused-assessment"),
        ("👍 Helpful", "helpful:ehc-request-how:1"),
        ("👎 Not helpful", "helpful:ehc-request-how:0"),
    ]


def test_the_detail_comes_a_page_at_a_time(store: Store, full_kb: KnowledgeBase) -> None:
    """A long "more" (`more_pages`): its first page edited in under the answer with a "Read on"
    button, each later page a new message with the next one's, the sources with the last."""
    conv = Conversation(full_kb, store, I18n(LOCALES))
    entry = full_kb.entries["ehc-refused-assessment"]
    pages = more_pages(entry.more.get_text("en") if entry.more else "")
    assert len(pages) > 2 and all(len(p) <= MORE_PAGE_CHARS or "\n\n" not in p for p in pages)
    [first] = press(conv, "more:ehc-refused-assessment")
    assert first.kind == "edit" and first.foot is None
    assert pages[0] in first.text and pages[1] not in first.text
    assert data_of([first])[0] == "more:ehc-refused-assessment:2"
    assert buttons([first])[0].label == f"Read on (2 of {len(pages)})"
    for page in range(2, len(pages) + 1):
        [reply] = press(conv, f"more:ehc-refused-assessment:{page}")
        assert reply.kind == "message" and reply.text == pages[page - 1]
        assert reply.title == f"{entry.title.get_text('en')} ({page} of {len(pages)})"
        last = page == len(pages)
        assert data_of([reply]) == ([] if last else [f"more:ehc-refused-assessment:{page + 1}"])
        assert (reply.foot is not None) is last
    assert "".join(pages).replace("\n", "") == (entry.more.get_text("en") if entry.more else "").replace("\n", "")


def test_more_pages_keep_paragraphs_whole_and_lead_ins_with_what_follows() -> None:
    one, two, three = "a" * 500, "b" * 500, "c" * 500
    assert more_pages(f"{one}\n\n{two}\n\n{three}", limit=1100) == (f"{one}\n\n{two}", three)
    assert more_pages("x" * 2000, limit=1100) == ("x" * 2000,)  # a long paragraph is a page of its own
    lead_in = "a" * 1000 + ":"
    assert more_pages(f"{lead_in}\n\n- {two}\n\n{three}", limit=1100) == (f"{lead_in}\n\n- {two}", three)
    assert more_pages("") == ()


def test_more_button_edits_in_the_detail(conv: Conversation) -> None:
    say(conv, QUESTION)
    [reply] = press(conv, "more:ehc-request-how")
    assert reply.kind == "edit"
    assert reply.title == "How to ask for an EHC needs assessment"
    assert "The council must decide within 6 weeks whether to assess." in reply.text
    assert "You can ask the council (local authority) yourself." in reply.text
    assert "more:ehc-request-how" not in data_of([reply])
    assert "helpful:ehc-request-how:1" in data_of([reply])


def test_related_button_answers_the_related_entry(conv: Conversation) -> None:
    [reply] = press(conv, "answer:ehc-refused-assessment")
    assert reply.title == "The council refused to assess"
    assert "SEND Tribunal" in reply.text
    assert ("Sources", "more:ehc-refused-assessment") in [(b.label, b.data) for b in buttons([reply])]  # no detail


def test_vague_question_gets_suggestions_and_none_of_these(conv: Conversation) -> None:
    [reply] = say(conv, "the assessment")
    assert "Did you mean" in reply.text
    data = data_of([reply])
    assert data[-1] == "none"
    assert set(data[:-1]) <= {
        "answer:ehc-refused-assessment",
        "answer:ehc-request-how",
        "answer:social-care-assessment",
    }
    [fallback] = press(conv, "none")
    assert FALLBACK in fallback.text
    assert [card.name for card in fallback.cards][-1].startswith("SOS!SEN")


def test_a_story_gets_its_choices_with_thanks(conv: Conversation) -> None:
    """A long message that gets choices, not an answer, is thanked, not told "I'm not sure"."""
    story = (
        "we have had a really hard year with our son and the school keep mentioning an assessment and the "
        "council have also said something about it in a letter that came last week, i honestly do not "
        "understand any of it and i feel lost"
    )
    [reply] = say(conv, story)
    assert reply.text.startswith("Thank you for telling me about this.")
    assert "answer:ehc-request-how" in data_of([reply])


def test_off_topic_gets_the_fallback_with_local_helplines_first(conv: Conversation) -> None:
    press(conv, "area:derby")
    [reply] = say(conv, "what is the capital of France")
    assert FALLBACK in reply.text
    names = [card.name for card in reply.cards]
    assert len(names) == 2  # the chat's area first, then one national helpline: not a wall of contacts
    assert names[0].startswith("Derby") and names[1].startswith("SOS!SEN")
    assert reply.buttons == ()


def test_a_declined_send_question_gets_one_way_back(store: Store) -> None:
    """The "not me" and its helplines, and one button for the entry it may still be about
    (`MatchResult.maybe`), which opens that entry."""
    full = Conversation(load_knowledge(TESTS.parent / "knowledge"), store, I18n(LOCALES))
    [reply] = say(full, "how do you get a CAMHS referral in derbyshire, GP says they bounce everything back")
    assert reply.text.startswith("I can't diagnose") and reply.cards  # the "not me" and its helplines stay
    [[button]] = reply.buttons
    assert button.label == f"Did you mean: {full.kb.entries['camhs-derbyshire'].button_title('en')}?"
    assert button.data == "answer:camhs-derbyshire"
    [opened] = press(full, button.data)
    assert opened.title == full.kb.entries["camhs-derbyshire"].title.get_text("en")


# --- feedback and privacy -------------------------------------------------------------------


def test_feedback_is_counted(conv: Conversation) -> None:
    say(conv, QUESTION)
    [thanks] = press(conv, "helpful:ehc-request-how:1")
    assert thanks.kind == "notice"
    assert conv.store.feedback_counts() == {"ehc-request-how": (1, 0)}
    press(conv, "helpful:ehc-request-how:0", chat_id=OTHER_CHAT)
    assert conv.store.feedback_counts() == {"ehc-request-how": (1, 1)}
    press(conv, "helpful:ehc-request-how:0")  # a chat changing its mind is one vote, not two
    assert conv.store.feedback_counts() == {"ehc-request-how": (0, 2)}


def test_no_message_text_is_stored(conv: Conversation, db_path: Path) -> None:
    secret = "My son Zebedee Quixotewright keeps getting sent home and the LA refused to assess"
    questions = [QUESTION, secret, "what is the capital of France", "council"]
    say(conv, "/start")
    press(conv, "area:derby")
    for text in questions:
        say(conv, text)
    press(conv, "helpful:ehc-refused-assessment:1")
    dump = dump_database(db_path)
    assert "derby" in dump  # the dump really holds the chat's rows
    assert "ehc-refused-assessment" in dump
    for text in questions:
        assert text not in dump
        assert text.lower() not in dump.lower()
    assert "Zebedee" not in dump
    assert "Quixotewright" not in dump
    # Nor in the raw files (pages, write-ahead log), where deleted or uncommitted text could hide.
    for path in db_path.parent.glob(db_path.name + "*"):
        assert b"Quixotewright" not in path.read_bytes()


def test_forget_deletes_every_row(conv: Conversation, store: Store, db_path: Path) -> None:
    say(conv, "/start")
    press(conv, "area:derby")
    say(conv, QUESTION)
    press(conv, "helpful:ehc-request-how:1")
    store.add_reminder(CHAT, datetime(2027, 1, 5, 9, 0, tzinfo=timezone.utc), "Annual review due")
    press(conv, "area:derbyshire", chat_id=OTHER_CHAT)
    assert store.rows_about(CHAT) == 3

    [ask] = say(conv, "/forget")
    assert data_of([ask]) == ["forget:yes", "forget:no"]
    assert store.rows_about(CHAT) == 3  # nothing is deleted until the parent confirms
    [kept] = press(conv, "forget:no")
    assert kept.kind == "edit" and kept.buttons == () and store.rows_about(CHAT) == 3
    [reply] = press(conv, "forget:yes")

    assert reply.kind == "edit" and "deleted everything" in reply.text
    assert store.rows_about(CHAT) == 0
    assert store.feedback_counts() == {}
    assert store.pending_reminders(CHAT) == []
    assert str(CHAT) not in dump_database(db_path)
    assert store.rows_about(OTHER_CHAT) == 1  # other chats are untouched
    assert store.load_chat(CHAT).area is None


def test_privacy_command_says_what_is_kept(conv: Conversation) -> None:
    [reply] = say(conv, "/privacy")
    assert "never store" in reply.text


# --- odd input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "a:no-such-id",
        "zz:1",
        "",
        ":",
        ":::",
        "a",
        "a:",
        "m",
        "m:no-such-id",
        "f:ehc-request-how",
        "f:ehc-request-how:2",
        "f:no-such-id:1",
        "ar:atlantis",
        "ar",
        "lg:xx",
        "lg",
        "a:" + "x" * 200,
        "ar:national",
        "more:ehc-request-how:2",  # a page its detail does not have
        "more:ehc-request-how:0",
        "more:ehc-request-how:x",
        "more:ehc-request-how:2:3",
    ],
)
def test_stale_or_forged_button_gets_a_kind_reply(conv: Conversation, data: str) -> None:
    [reply] = press(conv, data)
    assert STALE in reply.text
    assert conv.store.feedback_counts() == {}
    assert conv.store.load_chat(CHAT).area is None


@pytest.mark.parametrize("text", ["", " ", "   \n\t  ", "😀😀😀", "🙏", "...", "?!", "—"])
def test_message_without_words_gets_a_kind_reply(conv: Conversation, text: str) -> None:
    [reply] = say(conv, text)
    assert NO_WORDS in reply.text


def test_very_long_message_is_read_from_both_ends(conv: Conversation) -> None:
    story = "We have had a very hard year with school and I do not know where to turn. " * 70
    text = story + QUESTION + "?"
    assert len(text) > 5000
    replies = say(conv, text)
    assert LONG_NOTE in replies[0].text
    assert replies[1].title == "How to ask for an EHC needs assessment"


@pytest.mark.parametrize("text", ["x" * 5000, "ehcp " * 1000, "😀" * 5000, "a. " * 1700])
def test_very_long_odd_message_gets_a_reply(conv: Conversation, text: str) -> None:
    assert len(text) >= 5000
    replies = say(conv, text)
    assert replies
    assert all(reply.text for reply in replies)
    if text.strip("😀"):
        assert LONG_NOTE in replies[0].text


def test_long_limit_is_a_named_setting() -> None:
    assert 500 <= MAX_INPUT_CHARS < 5000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi", "Hello!"),
        ("Hello there!", "Hello!"),
        ("good morning", "Hello!"),
        ("thanks", "You're welcome"),
        ("Thank you so much!", "You're welcome"),
        ("cheers", "You're welcome"),
        ("help", "Commands:"),
        ("what can you do?", "Commands:"),
        ("bye", "Goodbye"),
    ],
)
def test_small_talk_is_answered_kindly(conv: Conversation, text: str, expected: str) -> None:
    [reply] = say(conv, text)
    assert expected in reply.text
    assert FALLBACK not in reply.text


def test_greeting_with_a_question_goes_to_the_knowledge_base(conv: Conversation) -> None:
    [reply] = say(conv, "Hi, the LA refused to assess my son, what can I do?")
    assert reply.title == "The council refused to assess"


@pytest.mark.parametrize("command", ["/foo", "/FOO@sendbot_bot", "/foo bar baz", "/"])
def test_unknown_command_gets_a_helpful_reply(conv: Conversation, command: str) -> None:
    [reply] = say(conv, command)
    assert "I don't know the command" in reply.text
    assert "/help" in reply.text


def test_unknown_command_name_is_shortened(conv: Conversation) -> None:
    [reply] = say(conv, "/" + "z" * 500)
    assert len(reply.text) < 200


@pytest.mark.parametrize("command", ["/help", "/HELP", "/help@sendbot_bot"])
def test_help_command(conv: Conversation, command: str) -> None:
    [reply] = say(conv, command)
    assert "/forget" in reply.text


def test_contacts_command_lists_local_then_national(conv: Conversation) -> None:
    [before] = say(conv, "/contacts")
    assert all(not card.name.startswith("Derby") for card in before.cards)
    assert any(card.name.startswith("SOS!SEN") for card in before.cards)
    press(conv, "area:derby")
    [after] = say(conv, "/contacts")  # the chat's area first, the rest a page at a time
    assert "Derby SENDIASS" in [card.name for card in after.cards]
    assert "contacts:national" in data_of([after])
    [national] = press(conv, "contacts:national")
    assert national.kind == "edit"
    assert any(card.name == "SOS!SEN" and card.phone == "0300 302 3731" for card in national.cards)
    assert "contacts:derby" in data_of([national])


def test_language_command_and_button(conv: Conversation) -> None:
    [reply] = say(conv, "/language")
    assert "lang:en" in data_of([reply])
    [chosen] = press(conv, "lang:en")
    assert "English" in chosen.text
    assert conv.store.load_chat(CHAT).lang == "en"


# --- callback data size ----------------------------------------------------------------------


def _every_reply(conv: Conversation) -> list[Reply]:
    replies: list[Reply] = []
    for text in [
        "/start",
        "/area",
        "/language",
        "/help",
        "/contacts",
        QUESTION,
        "council",
        "the council refused to assess my child",
        "who is sendiass in derby",
        "hello",
    ]:
        replies += say(conv, text)
    for data in data_of(list(replies)):
        replies += press(conv, data)
    return replies


def test_every_button_fits_telegram_callback_data(conv: Conversation) -> None:
    replies = _every_reply(conv)
    assert len(buttons(replies)) > 20
    for button in buttons(replies):
        assert len(button.data.encode("utf-8")) <= MAX_CALLBACK_BYTES


def test_longest_ids_still_fit(tmp_path: Path, store: Store) -> None:
    root = tmp_path / "kb"
    shutil.copytree(KB_SMALL, root)
    entries = root / "entries" / "ehc.yaml"
    long_a = ("ehc-request-how-" + "a" * 40)[:MAX_ID_LENGTH]
    long_b = ("ehc-refused-assessment-" + "b" * 40)[:MAX_ID_LENGTH]
    text = entries.read_text(encoding="utf-8")
    entries.write_text(
        text.replace("ehc-request-how", long_a).replace("ehc-refused-assessment", long_b), encoding="utf-8"
    )
    conv = Conversation(load_knowledge(root), store, I18n(LOCALES))
    replies = _every_reply(conv)
    assert f"helpful:{long_a}:1" in data_of(replies)
    for button in buttons(replies):
        assert len(button.data.encode("utf-8")) <= MAX_CALLBACK_BYTES


def test_button_refuses_oversized_data() -> None:
    with pytest.raises(ValueError):
        Button("x", "answer:" + "é" * 40)


# --- safety ---------------------------------------------------------------------------------


@pytest.fixture
def full_conv(full_kb: KnowledgeBase, store: Store) -> Conversation:
    """The real knowledge base: safety words and local safeguarding entries are data there."""
    return Conversation(full_kb, store, I18n(LOCALES))


def title_of(kb: KnowledgeBase, entry_id: str) -> str:
    return kb.entries[entry_id].title.get_text("en")


def test_message_about_danger_gets_the_crisis_entry_first(full_conv: Conversation, full_kb: KnowledgeBase) -> None:
    replies = full_conv.handle(5, TextIn("DD is 14, she says she wants to die and the LA still won't assess her"))
    assert replies[0].title == title_of(full_kb, "contacts-mental-health-crisis")
    assert "116 123" in replies[0].text
    assert len(replies) >= 2  # and the question about the council is still answered or suggested


def test_danger_first_then_the_choices_when_the_rest_is_unsure(full_conv: Conversation, full_kb: KnowledgeBase) -> None:
    """Before stop 41 a message about danger whose other question got choices got the crisis
    entry alone: the choices were dropped."""
    message = (
        "DD is 14, she has been self harming and camhs have a 2 year wait, "
        "is there anything the school or council must do"
    )
    replies = full_conv.handle(9, TextIn(message))
    assert replies[0].title == title_of(full_kb, "contacts-mental-health-crisis")
    assert len(replies) == 2 and any(b.data.startswith("answer:") for row in replies[1].buttons for b in row)


@pytest.mark.parametrize(
    "message",
    [
        "he has locked himself in the bathroom and keeps saying he doesnt want to be here anymore",
        "she says she'd be better off dead, what do i do",
        "DS (13) tried to hurt himself last night",
        "i cant go on like this, no one will help us",
    ],
)
def test_words_of_despair_get_the_crisis_entry_first(
    full_conv: Conversation, full_kb: KnowledgeBase, message: str
) -> None:
    replies = full_conv.handle(5, TextIn(message))
    assert replies[0].title == title_of(full_kb, "contacts-mental-health-crisis")


def test_a_school_trip_he_cant_go_on_is_not_a_crisis(full_conv: Conversation, full_kb: KnowledgeBase) -> None:
    replies = full_conv.handle(5, TextIn("school say ds cant go on the yr 6 residential because of his autism"))
    assert replies[0].title != title_of(full_kb, "contacts-mental-health-crisis")


def test_danger_in_derby_gets_the_local_safeguarding_entry(full_conv: Conversation, full_kb: KnowledgeBase) -> None:
    full_conv.handle(6, ButtonIn("area:derby"))
    replies = full_conv.handle(6, TextIn("i think my son is being abused"))
    assert replies[0].title == title_of(full_kb, "contacts-derby-child-at-risk")


def test_danger_in_a_named_town_gets_that_councils_safeguarding_entry(
    full_conv: Conversation, full_kb: KnowledgeBase
) -> None:
    replies = full_conv.handle(7, TextIn("i think the boy next door is being abused, we live in Chesterfield"))
    assert replies[0].title == title_of(full_kb, "contacts-derbyshire-child-at-risk")
    replies = full_conv.handle(8, TextIn("i think the boy next door is being abused, we're in Alvaston"))
    assert replies[0].title == title_of(full_kb, "contacts-derby-child-at-risk")


def test_command_menu_lists_only_commands_the_core_handles(conv: Conversation) -> None:
    menu = conv.command_menu("en")
    assert [name for name, _ in menu][:2] == ["start", "help"]
    for name, description in menu:
        assert description
        replies = conv.handle(77, TextIn(f"/{name}"))
        assert replies and "don't know the command" not in replies[0].text


def test_buttons_sent_by_earlier_versions_still_work(conv: Conversation) -> None:
    """Buttons in parents' chats carry the short codes of earlier versions (a:, m:, ...)."""
    [reply] = press(conv, "a:ehc-request-how")
    assert STALE not in reply.text and reply.title
    [more] = press(conv, "m:ehc-request-how")
    assert more.kind == "edit"


def test_action_codes_are_unique_readable_and_fit_telegram() -> None:
    from sendbot.conversation.actions import LEGACY_CODES, Action, action, parse_action

    codes = [name.value for name in Action]
    assert len(set(codes) | set(LEGACY_CODES)) == len(codes) + len(LEGACY_CODES)
    assert all(len(code) >= 3 for code in codes)
    assert parse_action(action(Action.FEEDBACK, "x" * 40, "1")) == (Action.FEEDBACK, ["x" * 40, "1"])
    assert parse_action("zz:1") == (None, ["1"])
    with pytest.raises(ValueError, match="64 bytes"):
        action(Action.ANSWER, "x" * 60)
    with pytest.raises(ValueError, match="':'"):
        action(Action.ANSWER, "a:b")


def test_help_is_the_command_menu(conv: Conversation) -> None:
    [reply] = say(conv, "/help")
    for name, text in conv.command_menu("en"):
        assert f"/{name} – {text}" in reply.text
    handled = set(conv._commands)
    assert {name for name, _ in conv.command_menu("en")} <= handled  # every command in the menu works


def test_every_small_talk_intent_has_a_reply(conv: Conversation) -> None:
    from sendbot.knowledge.model import SMALLTALK_INTENTS

    for intent in SMALLTALK_INTENTS:
        assert conv.presenter.smalltalk_text(intent, "en")


def test_an_action_or_command_handled_twice_or_not_at_all_is_refused() -> None:
    from sendbot.conversation.actions import Action, dispatch_table, merge_handlers

    every = {name: name.value for name in Action}
    assert dispatch_table(every) == every
    with pytest.raises(ValueError, match="handled twice"):
        dispatch_table(every, {Action.MORE: "again"})
    with pytest.raises(ValueError, match="no handler"):
        dispatch_table({Action.MORE: "only this"})
    with pytest.raises(ValueError, match="no handler for command"):
        merge_handlers("command", ({"start": 1},), ["start", "help"])
