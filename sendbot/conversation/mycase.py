"""The "My case" feature in the chat: ``/mycase``, its buttons, the typed answers it waits for (a date,
or the names for a letter), a council letter pasted or sent as a PDF, an event told in the
parent's own words, and the daily missed-deadline watch's messages.

The work is `sendbot.case.dialogue`'s (transport-free); this module routes to it, keeps the
open question in ``ChatState.case`` (a typed `CaseFlow`: ids only) and translates. Names
typed for a letter are used for that letter and never stored."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sendbot.case import dialogue as case
from sendbot.case.capture import answer_too, capture
from sendbot.case.data import CaseKnowledge
from sendbot.case.events import EventKind, parse_event
from sendbot.case.reader import pdf_text, reads_as_letter, recognise_kind
from sendbot.case.store import CaseStore
from sendbot.case.watch import WatchNotice
from sendbot.clock import Clock, london_today
from sendbot.conversation.actions import Action, action
from sendbot.conversation.replies import Button, Reply, short_label
from sendbot.conversation.words import LocalWords
from sendbot.deadlines import Timeline
from sendbot.i18n import I18n
from sendbot.store.base import Store
from sendbot.store.state import CaseAsking, CaseFlow, ChatState

EXPORT = "export"  # /mycase export
NEW = "new"  # /mycase new NAME
LETTER_MIN_CHARS = 250  # a pasted message this long that reads as a council letter goes to the reader
_NAME_SEPARATOR = re.compile(r"\s*(?:,|;|\n|\band\b)\s*", re.IGNORECASE)
MAX_NAME_CHARS = 60  # a name longer than this is not a name: leave that blank

ButtonHandler = Callable[[ChatState, list[str]], list[Reply] | None]  # None: a stale button


@dataclass(frozen=True)
class CaseFiles:
    """What "My case" needs: its tables (in the bot's database) and its data."""

    store: CaseStore
    knowledge: CaseKnowledge


def read_names(text: str) -> dict[str, str | None]:
    """ "Jane Smith, Sam": the parent's name, then the child's (either may be left out)."""
    parts = [part.strip() for part in _NAME_SEPARATOR.split(text.strip())]
    names = [part if 0 < len(part) <= MAX_NAME_CHARS else None for part in parts]
    return {"parent_name": names[0] if names else None, "child_name": names[1] if len(names) > 1 else None}


@dataclass(frozen=True)
class Noticed:
    """What the chat noticed in a message: a letter read, or an event offered. ``with_answer``:
    the message also asks something, so the chat answers it first and offers the event after."""

    replies: list[Reply]
    with_answer: bool = False


class MyCaseDialogue:
    """The core routes ``/mycase`` and the case buttons here, and gives it the parent's
    typed text first while it waits for an answer. ``files`` None: no case data (a test
    knowledge base), so /mycase says it is unavailable."""

    def __init__(
        self,
        store: Store,
        files: CaseFiles | None,
        i18n: I18n,
        clock: Clock,
        translated: Mapping[str, Mapping[str, Timeline]] | None = None,
    ) -> None:
        self.store = store
        self.files = files
        self.i18n = i18n
        self.clock = clock
        self.translated = dict(translated or {})  # language -> the timelines in it
        self.commands: dict[str, Callable[[ChatState, str], list[Reply]]] = {"mycase": self._cmd_mycase}
        self.buttons: dict[Action, ButtonHandler] = {
            Action.CASE: self._btn_view,
            Action.CASE_EVENT: self._btn_event,
            Action.CASE_ADD: self._btn_add,
            Action.CASE_LETTER: self._btn_letter,
            Action.CASE_CHRONOLOGY: self._btn_chronology,
            Action.CASE_DELETE: self._btn_delete,
            Action.CASE_YES: self._btn_yes,
            Action.CASE_NO: self._btn_not_yet,
        }

    def _(self, state: ChatState) -> case.Local:
        """The chat's language: its gettext, its dates and the statutory dates' labels."""
        lang = state.lang
        gettext = self.i18n.translator(lang).gettext
        return case.Local(gettext, LocalWords(self.i18n, lang), self.translated.get(lang or "", {}))

    def _case_id(self, state: ChatState, text: str) -> int | None:
        """A case id from a button, only when the case belongs to this chat."""
        if self.files is None or not text.isdigit():
            return None
        found = self.files.store.get(int(text))
        return found.id if found is not None and found.chat_id == state.chat_id else None

    # --- the command ---------------------------------------------------------------------

    def _cmd_mycase(self, state: ChatState, args: str) -> list[Reply]:
        _ = self._(state)
        files = self.files
        if files is None:
            return [Reply(_("My case is not available here."))]
        today = london_today(self.clock)
        word, _sep, rest = args.strip().partition(" ")
        if word.lower() == EXPORT:
            return case.export(files.store, state.chat_id, today, files.knowledge, _)
        if word.lower() == NEW:
            return [case.new_case(files.store, state.chat_id, rest, _)]
        return case.case_menu(files.store, state.chat_id, today, files.knowledge, _)

    # --- buttons -------------------------------------------------------------------------

    def _btn_view(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        case_id = self._case_id(state, args[0]) if len(args) == 1 else None
        if self.files is None or case_id is None:
            return None
        today = london_today(self.clock)
        return [case.case_view(self.files.store, state.chat_id, case_id, today, self.files.knowledge, self._(state))]

    def _which_case(self, state: ChatState, code: Action, rest: list[str]) -> list[Reply] | None:
        """The chat has several cases: one button per case, carrying the rest of the action."""
        if self.files is None:
            return None
        store = self.files.store
        cases = [store.find(state.chat_id, name) for name in store.case_names(state.chat_id)]
        rows = tuple((Button(short_label(c.name), action(code, str(c.id), *rest)),) for c in cases)
        return [Reply(self._(state)("Which case is this for?"), buttons=rows)]

    def _target(self, state: ChatState, text: str) -> str | None:
        """A button's case: a case of this chat, or NEW_CASE (None: stale or forged)."""
        if text == case.NEW_CASE:
            return text
        case_id = self._case_id(state, text)
        return str(case_id) if case_id is not None else None

    def _btn_event(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        _ = self._(state)
        if not args or len(args) > 3:
            return None
        event = parse_event(args[1]) if len(args) >= 2 else None
        if len(args) >= 2 and event is None:
            return None
        if len(args) == 3:  # a new case's nickname (/mycase new NAME)
            if args[0] != case.NEW_CASE or event is None:
                return None
            return [self._ask_date(state, case.NEW_CASE, event, args[2])]
        if args[0] == case.ASK_CASE:
            return self._which_case(state, Action.CASE_EVENT, args[1:])
        target = self._target(state, args[0])
        if target is None:
            return None
        if event is None:
            return [Reply(_("What happened?"), buttons=case.event_buttons(target, _))]
        return [self._ask_date(state, target, event)]

    def _ask_date(self, state: ChatState, target: str, event: EventKind, name: str | None = None) -> Reply:
        _ = self._(state)
        state.case = CaseFlow(CaseAsking.DATE, target, event=event.value, name=name)
        return Reply(_("On what date? For example: 3 March 2026, 03/03/2026 or yesterday."))

    def _btn_add(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        if len(args) != 3 or parse_event(args[1]) is None:
            return None
        if args[0] == case.ASK_CASE:
            return self._which_case(state, Action.CASE_ADD, args[1:])
        target = self._target(state, args[0])
        if target is None:
            return None
        return [self._add(state, target, args[1], args[2]).reply]

    def _add(
        self, state: ChatState, target: str, event: str, date_text: str, new_name: str | None = None
    ) -> case.Added:
        """Add the event to the target case (NEW_CASE: a new case named ``new_name``, or
        the chat's first)."""
        files = self.files
        kind = parse_event(event)
        case_id = self._case_id(state, target)
        found = files.store.get(case_id) if files is not None and case_id is not None else None
        if files is None or kind is None or (found is None and target != case.NEW_CASE):
            return case.Added(case.stale(self._(state)), False)
        name = found.name if found is not None else new_name
        today = london_today(self.clock)
        return case.add_event(files.store, state.chat_id, name, kind, date_text, today, files.knowledge, self._(state))

    def _btn_letter(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        _ = self._(state)
        files = self.files
        case_id = self._case_id(state, args[0]) if len(args) in (2, 3) else None
        if files is None or case_id is None or args[1] not in files.knowledge.letters:
            return None
        if len(args) == 3:
            if args[2] != case.BLANK_NAMES:
                return None
            return self._letter(state, case_id, args[1], {})
        state.case = CaseFlow(CaseAsking.NAMES, str(case_id), letter=args[1])
        text = _(
            "Whose names go in the letter? Type your name, then your child's name, with a comma between "
            "(for example: Jane Smith, Sam). I use them for this letter only and do not keep them."
        )
        blank = Button(_("Leave the names blank"), action(Action.CASE_LETTER, str(case_id), args[1], case.BLANK_NAMES))
        return [Reply(text, buttons=((blank,),))]

    def _letter(self, state: ChatState, case_id: int, letter: str, personal: dict[str, str | None]) -> list[Reply]:
        if self.files is None:
            return [case.stale(self._(state))]
        today = london_today(self.clock)
        store, knowledge = self.files.store, self.files.knowledge
        return case.letter_replies(store, state.chat_id, case_id, letter, personal, today, knowledge, self._(state))

    def _btn_chronology(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        case_id = self._case_id(state, args[0]) if len(args) == 1 else None
        if self.files is None or case_id is None:
            return None
        today = london_today(self.clock)
        store, knowledge = self.files.store, self.files.knowledge
        return case.chronology_replies(store, state.chat_id, case_id, today, knowledge, self._(state))

    def _btn_delete(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        case_id = self._case_id(state, args[0]) if args else None
        if self.files is None or case_id is None or args[1:] not in ([], ["yes"]):
            return None
        if args[1:] == ["yes"]:
            return [case.delete_case(self.files.store, state.chat_id, case_id, self._(state))]
        return [case.confirm_delete(self.files.store, state.chat_id, case_id, self._(state))]

    def _btn_yes(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        case_id = self._case_id(state, args[0]) if len(args) == 2 else None
        if self.files is None or case_id is None:
            return None
        kind = case.watch_yes_event(self.files.store, state.chat_id, case_id, args[1])
        return [self._ask_date(state, str(case_id), kind)] if kind is not None else None

    def _btn_not_yet(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        case_id = self._case_id(state, args[0]) if len(args) == 2 else None
        if self.files is None or case_id is None:
            return None
        today = london_today(self.clock)
        store, knowledge = self.files.store, self.files.knowledge
        return case.watch_not_yet(store, state.chat_id, case_id, args[1], today, knowledge, self._(state))

    # --- typed text ----------------------------------------------------------------------

    def answer_text(self, state: ChatState, text: str) -> list[Reply] | None:
        """The answer to the open question (a date, or names), or None when none is open."""
        flow = state.case
        if flow is None or self.files is None:
            return None
        _ = self._(state)
        if flow.asking is CaseAsking.NAMES:
            state.case = None
            case_id = self._case_id(state, flow.case)
            if case_id is None or flow.letter is None:
                return [case.stale(_)]
            return self._letter(state, case_id, flow.letter, read_names(text))
        added = self._add(state, flow.case, flow.event or "", text, flow.name)
        if added.added or added.reply.kind == "notice":  # done, or the case has gone: stop asking
            state.case = None
            return [added.reply]
        again = _("Type the date again, or send /mycase to stop.")
        return [Reply(f"{added.reply.text}\n{again}", added.reply.title, added.reply.buttons)]

    def notice(self, state: ChatState, text: str) -> Noticed | None:
        """A council letter pasted into the chat, or an event told in the parent's own words:
        the letter is read (and not kept), the event is offered with one tap, after the answer
        when the message also asks something. None: neither."""
        files = self.files
        if files is None:
            return None
        _ = self._(state)
        today = london_today(self.clock)
        patterns = files.knowledge.patterns
        if len(text) >= LETTER_MIN_CHARS and reads_as_letter(text, patterns) and recognise_kind(text, patterns):
            target = case.case_target(files.store, state.chat_id)
            return Noticed([case.read_letter_reply(text, today, files.knowledge, target, _)])
        found = capture(text, files.knowledge.phrases, today)  # None: a question, or nothing clear
        if found is None:
            return None
        offer = case.capture_reply(files.store, state.chat_id, found, _)
        return Noticed([offer], with_answer=answer_too(text, found, files.knowledge.phrases))

    def read_pdf(self, chat_id: int, data: bytes | None) -> list[Reply]:
        """A PDF the parent sent (None: too large to fetch): read as a council letter; the
        file and its text are not kept."""
        state = self.store.load_chat(chat_id)
        _ = self._(state)
        files = self.files
        if files is None:
            return [Reply(_("My case is not available here."))]
        if data is None:
            return [Reply(_("That file is too large for me. Please paste the letter's words instead."))]
        text = pdf_text(data)
        if not text.strip():
            return [
                Reply(
                    _(
                        "I could not find any text in this PDF (a scanned letter is a picture). "
                        "Please type or paste the letter's words instead."
                    )
                )
            ]
        target = case.case_target(files.store, chat_id)
        return [case.read_letter_reply(text, london_today(self.clock), files.knowledge, target, _)]

    # --- the daily watch -----------------------------------------------------------------

    def due_watch(self, now: datetime, chats: Callable[[int], bool]) -> list[tuple[WatchNotice, Reply]]:
        """The watch's questions due today for the chats ``chats`` accepts (each claimed, so
        asked once); call ``watch_sent`` after sending each."""
        files = self.files
        if files is None:
            return []
        today = london_today(lambda: now)
        notices = case.due_watch(files.store, today, files.knowledge, now=now, chats=chats)
        return [(n, case.watch_reply(n, self._(self.store.load_chat(n.chat_id)))) for n in notices]

    def watch_sent(self, notice: WatchNotice, now: datetime) -> None:
        if self.files is not None:
            case.mark_sent(self.files.store, notice, now)
