"""The terminal chat: the same core, buttons as numbered choices."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sendbot.channels.terminal import TERMINAL_CHAT_ID, render, run_terminal
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


def test_render_numbers_buttons_from_the_given_number() -> None:
    rows = ((Button("One", "a:1"),), (Button("Two", "a:2"), Button("Three", "a:3")))
    reply = Reply("Body", title="Title", buttons=rows)
    text, shown = render(reply, 4)
    assert text == "TITLE\nBody\n  [4] One\n  [5] Two\n  [6] Three"
    assert [b.data for b in shown] == ["a:1", "a:2", "a:3"]
    assert render(Reply("Saved", kind="notice"), 1) == ("(Saved)", [])


def test_start_greets_and_eof_says_goodbye(conv: Conversation, tmp_path: Path) -> None:
    code, out = run(conv, [], tmp_path)
    assert code == 0
    assert out.startswith("SENDbot in your terminal.")
    assert "Where do you live?" in out
    assert "  [1] Derby City" in out
    assert "  [3] Elsewhere in England" in out
    assert out.endswith("Goodbye.\n")
    assert "> " not in out  # no prompt when stdin is not a terminal


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
    # "1" pressed "More detail"
    assert "The council must decide within 6 weeks whether to assess." in out
    # the "More" reply has three buttons, so 99 and 0 are out of range
    assert out.count("Please choose a number from 1 to 3, or type a question.") == 2
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


def test_number_without_choices_is_a_question(conv: Conversation, tmp_path: Path) -> None:
    code, out = run(conv, ["what is the capital of France", "42"], tmp_path)
    assert code == 0
    assert "Please choose a number" not in out
    assert out.count("I don't know the answer") == 2


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
