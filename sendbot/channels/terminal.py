"""The terminal chat: the same core as Telegram, buttons shown as numbered choices.

Type a question, a /command, or the number of a choice: a button keeps its number while it is
on screen, a line says what the numbers mean now, and a number is never read as a question.
Dates are typed (the calendar picker is Telegram's). Files (calendar files) are written to the
current folder. Reminders that have come due are shown before each turn (and deleted, as on
Telegram), so only while the chat runs, and so are the "My case" watch's questions about missed
dates. End with Ctrl-D (or /quit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from sendbot._types import Gettext, english
from sendbot.conversation.actions import Action, action, parse_action
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.replies import Button, ButtonIn, Reply, TextIn, plain_text

TERMINAL_CHAT_ID = 0  # one local user; Telegram chat ids are never 0


HIDDEN = frozenset({Action.CALENDAR, Action.NOTHING})  # a month of day buttons: dates are typed here instead
MAX_CHOICE_DIGITS = 3  # a longer number (a year) is an answer, not a choice


def shown_buttons(reply: Reply) -> list[Button]:
    """The buttons the terminal offers: not the calendar picker (33 numbered days would fill
    the screen, and the question already says how to type a date) nor label-only buttons."""
    return [b for row in reply.buttons for b in row if parse_action(b.data)[0] not in HIDDEN]


def render(reply: Reply, numbers: Sequence[int]) -> str:
    """Plain text for a reply, its shown buttons numbered with ``numbers`` in order."""
    lines: list[str] = []
    if reply.kind == "notice":
        lines.append(f"({reply.text})")
    else:
        if reply.title:
            lines.append(reply.title.upper())
        lines.append(plain_text(reply))
    for number, button in zip(numbers, shown_buttons(reply), strict=False):
        lines.append(f"  [{number}] {button.label}")
    return "\n".join(lines)


def number_choices(replies: list[Reply], on_screen: Mapping[int, Button]) -> tuple[list[list[int]], dict[int, Button]]:
    """Numbers for each reply's buttons, and the choices on screen after them. A reply that
    changes the last message in place (an edit, a toast) keeps each button's number while it is
    still there and gives new buttons new numbers, so pressing 1 twice never does two things;
    a new message starts again from 1."""
    keep = all(reply.kind in ("edit", "notice") for reply in replies)
    old = dict(on_screen) if keep else {}
    by_data = {button.data: number for number, button in old.items()}
    next_number = max(old, default=0) + 1
    choices: dict[int, Button] = {}
    numbers: list[list[int]] = []
    for reply in replies:
        mine = []
        for button in shown_buttons(reply):
            number = by_data.get(button.data)
            if number is None or number in choices:
                number, next_number = next_number, next_number + 1
            choices[number] = button
            mine.append(number)
        numbers.append(mine)
    if not choices and all(reply.kind == "notice" for reply in replies):
        choices = dict(on_screen)  # a toast leaves the screen as it was
    return numbers, choices


def choices_line(choices: Mapping[int, Button], _: Gettext = english) -> str:
    """What numbers mean right now, in the chat's language (``_``: its gettext)."""
    if not choices:
        return _("(No choices on screen: type a question, or /help.)")
    numbers = sorted(choices)
    if len(numbers) == 1:
        listed = str(numbers[0])
    elif numbers == list(range(numbers[0], numbers[-1] + 1)):
        listed = _("{first} to {last}").format(first=numbers[0], last=numbers[-1])
    else:
        listed = ", ".join(str(number) for number in numbers)
    return _("(Type {listed} to choose, or type a question.)").format(listed=listed)


def run_terminal(
    conversation: Conversation,
    stdin: TextIO,
    stdout: TextIO,
    chat_id: int = TERMINAL_CHAT_ID,
    files_dir: Path | None = None,
    lang: str | None = None,
) -> int:
    """``lang`` (`sendbot chat --lang pl`) is chosen as if the parent pressed its /language button."""
    interactive = stdin.isatty()
    files_dir = files_dir or Path.cwd()
    choices: dict[int, Button] = {}

    def _(message: str) -> str:
        """The terminal's own words in the chat's language (which /language may change)."""
        return conversation.i18n.translator(conversation.store.load_chat(chat_id).lang or lang).gettext(message)

    def show(replies: list[Reply]) -> None:
        nonlocal choices
        numbers, choices = number_choices(replies, choices)
        for reply, mine in zip(replies, numbers, strict=True):
            stdout.write(render(reply, mine) + "\n\n")
            if reply.document is not None:
                path = files_dir / reply.document.filename
                path.write_bytes(reply.document.content)
                stdout.write(_("(saved {path})").format(path=path) + "\n\n")
        if choices:
            stdout.write(choices_line(choices, _) + "\n\n")
        stdout.flush()

    intro = _("SENDbot in your terminal. Type a question, /help, or a number to choose. Ctrl-D to leave.")
    where = _("Calendar files are saved in {folder}. Reminders appear here only while this chat runs.")
    stdout.write(f"{intro}\n{where.format(folder=files_dir)}\n\n")

    def show_due_reminders() -> None:
        due = conversation.due_reminders(conversation.clock(), chat_id)
        for reminder, reply in due:
            stdout.write(reply.text + "\n\n")
            conversation.reminder_delivered(reminder)
        stdout.flush()
        show_case_watch()

    def show_case_watch() -> None:
        """The "My case" watch's questions for this terminal, with their numbered choices."""
        now = conversation.clock()
        for notice, reply in conversation.mycase.due_watch(now, lambda chat: chat == chat_id):
            show([reply])
            conversation.mycase.watch_sent(notice, now)

    if lang:
        show(conversation.handle(chat_id, ButtonIn(action(Action.LANGUAGE, lang))))
    show(conversation.handle(chat_id, TextIn("/start")))
    while True:
        show_due_reminders()
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip() in ("/quit", "/exit"):
            stdout.write(_("Goodbye.") + "\n")
            return 0
        text = line.strip()
        if text.isdigit() and len(text) <= MAX_CHOICE_DIGITS:  # a choice, never a question
            if int(text) in choices:
                show(conversation.handle(chat_id, ButtonIn(choices[int(text)].data)))
            else:
                wrong = _("{number} is not a choice on screen now.").format(number=text)
                stdout.write(f"{wrong} {choices_line(choices, _)}\n\n")
            continue
        show(conversation.handle(chat_id, TextIn(text)))
