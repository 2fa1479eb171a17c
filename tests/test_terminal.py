"""The terminal chat: the same core, buttons as numbered choices."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sendbot.channels.terminal import TERMINAL_CHAT_ID, number_choices, render, run_terminal, shown_buttons
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.replies import Button, Reply
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.store.base import Store

TESTS = Path(__file__).resolve().parent
KB_SMALL = TESTS / "fixtures" / "kb_small"
LOCALES = TESTS.parent / "locales"
QUESTION = "how do I ask for an EHC needs assessment"


@pytest.fixture
def conv(store: Store) -> Conversation:
    return Conversation(load_knowledge(KB_SMALL), store, I18n(LOCALES))


def run(conv: Conversation, lines: list[str], tmp_path: Path) -> tuple[int, str]:
    stdin = io.StringIO("".join(line + "\n" for line in lines))
    stdout = io.StringIO()
    code = run_terminal(conv, stdin, stdout, files_dir=tmp_path)
    return code, stdout.getvalue()


def test_render_numbers_buttons_with_the_given_numbers() -> None:
    rows = ((Button("One", "answer:a"),), (Button("Two", "answer:b"), Button("Three", "answer:c")))
    reply = Reply("Body", title="Title", buttons=rows)
    assert render(reply, [4, 5, 6]) == "TITLE\nBody\n  [4] One\n  [5] Two\n  [6] Three"
    assert render(Reply("Saved", kind="notice"), []) == "(Saved)"


def test_a_button_keeps_its_number_while_it_is_on_screen() -> None:
    more, appeal, new = Button("More", "more:x"), Button("How to appeal", "answer:y"), Button("New", "answer:z")
    numbers, on_screen = number_choices([Reply("Answer", buttons=((more,), (appeal,)))], {})
    assert numbers == [[1, 2]]
    numbers, on_screen = number_choices([Reply("Detail", buttons=((appeal,), (new,)), kind="edit")], on_screen)
    assert numbers == [[2, 3]] and on_screen == {2: appeal, 3: new}  # 1 ("More") is gone, not reused
    numbers, after_toast = number_choices([Reply("Thanks", kind="notice")], on_screen)
    assert after_toast == on_screen
    numbers, fresh = number_choices([Reply("Another answer", buttons=((new,),))], on_screen)
    assert numbers == [[1]] and fresh == {1: new}  # a new message starts again from 1


def test_the_calendar_picker_is_a_typed_date_in_the_terminal() -> None:
    rows = ((Button("📅 Pick from a calendar", "calendar:meeting:2026-03"),), (Button("Skip", "skip:meeting"),))
    assert [b.label for b in shown_buttons(Reply("When is the meeting?", buttons=rows))] == ["Skip"]


def test_start_greets_and_eof_says_goodbye(conv: Conversation, tmp_path: Path) -> None:
    code, out = run(conv, [], tmp_path)
    assert code == 0
    assert out.startswith("SENDbot in your terminal.")
    assert "Where do you live?" in out
    assert "  [1] Derby City" in out
    assert "  [3] Elsewhere in England" in out
    assert out.endswith("Goodbye.\n")
    assert "> " not in out  # no prompt when stdin is not a terminal


def test_the_terminal_speaks_the_chosen_language(conv: Conversation, tmp_path: Path) -> None:
    stdin, stdout = io.StringIO("99\n"), io.StringIO()
    assert run_terminal(conv, stdin, stdout, files_dir=tmp_path, lang="pl") == 0
    out = stdout.getvalue()
    assert out.startswith("SENDbot w terminalu.")
    assert "99 nie jest teraz wyborem na ekranie. (Proszę wpisać od 1 do 3, aby wybrać" in out
    assert out.endswith("Do widzenia.\n")


def test_question_number_out_of_range_and_forget(conv: Conversation, store: Store, tmp_path: Path) -> None:
    code, out = run(conv, ["1", QUESTION, "1", "99", "0", "/forget", "1"], tmp_path)
    assert code == 0
    # "1" after /start picked the first area
    assert "I'll show contacts for Derby City first." in out
    # the question was answered, with its buttons numbered
    assert "HOW TO ASK FOR AN EHC NEEDS ASSESSMENT" in out
    assert "You can ask the council (local authority) yourself." in out
    assert "  [1] More detail and sources" in out
    assert "  [2] The council refused to assess" in out
    assert "  [3] 👍 Helpful" in out
    assert "  [4] 👎 Not helpful" in out
    # "1" pressed "More detail"; the detail was edited in, so the other buttons keep their numbers
    assert "The council must decide within 6 weeks whether to assess." in out
    assert "(Type 2 to 4 to choose, or type a question.)" in out
    # 99 and 0 are not on screen
    assert "99 is not a choice on screen now." in out and "0 is not a choice on screen now." in out
    # /forget deleted everything
    assert "I have deleted everything I kept about this chat" in out
    assert store.rows_about(TERMINAL_CHAT_ID) == 0


def test_feedback_notice_keeps_the_choices(conv: Conversation, store: Store, tmp_path: Path) -> None:
    code, out = run(conv, [QUESTION, "3", "1"], tmp_path)
    assert code == 0
    assert "(Thank you, I'm glad it helped.)" in out
    assert store.feedback_counts() == {"ehc-request-how": (1, 0)}
    # a notice does not replace the numbered choices: "1" still means "More detail"
    assert "The council must decide within 6 weeks" in out


def test_a_number_without_choices_is_not_read_as_a_question(conv: Conversation, tmp_path: Path) -> None:
    code, out = run(conv, ["what is the capital of France", "2"], tmp_path)
    assert code == 0
    assert "2 is not a choice on screen now. (No choices on screen: type a question, or /help.)" in out
    assert out.count("I don't know the answer") == 1


def test_quit_command_ends_the_chat(conv: Conversation, tmp_path: Path) -> None:
    code, out = run(conv, ["/quit", QUESTION], tmp_path)
    assert code == 0
    assert out.endswith("Goodbye.\n")
    assert "HOW TO ASK" not in out


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENDBOT_", "TELEGRAM_"))}
    env["SENDBOT_KNOWLEDGE"] = str(KB_SMALL)
    env["SENDBOT_DB"] = str(tmp_path / "db.sqlite")
    return env


def test_chat_command_as_a_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sendbot.channels.cli", "chat"],
        input="2\n" + QUESTION + "\nthank you\n",
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Where do you live?" in done.stdout
    assert "I'll show contacts for Derbyshire first." in done.stdout
    assert "HOW TO ASK FOR AN EHC NEEDS ASSESSMENT" in done.stdout
    assert "You're welcome" in done.stdout
    assert done.stdout.endswith("Goodbye.\n")
    assert done.stderr == ""
    assert (tmp_path / "db.sqlite").exists()


def test_chat_command_with_stdin_closed_exits_cleanly(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sendbot.channels.cli", "chat"],
        stdin=subprocess.DEVNULL,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("Goodbye.\n")
