"""The terminal chat: the same core as Telegram, buttons shown as numbered choices.

Type a question, a /command, or the number of a choice. Files (calendar files) are written
to the current folder. Reminders that have come due are shown before each turn (and deleted,
as on Telegram). End with Ctrl-D (or /quit)."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.replies import Button, ButtonIn, Reply, TextIn, plain_text

TERMINAL_CHAT_ID = 0  # one local user; Telegram chat ids are never 0


def render(reply: Reply, first_number: int) -> tuple[str, list[Button]]:
    """Plain text for a reply, and its buttons in the order they are numbered."""
    lines: list[str] = []
    if reply.kind == "notice":
        lines.append(f"({reply.text})")
    else:
        if reply.title:
            lines.append(reply.title.upper())
        lines.append(plain_text(reply))
    buttons = [button for row in reply.buttons for button in row]
    for offset, button in enumerate(buttons):
        lines.append(f"  [{first_number + offset}] {button.label}")
    return "\n".join(lines), buttons


def run_terminal(
    conversation: Conversation,
    stdin: TextIO,
    stdout: TextIO,
    chat_id: int = TERMINAL_CHAT_ID,
    files_dir: Path | None = None,
) -> int:
    interactive = stdin.isatty()
    files_dir = files_dir or Path.cwd()
    choices: list[Button] = []

    def show(replies: list[Reply]) -> None:
        nonlocal choices
        new_choices: list[Button] = []
        for reply in replies:
            text, buttons = render(reply, len(new_choices) + 1)
            new_choices.extend(buttons)
            stdout.write(text + "\n\n")
            if reply.document is not None:
                path = files_dir / reply.document.filename
                path.write_bytes(reply.document.content)
                stdout.write(f"(saved {path})\n\n")
        if new_choices or any(r.kind != "notice" for r in replies):
            choices = new_choices
        stdout.flush()

    stdout.write("SENDbot in your terminal. Type a question, /help, or a number to choose. Ctrl-D to leave.\n\n")

    def show_due_reminders() -> None:
        due = conversation.due_reminders(conversation.clock(), chat_id)
        for reminder, reply in due:
            stdout.write(reply.text + "\n\n")
            conversation.reminder_delivered(reminder)
        stdout.flush()

    show(conversation.handle(chat_id, TextIn("/start")))
    while True:
        show_due_reminders()
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip() in ("/quit", "/exit"):
            stdout.write("Goodbye.\n")
            return 0
        text = line.strip()
        if text.isdigit() and choices:
            number = int(text)
            if 1 <= number <= len(choices):
                show(conversation.handle(chat_id, ButtonIn(choices[number - 1].data)))
            else:
                stdout.write(f"Please choose a number from 1 to {len(choices)}, or type a question.\n\n")
            continue
        show(conversation.handle(chat_id, TextIn(text)))
