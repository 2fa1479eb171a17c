"""Property-based tests (hypothesis) over the conversation core: whatever a parent types
and whatever a button carries (forged, damaged, oversized), the core answers and never
raises; user text is never echoed at length or with bidi controls (issue 11)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendbot.channels.telegram import valid_callback_data
from sendbot.conversation.actions import LEGACY_CODES, Action, parse_action
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.replies import ButtonIn, TextIn
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.store.sqlite import SqliteStore
from tests.conftest import KB_SMALL, LOCALES, ROOT

CHAT = 31337
CODES = [a.value for a in Action] + list(LEGACY_CODES)
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


@pytest.fixture(scope="module")
def conversation() -> Iterator[Conversation]:
    from sendbot.deadlines import load_timelines

    timelines, _problems = load_timelines(ROOT / "knowledge" / "timelines")
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "p.db")
        yield Conversation(load_knowledge(KB_SMALL), store, I18n(LOCALES), timelines=timelines)
        store.close()


button_data = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda code, args: ":".join([code, *args]),
        st.sampled_from(CODES),
        st.lists(st.one_of(st.text(max_size=12), st.integers().map(str), st.just("9999-12")), max_size=3),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_gets_a_reply(conversation: Conversation, text: str) -> None:
    replies = conversation.handle(CHAT, TextIn(text))
    assert replies and all(r.text for r in replies)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=button_data)
def test_any_button_data_gets_a_reply(conversation: Conversation, data: str) -> None:
    checked = valid_callback_data(data)
    replies = conversation.handle(CHAT, ButtonIn(checked or ""))
    # A label-only button (a calendar's weekday heading) answers with nothing: Telegram's
    # spinner is stopped by the channel, which acknowledges every press.
    assert replies or parse_action(checked or "")[0] is Action.NOTHING


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=41, max_size=400))
def test_unknown_command_is_never_echoed_at_length(conversation: Conversation, word: str) -> None:
    text = "/" + "".join(c for c in word if not c.isspace() and c != "@") + "x" * 41
    for reply in conversation.handle(CHAT, TextIn(text)):
        assert text[1:] not in reply.text


@given(text=st.text(max_size=2000))
def test_echoed_input_is_short_and_has_no_bidi_controls(text: str) -> None:
    from sendbot.deadlines.dateparse import MAX_ECHO_CHARS, quote_input

    quoted = quote_input(text)
    assert len(quoted) <= MAX_ECHO_CHARS
    assert not set(quoted) & set(BIDI)


def test_a_long_bad_date_is_echoed_short_in_the_chat(conversation: Conversation) -> None:
    conversation.handle(CHAT, TextIn("/deadlines"))
    conversation.handle(CHAT, ButtonIn("timeline:annual-review"))
    replies = conversation.handle(CHAT, TextIn("abc\u202edef" * 3000))
    assert "I could not read" in replies[0].text
    assert sum(len(r.text) for r in replies) < 1000
    assert "\u202e" not in " ".join(r.text for r in replies)
    conversation.handle(CHAT, TextIn("/cancel"))


def test_phase_transfer_takes_a_year_not_a_date(capsys: pytest.CaptureFixture[str]) -> None:
    from sendbot.channels.cli import main

    assert main(["deadline", "phase-transfer", "31/02/2026"]) == 2
    assert "not a year" in capsys.readouterr().err
    assert main(["deadline", "phase-transfer", "September 2027"]) == 0


@given(text=st.text(max_size=9000), title=st.one_of(st.none(), st.text(min_size=1, max_size=80)))
def test_plain_fallback_has_the_same_chunks_as_html(text: str, title: str | None) -> None:
    from sendbot.channels.telegram import MAX_MESSAGE_CHARS, render_html, render_plain
    from sendbot.conversation.replies import Reply

    reply = Reply(text, title=title)
    plain, rich = render_plain(reply), render_html(reply)
    assert len(plain) == len(rich)
    assert all(len(chunk) <= MAX_MESSAGE_CHARS for chunk in plain)


def test_unknown_command_echo_has_no_bidi_controls(conversation: Conversation) -> None:
    (reply,) = conversation.handle(CHAT, TextIn("/abc\u202edef"))
    assert "\u202e" not in reply.text and "abcdef" in reply.text
