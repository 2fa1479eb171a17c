"""/mycase in the conversation: buttons through the dispatch table, the typed date and names
it waits for (kept as a typed CaseFlow across a restart), letters, export, deleting one
case, events told in the parent's own words, a pasted council letter, /forget."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from sendbot.case.data import load_case_knowledge
from sendbot.case.store import CaseStore
from sendbot.channels.terminal import run_terminal
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.mycase import CaseFiles, read_names
from sendbot.conversation.replies import ButtonIn, Reply, TextIn
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.store.sqlite import SqliteStore
from sendbot.store.state import CaseAsking, CaseFlow, ChatState
from tests.conftest import KB_SMALL, LOCALES, ROOT

CHAT = 31
NOW = datetime(2026, 4, 20, 10, 0, tzinfo=timezone.utc)
KNOWLEDGE = load_case_knowledge(ROOT / "knowledge")


def build(path: Path) -> Conversation:
    return Conversation(
        load_knowledge(KB_SMALL),
        SqliteStore(path),
        I18n(LOCALES),
        clock=lambda: NOW,
        case_files=CaseFiles(CaseStore(path), KNOWLEDGE),
    )


@pytest.fixture
def conv(tmp_path: Path) -> Iterator[Conversation]:
    conversation = build(tmp_path / "db.sqlite")
    yield conversation
    conversation.store.close()


def say(conv: Conversation, text: str) -> list[Reply]:
    return conv.handle(CHAT, TextIn(text))


def press(conv: Conversation, data: str) -> list[Reply]:
    return conv.handle(CHAT, ButtonIn(data))


def button(replies: list[Reply], starts: str) -> str:
    return next(b.data for r in replies for row in r.buttons for b in row if b.label.startswith(starts))


def test_mycase_is_in_the_menu_and_help(conv: Conversation) -> None:
    assert "mycase" in [name for name, _ in conv.command_menu("en")]
    assert "/mycase – Your child's case" in say(conv, "/help")[0].text


def test_a_case_recorded_by_buttons_and_typed_dates(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    conv = build(path)
    [menu] = say(conv, "/mycase")
    assert menu.title == "My case" and len(menu.buttons) == 12
    [ask] = press(conv, button([menu], "The council received the request"))
    assert ask.text.startswith("On what date?")
    assert conv.store.load_chat(CHAT).case == CaseFlow(CaseAsking.DATE, "new", "assessment-requested")
    conv.store.close()

    conv = build(path)  # a restart while the question is open
    [bad] = say(conv, "next week sometime")
    assert bad.text.startswith("I could not add that") and "Type the date again" in bad.text
    [added] = say(conv, "3rd March 2026")
    assert added.text.startswith("Added: The council received the request for an EHC needs assessment, 3 March 2026.")
    assert "Missed: The council tells you whether it will assess, 14 April 2026." in added.text
    assert conv.store.load_chat(CHAT).case is None
    # The next typed message is a question again, not a date.
    assert not say(conv, "what is an EHC plan?")[0].text.startswith("I could not add that")
    conv.store.close()


def test_letter_asks_for_names_and_keeps_none(conv: Conversation, tmp_path: Path) -> None:
    say(conv, "/mycase")
    press(conv, "case-event:new:assessment-requested")
    [view] = say(conv, "3 March 2026")
    [ask] = press(conv, button([view], "Letter: "))
    assert "Whose names" in ask.text and ask.buttons[0][0].label == "Leave the names blank"
    text, docx = say(conv, "Jane Smith, Sam")
    assert "Jane Smith" in text.text and "Sam" in text.text and "14 April 2026" in text.text
    assert docx.document is not None and docx.document.filename.endswith(".docx")
    raw = (tmp_path / "db.sqlite").read_bytes() + Path(f"{tmp_path / 'db.sqlite'}-wal").read_bytes()
    assert b"Jane Smith" not in raw  # the names were used for the letter only
    blank = press(conv, button([ask], "Leave the names blank"))
    assert "[fill in: your name]" in blank[0].text


def test_read_names() -> None:
    assert read_names("Jane Smith, Sam") == {"parent_name": "Jane Smith", "child_name": "Sam"}
    assert read_names("Jane and Sam") == {"parent_name": "Jane", "child_name": "Sam"}
    assert read_names("Jane") == {"parent_name": "Jane", "child_name": None}


def test_export_delete_and_forget(conv: Conversation) -> None:
    press(conv, "case-event:new:assessment-requested")
    say(conv, "2026-03-03")
    text, data = say(conv, "/mycase export")
    assert text.document is not None and b"3 March 2026" in text.document.content
    assert data.document is not None
    assert json.loads(data.document.content)["cases"][0]["events"] == [
        {"event": "assessment-requested", "date": "2026-03-03"}
    ]
    [view] = say(conv, "/mycase")
    [confirm] = press(conv, button([view], "Delete this case"))
    assert "cannot be undone" in confirm.text
    [deleted] = press(conv, button([confirm], "Yes, delete it"))
    assert deleted.text.startswith("Deleted the case my child")
    press(conv, "case-event:new:exclusion")
    say(conv, "yesterday")
    assert conv.store.rows_about(CHAT) > 1
    say(conv, "/forget")
    press(conv, "forget:yes")
    assert conv.store.rows_about(CHAT) == 0


def test_buttons_of_another_chat_or_forged_are_stale(conv: Conversation) -> None:
    press(conv, "case-event:new:assessment-requested")
    say(conv, "2026-03-03")
    case_id = button(say(conv, "/mycase"), "Chronology").split(":")[1]
    for data in (f"case:{case_id}", f"case-chron:{case_id}", f"case-delete:{case_id}:yes", f"case-no:{case_id}:x"):
        [reply] = conv.handle(999, ButtonIn(data))
        assert "older message" in reply.text
    assert "older message" in press(conv, "case-event:new:not-an-event")[0].text


def test_an_event_in_the_parents_own_words_is_offered(conv: Conversation) -> None:
    [offer] = say(conv, "we sent the EHC request on 3rd March")
    assert "Shall I add it to your case?" in offer.text
    [added] = press(conv, offer.buttons[0][0].data)
    assert added.text.startswith("Added: The council received the request")
    assert "Shall I add" not in say(conv, "when did we send the EHC request?")[0].text  # a question


def test_an_event_told_with_a_question_gets_the_answer_first_then_the_offer(conv: Conversation) -> None:
    """Before stop 41 the offer replaced the answer, so a story that ends "... what are my options"
    without a question mark got no answer at all (196 eval questions in scope did so)."""
    replies = say(conv, "They refused to assess him on 10 April. what are my options now")
    assert len(replies) == 2
    assert "Shall I add it to your case?" not in replies[0].text
    assert "Shall I add it to your case?" in replies[1].text
    assert replies[1].buttons[0][0].data == "case-add:new:assessment-refused:2026-04-10"


def test_a_long_story_that_names_a_refusal_is_answered_not_read_as_a_letter(conv: Conversation) -> None:
    story = (
        "My son is 8 and autistic. The council refused to carry out an EHC needs assessment last month, "
        "saying school can meet his needs at SEN support, but he is barely coping and has been sent home "
        "three times this term. The panel decided not to assess. Can we appeal and how long do we have?"
    )
    replies = say(conv, story)
    assert not any(r.text.startswith("This is a refusal") for r in replies)  # not read as a letter


def test_a_pasted_council_letter_is_read_and_not_kept(conv: Conversation) -> None:
    letter = (
        "Date: 14 April 2026\n\nDear Parent,\n\nRe: Request for an Education, Health and Care needs assessment\n\n"
        "Thank you for your request. Having considered the evidence, the panel has decided not to carry out "
        "an EHC needs assessment for your child at this time. You have the right to appeal this decision to "
        "the First-tier Tribunal (SEND). Before appealing you must contact a mediation adviser.\n\n"
        "Yours sincerely,\nSEN Team"
    )
    [read] = say(conv, letter)
    assert "14 April 2026" in read.text
    assert read.buttons[0][0].data == "case-add:new:assessment-refused:2026-04-14"
    assert conv.store.rows_about(CHAT) == 1  # the chat's settings row only


def test_state_round_trips_the_case_flow() -> None:
    state = ChatState(CHAT, "en", None, None, case=CaseFlow(CaseAsking.NAMES, "7", letter="complain-20-weeks"))
    assert ChatState.from_json(json.loads(json.dumps(state.to_json()))) == state
    assert ChatState.case_flow_from_json(state.flow_json()) == state.case
    assert ChatState.case_flow_from_json('{"case": {"asking": "dance", "case": "7"}}') is None


def test_mycase_in_the_terminal_chat(tmp_path: Path) -> None:
    """`sendbot chat`: /mycase by numbered choices, and the watch's question before a turn."""
    path = tmp_path / "db.sqlite"
    clock = [NOW]
    conv = Conversation(
        load_knowledge(KB_SMALL),
        SqliteStore(path),
        I18n(LOCALES),
        clock=lambda: clock[0],
        case_files=CaseFiles(CaseStore(path), KNOWLEDGE),
    )
    lines = ["/mycase", "1", "3 March 2026"]
    stdin = io.StringIO("".join(line + "\n" for line in lines))
    clock[0] = datetime(2026, 4, 1, 10, 0, tzinfo=timezone.utc)
    out = io.StringIO()
    run_terminal(conv, stdin, out, files_dir=tmp_path)
    text = out.getvalue()
    assert "MY CASE" in text and "[1] The council received the request" in text
    assert "On what date?" in text
    assert "Next date the council must meet: The council tells you whether it will assess, 14 April 2026." in text

    clock[0] = datetime(2026, 4, 15, 7, 0, tzinfo=timezone.utc)  # the day after; the terminal asks at once
    out = io.StringIO()
    run_terminal(conv, io.StringIO("2\n"), out, files_dir=tmp_path)
    text = out.getvalue()
    assert "The council had to tell you by 14 April 2026 whether it will assess your child. Did it?" in text
    assert "[1] Yes, on ...\n  [2] Not yet" in text
    assert "What the law says" in text and (tmp_path / "chase-assessment-decision.docx").exists()
    assert conv.mycase.due_watch(clock[0], lambda chat: True) == []  # asked once
    conv.store.close()


def test_the_watch_asks_each_channel_only_about_its_own_chats(tmp_path: Path) -> None:
    conv = build(tmp_path / "db.sqlite")
    press(conv, "case-event:new:assessment-requested")
    say(conv, "3 March 2026")
    later = datetime(2026, 4, 15, 10, 0, tzinfo=timezone.utc)
    assert conv.mycase.due_watch(later, lambda chat: chat != CHAT) == []
    [(notice, reply)] = conv.mycase.due_watch(later, lambda chat: chat == CHAT)
    assert notice.chat_id == CHAT and reply.buttons[0][1].data == f"case-no:{notice.case_id}:{notice.step}"
    conv.store.close()


def test_a_second_child_gets_a_case_of_its_own(conv: Conversation) -> None:
    press(conv, "case-event:new:assessment-requested")
    say(conv, "3 March 2026")
    assert "already have a case called My Child" in say(conv, "/mycase new My Child")[0].text
    assert say(conv, "/mycase new Sam: the boy")[0].text.startswith("I could not start that case")
    [start] = say(conv, "/mycase new S")
    data = button([start], "Your child was excluded")
    assert data == "case-event:new:exclusion:S"
    press(conv, data)
    [added] = say(conv, "1 April 2026")
    assert added.title == "My case: S" and added.text.startswith("Added: Your child was excluded")
    [menu] = say(conv, "/mycase")
    assert menu.text.startswith("Which case?") and [b.label for (b,) in menu.buttons] == ["my child", "S"]
    [(_notice, reply)] = conv.mycase.due_watch(datetime(2026, 4, 15, 10, 0, tzinfo=timezone.utc), lambda c: True)
    assert reply.text.startswith("my child: The council had to tell you by 14 April 2026")
    # An event told in words now asks which case it is for.
    [offer] = say(conv, "the draft plan came yesterday")
    [which] = press(conv, offer.buttons[0][0].data)
    assert which.text == "Which case is this for?" and len(which.buttons) == 2


def test_safety_comes_before_a_case_offer(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    conv = Conversation(
        load_knowledge(ROOT / "knowledge"),
        SqliteStore(path),
        I18n(LOCALES),
        clock=lambda: NOW,
        case_files=CaseFiles(CaseStore(path), KNOWLEDGE),
    )
    replies = say(conv, "he was permanently excluded on 3rd April 2026 and now he says he wants to die")
    assert replies[0].title is not None and "Shall I add it" not in replies[0].text
    assert "Samaritans" in replies[0].text or "116 123" in replies[0].text
    assert "Shall I add it" in say(conv, "he was permanently excluded on 3rd April 2026")[0].text
    conv.store.close()


def test_a_date_for_a_deleted_case_stops_the_question(conv: Conversation) -> None:
    press(conv, "case-event:new:assessment-requested")
    say(conv, "3 March 2026")
    case_id = button(say(conv, "/mycase"), "Chronology").split(":")[1]
    press(conv, f"case-event:{case_id}:draft-plan-received")
    conv.mycase.files.store.delete_case(CHAT, "my child")  # type: ignore[union-attr]  # e.g. from the terminal
    assert "older message" in say(conv, "1 April 2026")[0].text
    assert conv.store.load_chat(CHAT).case is None


def test_the_watch_yes_asks_the_date_and_records_the_event(conv: Conversation) -> None:
    press(conv, "case-event:new:assessment-requested")
    say(conv, "3 March 2026")
    [(_notice, question)] = conv.mycase.due_watch(datetime(2026, 4, 15, 10, 0, tzinfo=timezone.utc), lambda c: True)
    [ask] = press(conv, question.buttons[0][0].data)
    assert ask.text.startswith("On what date?")
    [added] = say(conv, "16 April 2026")
    assert added.text.startswith("Added: The council said it will carry out an EHC needs assessment, 16 April 2026.")
    assert "Missed" not in added.text
