"""The conversation core: one message or button press plus the chat's state in, replies out.

No transport lives here: Telegram and the terminal both call `Conversation.handle`, so they
behave the same and the whole dialogue is testable without a network. What to answer is
decided once by `sendbot.answering.decide` and worded by `sendbot.conversation.presenter`;
this module turns that into replies with buttons, and handles commands, areas, languages and
feedback. The deadline calculator (`calculator`) and reminders (`reminders`) are dialogues of
their own that this dispatches to; button codes are `actions`'."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime

from sendbot._types import N_
from sendbot.answering.decide import Decider, Decision
from sendbot.answering.matcher import MatchSettings
from sendbot.answering.normalise import normalise
from sendbot.clock import Clock, utc_now
from sendbot.conversation.actions import Action, action, dispatch_table, merge_handlers, parse_action
from sendbot.conversation.calculator import ButtonHandler, Calculator
from sendbot.conversation.mycase import CaseFiles, MyCaseDialogue
from sendbot.conversation.presenter import MAYBE_LABEL, Presenter
from sendbot.conversation.reminders import ReminderDialogue
from sendbot.conversation.replies import Button, ButtonIn, Incoming, Kind, Reply, short_label
from sendbot.deadlines import Timeline
from sendbot.deadlines.dateparse import quote_input
from sendbot.i18n import I18n
from sendbot.knowledge.model import ENGLAND, NATIONAL, Entry, KnowledgeBase
from sendbot.reminders.model import Reminder
from sendbot.store.base import Store
from sendbot.store.state import ChatState

MAX_INPUT_CHARS = 2000  # longer messages are read from both ends, where questions usually sit
MAX_RELATED_BUTTONS = 3
# The detail's later pages (`Presenter.detail_pages`): each a new message, with the next one's button.
READ_ON = N_("Read on ({page} of {pages})")
PAGE_TITLE = N_("{title} ({page} of {pages})")
FORGET_YES, FORGET_NO = "yes", "no"
CONTACTS_PER_PAGE = 5  # contact cards per /contacts page: about one phone screen
DEADLINES_LINK = "deadlines"  # /start deadlines (a deep link) opens the calculator list


# The Telegram command menu, in the order parents see it.
COMMAND_MENU = (
    ("start", N_("Start again and choose your area")),
    ("help", N_("What I can do")),
    ("contacts", N_("Who to contact")),
    ("deadlines", N_("Work out your legal deadlines")),
    ("reminders", N_("See or cancel your reminders")),
    ("mycase", N_("Your child's case: dates, missed deadlines, letters")),
    ("cancel", N_("Stop working out dates")),
    ("area", N_("Change your area")),
    ("language", N_("Change the language")),
    ("privacy", N_("What I keep about you")),
    ("forget", N_("Delete everything about this chat")),
)


def _right_to_left(reply: Reply, lang: str | None) -> Reply:
    """In a right-to-left language (Urdu), numbers and dates isolated so lines keep their order."""
    title = I18n.bidi(reply.title, lang) if reply.title else None
    return replace(reply, text=I18n.bidi(reply.text, lang), title=title)


class Conversation:
    """The dialogue. Holds the loaded knowledge, the matcher and the store; no I/O besides the store.

    ``timelines`` are the deadline calculators (none: /deadlines says they are unavailable),
    ``translated_timelines`` the same in each language (`sendbot.deadlines.translations`);
    ``clock`` gives the current time, timezone-aware, so tests can set "today"."""

    def __init__(
        self,
        kb: KnowledgeBase,
        store: Store,
        i18n: I18n,
        settings: MatchSettings | None = None,
        clock: Clock = utc_now,
        timelines: Mapping[str, Timeline] | None = None,
        case_files: CaseFiles | None = None,
        translated_timelines: Mapping[str, Mapping[str, Timeline]] | None = None,
    ) -> None:
        self.kb = kb
        self.store = store
        self.i18n = i18n
        self.clock = clock
        self.decider = Decider(kb, settings)
        self.presenter = Presenter(kb, i18n)
        self.reminders = ReminderDialogue(store, i18n, clock)
        self.calculator = Calculator(timelines or {}, i18n, clock, self.reminders, translated_timelines)
        self.mycase = MyCaseDialogue(store, case_files, i18n, clock, translated_timelines)
        commands: dict[str, Callable[[ChatState, str], list[Reply]]] = {
            "start": self._cmd_start,
            "help": self._cmd_help,
            "contacts": self._cmd_contacts,
            "privacy": self._cmd_privacy,
            "forget": self._cmd_forget,
            "area": self._cmd_area,
            "language": self._cmd_language,
        }
        menu = [name for name, _text in COMMAND_MENU]  # every command in the menu must work
        self._commands = merge_handlers(
            "command", (commands, self.calculator.commands, self.reminders.commands, self.mycase.commands), menu
        )
        own: dict[Action, ButtonHandler] = {
            Action.ANSWER: self._btn_answer,
            Action.MORE: self._btn_more,
            Action.FEEDBACK: self._btn_feedback,
            Action.AREA: self._btn_area,
            Action.LANGUAGE: self._btn_language,
            Action.NONE_OF_THESE: self._btn_none,
            Action.CONTACTS: self._btn_contacts,
            Action.FORGET: self._btn_forget,
            Action.NOTHING: self._btn_nothing,
        }
        self._buttons = dispatch_table(own, self.calculator.buttons, self.reminders.buttons, self.mycase.buttons)

    # --- entry point ---------------------------------------------------------------------

    def handle(self, chat_id: int, incoming: Incoming) -> list[Reply]:
        state = self.store.load_chat(chat_id)
        if state.lang is None:
            state.lang = self.i18n.pick(incoming.lang_hint)
        if isinstance(incoming, ButtonIn):
            replies = self._on_button(state, incoming.data)
        else:
            replies = self._on_text(state, incoming.text)
        if not state.forgotten:
            self.store.save_chat(state)
        return [_right_to_left(reply, state.lang) for reply in replies]

    def due_reminders(self, now: datetime, chat_id: int | None = None) -> list[tuple[Reminder, Reply]]:
        """Reminders to deliver now, with their messages; call ``reminder_delivered`` after
        sending each, so the database (the only record of them) forgets it."""
        return [(reminder, Reply(reminder.text)) for reminder in self.store.due_reminders(now, chat_id)]

    def reminder_delivered(self, reminder: Reminder) -> None:
        """Delete a reminder once sent: the store keeps nothing it no longer needs."""
        self.store.cancel_reminders(reminder.chat_id, reminder.id)

    def command_menu(self, lang: str | None) -> list[tuple[str, str]]:
        """The commands and their one-line descriptions, in the chat's language."""
        gettext = self.i18n.translator(lang).gettext
        return [(name, gettext(text)) for name, text in COMMAND_MENU]

    def _(self, state: ChatState) -> Callable[[str], str]:
        return self.i18n.translator(state.lang).gettext

    def not_text(self, chat_id: int) -> list[Reply]:
        """For stickers, photos and voice notes: we can only read text."""
        _ = self._(self.store.load_chat(chat_id))
        return [Reply(_("Sorry, I can only read typed messages. Please type your question in words, or type /help."))]

    def sorry(self, chat_id: int, lang_hint: str | None = None) -> list[Reply]:
        """What the parent is told when something failed on our side (the database too:
        then in the language their app uses)."""
        try:
            state = self.store.load_chat(chat_id)
        except Exception:  # the failure may be the store itself
            state = ChatState(chat_id, self.i18n.pick(lang_hint))
        _ = self._(state)
        return [
            Reply(
                _(
                    "Sorry, something went wrong on my side. Please try again in a moment. "
                    "If it keeps happening, type /start."
                )
            )
        ]

    # --- text ----------------------------------------------------------------------------

    def _on_text(self, state: ChatState, text: str) -> list[Reply]:
        _ = self._(state)
        stripped = text.strip()
        if stripped.startswith("/"):
            state.case = None  # a command leaves the case file's open question
            command, _sep, rest = stripped[1:].partition(" ")
            command = command.split("@")[0].lower()
            handler = self._commands.get(command)
            if handler is None:
                return [
                    Reply(
                        _("I don't know the command /{command}. Type /help to see what I can do.").format(
                            command=quote_input(command)
                        )
                    )
                ]
            return handler(state, rest.strip())
        answered = self.mycase.answer_text(state, stripped)  # None: no case question is open
        if answered is None:
            answered = self.calculator.answer_text(state, stripped)  # None: no question is open
        if answered is not None:
            return answered
        if not normalise(stripped):
            return [
                Reply(
                    _(
                        "I couldn't find any words in that message. Please type your question "
                        'in a sentence, for example: "How do I ask for an EHC needs assessment?"'
                    )
                )
            ]
        noticed = self.mycase.notice(state, stripped)  # a council letter, or an event to add
        notes: list[Reply] = []
        if len(stripped) > MAX_INPUT_CHARS:
            half = MAX_INPUT_CHARS // 2
            stripped = stripped[:half] + "\n" + stripped[-half:]
            notes.append(
                Reply(
                    _(
                        "That is a long message, thank you for telling me so much. "
                        "I have read the start and the end of it; if I miss your question, "
                        "please send it again on its own."
                    )
                )
            )
        decision = self.decider.decide(stripped, state.area, state.lang)
        # A letter read, or an event told alone: that is the reply (never instead of the safety entry).
        if noticed is not None and decision.urgent is None and not noticed.with_answer:
            return noticed.replies
        if decision.smalltalk == "help":
            return self._cmd_help(state, "")
        if decision.smalltalk:
            return [Reply(self.presenter.smalltalk_text(decision.smalltalk, state.lang))]
        danger = decision.urgent
        if danger is not None:  # safety first, then whatever else the message asks: its answer or choices
            notes.insert(0, self._entry_reply(danger, state, with_more=False))
            others = [c for c in decision.candidates if c.entry_id != danger.id]
            if decision.kind == "fallback" or not others or (decision.kind == "answer" and decision.entry == danger):
                return notes
        offers = self.calculator.offer(state, decision.entry.id, stripped) if decision.entry else ()
        # A story that tells of an event and asks something: the answer, then the event to add.
        after = noticed.replies if noticed is not None and danger is None else []
        return notes + self.reply_for(decision, state, offers) + after

    def reply_for(self, decision: Decision, state: ChatState, offers: tuple[Button, ...] = ()) -> list[Reply]:
        """The reply to a decision (leaving out any safety entry, which the caller shows first);
        ``offers`` (e.g. "Work out my dates") go first on an answer."""
        _ = self._(state)
        if decision.kind == "answer" and decision.entry is not None:
            also = [c.entry_id for c in decision.match.also if c.entry_id != decision.entry.id]
            reply = self._entry_reply(decision.entry, state, with_more=False, offers=offers)
            if also:  # other topics the story raises, before the feedback row
                extra = self._entry_buttons(state, also, _("You also asked about: {title}"))
                reply = replace(reply, buttons=reply.buttons[:-1] + extra + reply.buttons[-1:])
            return [reply]
        if decision.kind == "suggest":
            menu = decision.match.menu
            shown_first = decision.urgent.id if decision.urgent else None  # the safety entry, shown above
            rows = self._entry_buttons(state, [c.entry_id for c in decision.candidates if c.entry_id != shown_first])
            if not menu:
                rows += ((Button(_("None of these"), action(Action.NONE_OF_THESE)),),)
            return [Reply(self.presenter.suggest_intro(decision, state.lang), buttons=rows)]
        reply = self.presenter.fallback_reply(state.area, state.lang, decision.out_of_scope, decision.question)
        if decision.maybe is not None:  # the way back: a SEND question the decision was unsure of
            reply = replace(reply, buttons=self._entry_buttons(state, [decision.maybe.entry_id], _(MAYBE_LABEL)))
        return [reply]

    def _entry_buttons(self, state: ChatState, ids: list[str], label: str = "{title}") -> tuple[tuple[Button], ...]:
        """One button per entry, each opening it; ``label`` words the button around the title."""
        lang = state.lang or "en"
        titles = {i: self.kb.entries[i].button_title(lang) for i in ids if i in self.kb.entries}
        return tuple((Button(short_label(label.format(title=t)), action(Action.ANSWER, i)),) for i, t in titles.items())

    def _entry_reply(
        self,
        entry: Entry,
        state: ChatState,
        *,
        with_more: bool,
        kind: Kind = "message",
        offers: tuple[Button, ...] = (),
    ) -> Reply:
        _ = self._(state)
        lang = state.lang or "en"
        rows: list[tuple[Button, ...]] = [(offer,) for offer in offers]
        pages = self.presenter.detail_pages(entry, lang) if with_more else ()
        if not with_more:  # the detail and the sources wait behind one button: the answer fits a screen
            label = _("More detail and sources") if entry.more else _("Sources")
            rows.append((Button(label, action(Action.MORE, entry.id)),))
        elif len(pages) > 1:  # the detail's first page is shown; the rest wait behind "Read on"
            rows.append((self._read_on(entry, state, 2, len(pages)),))
        for rel in entry.related[:MAX_RELATED_BUTTONS]:
            rows.append((Button(short_label(self.kb.entries[rel].button_title(lang)), action(Action.ANSWER, rel)),))
        rows.append(
            (
                Button(_("👍 Helpful"), action(Action.FEEDBACK, entry.id, "1")),
                Button(_("👎 Not helpful"), action(Action.FEEDBACK, entry.id, "0")),
            )
        )
        text, foot = self.presenter.answer_parts(entry, lang, detail=pages[0] if pages else "")
        shown = foot if with_more and len(pages) <= 1 else None  # the sources come with the detail's last page
        return Reply(text, title=entry.title.get_text(lang), buttons=tuple(rows), kind=kind, foot=shown)

    def _read_on(self, entry: Entry, state: ChatState, page: int, pages: int) -> Button:
        return Button(self._(state)(READ_ON).format(page=page, pages=pages), action(Action.MORE, entry.id, str(page)))

    def _detail_page(self, entry: Entry, state: ChatState, page: int) -> Reply | None:
        """Page 2 on of an entry's detail, as a new message, with the next page's button; None
        for a page the entry does not have (a stale or forged button)."""
        pages = self.presenter.detail_pages(entry, state.lang)
        if not 2 <= page <= len(pages):
            return None
        title = self._(state)(PAGE_TITLE).format(
            title=entry.title.get_text(state.lang or "en"), page=page, pages=len(pages)
        )
        if page < len(pages):
            return Reply(pages[page - 1], title=title, buttons=((self._read_on(entry, state, page + 1, len(pages)),),))
        return Reply(pages[page - 1], title=title, foot=self.presenter.sources(entry, state.lang))

    # --- commands ------------------------------------------------------------------------

    def _area_buttons(self, state: ChatState) -> tuple[tuple[Button, ...], ...]:
        _ = self._(state)
        lang = state.lang or "en"
        rows = [(Button(area.name.get_text(lang), action(Action.AREA, area.id)),) for area in self.kb.areas.values()]
        rows.append((Button(_("Elsewhere in England"), action(Action.AREA, ENGLAND)),))
        return tuple(rows)

    def _cmd_start(self, state: ChatState, args: str) -> list[Reply]:
        """/start, or a deep link (t.me/<bot>?start=<payload>) from a charity's or council's
        page: an entry id answers that entry, "deadlines" opens the calculator list."""
        _ = self._(state)
        state.calc = None
        payload = args.strip().lower()
        if payload in self.kb.entries:
            return [self._entry_reply(self.kb.entries[payload], state, with_more=False)]
        if payload == DEADLINES_LINK:
            return self._commands["deadlines"](state, "")
        text = _(
            "Hello, I'm SENDbot. I help parents and carers in England with special educational "
            "needs and disabilities (SEND): EHC plans, annual reviews, school places, tribunals, "
            "exclusions, transport and more. I tell you what the law says, where it says it, and "
            "who can help.\n\nI'm a computer program, not a lawyer: for advice on your own case, "
            "talk to your local SENDIASS, IPSEA or a solicitor.\n\nWhere do you live? "
            "I'll show your local contacts first."
        )
        return [Reply(text, buttons=self._area_buttons(state), step=True)]

    def _cmd_help(self, state: ChatState, _args: str) -> list[Reply]:
        """Examples, then the command menu itself (the one Telegram shows), so the two agree."""
        _ = self._(state)
        examples = _(
            "Ask me a question in your own words, for example:\n"
            "• How do I ask for an EHC needs assessment?\n"
            "• The council (local authority) refused to assess my son. Can I appeal?\n"
            "• When should the annual review happen?"
        )
        commands = "\n".join(f"/{name} – {text}" for name, text in self.command_menu(state.lang))
        topics = _("Or pick one of the main topics:")
        text = examples + "\n\n" + _("Commands:") + "\n" + commands + "\n\n" + topics
        return [Reply(text, buttons=self._entry_buttons(state, list(self.kb.menu)))]

    def _cmd_contacts(self, state: ChatState, _args: str) -> list[Reply]:
        return [self._contacts_page(state, state.area if state.area in self.kb.areas else NATIONAL)]

    def _contacts_page(self, state: ChatState, group: str, page: int = 0, kind: Kind = "message") -> Reply:
        """One page of contacts (an area's, or the national ones) as cards, with buttons for the
        next page and each other group: the whole list a screen at a time, not one long wall."""
        _ = self._(state)
        lang = state.lang or "en"
        if group in self.kb.areas:
            heading = _("Contacts for {area}:").format(area=self.kb.areas[group].name.get_text(lang))
        else:
            heading = _("National contacts, for anywhere in England:")
            if state.area not in self.kb.areas:
                heading += " " + _("Choose your area with /area to see local ones first.")
        contacts = [c for c in self.kb.contacts if c.area == group]
        pages = max(1, -(-len(contacts) // CONTACTS_PER_PAGE))
        page = min(page, pages - 1)
        shown = contacts[page * CONTACTS_PER_PAGE : (page + 1) * CONTACTS_PER_PAGE]
        if pages > 1:
            heading += " " + _("(page {page} of {pages})").format(page=page + 1, pages=pages)
        rows: list[tuple[Button, ...]] = []
        if pages > 1:
            turn = (page + 1) % pages
            rows.append(
                (
                    Button(
                        _("More contacts »") if turn else _("« Back to the first"),
                        action(Action.CONTACTS, group, str(turn)),
                    ),
                )
            )
        groups = [(a.id, a.name.get_text(lang)) for a in self.kb.areas.values()] + [(NATIONAL, _("National"))]
        rows.extend(
            (Button(_("Contacts: {group}").format(group=name), action(Action.CONTACTS, gid)),)
            for gid, name in groups
            if gid != group
        )
        cards = tuple(self.presenter.card(c, state.lang) for c in shown)
        return Reply(heading, buttons=tuple(rows), cards=cards, kind=kind)

    def _btn_contacts(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        if not args or (args[0] not in self.kb.areas and args[0] != NATIONAL):
            return None
        page = int(args[1]) if len(args) == 2 and args[1].isdigit() else 0
        return [self._contacts_page(state, args[0], page, kind="edit")]

    def _cmd_privacy(self, state: ChatState, _args: str) -> list[Reply]:
        _ = self._(state)
        return [
            Reply(
                _(
                    "What I keep about this chat: your area, your language, where you are in a deadline "
                    "calculator, any reminders you ask for, and whether you found an answer helpful. "
                    "If you use /mycase: a nickname for each case, what happened and when, which letters "
                    "you made, and which missed dates I asked you about (never names or a letter's text). "
                    "I never store or log what you type. Type /forget at any time and I delete all of it."
                )
            )
        ]

    def _cmd_forget(self, state: ChatState, _args: str) -> list[Reply]:
        """Ask first: deleting cannot be undone."""
        _ = self._(state)
        rows = (
            (Button(_("Yes, delete everything"), action(Action.FORGET, FORGET_YES)),),
            (Button(_("No, keep it"), action(Action.FORGET, FORGET_NO)),),
        )
        text = _(
            "Delete everything I keep about this chat (your area, language, reminders and feedback)? "
            "This cannot be undone."
        )
        return [Reply(text, buttons=rows, step=True)]

    def _btn_forget(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        _ = self._(state)
        if args == [FORGET_NO]:
            return [Reply(_("OK, I have kept everything."), kind="edit", step=True)]
        if args != [FORGET_YES]:
            return None
        self.store.forget(state.chat_id)
        state.calc = None
        state.forgotten = True
        return [
            Reply(
                _(
                    "Done. I have deleted everything I kept about this chat: your settings, "
                    "reminders, feedback and cases. Type /start if you want to begin again."
                ),
                kind="edit",
                step=True,
            )
        ]

    def _cmd_area(self, state: ChatState, _args: str) -> list[Reply]:
        _ = self._(state)
        text = _("Where do you live? I'll show your local contacts first.")
        return [Reply(text, buttons=self._area_buttons(state), step=True)]

    def _cmd_language(self, state: ChatState, _args: str) -> list[Reply]:
        _ = self._(state)
        rows = tuple(
            (Button(self.i18n.language_name(code), action(Action.LANGUAGE, code)),) for code in self.i18n.languages
        )
        return [Reply(_("Choose your language:"), buttons=rows, step=True)]

    # --- buttons -------------------------------------------------------------------------

    def _on_button(self, state: ChatState, data: str) -> list[Reply]:
        state.case = None  # a button leaves the case file's open question (its own may ask again)
        name, args = parse_action(data)
        handler = self._buttons.get(name) if name is not None else None
        replies = handler(state, args) if handler else None
        return replies if replies is not None else self._stale(state)

    def _stale(self, state: ChatState) -> list[Reply]:
        """A short toast, not a new message: the chat is not cluttered by an old button."""
        _ = self._(state)
        return [Reply(_("That button is from an older message and no longer works."), kind="notice")]

    def _entry(self, args: list[str]) -> Entry | None:
        return self.kb.entries.get(args[0]) if args else None

    def _btn_answer(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        entry = self._entry(args)
        return [self._entry_reply(entry, state, with_more=False)] if entry else None

    def _btn_more(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        """more:<entry id> edits the detail's first page into the answer; more:<entry id>:<page>
        sends a later page."""
        entry = self._entry(args)
        if entry is None or len(args) > 2:
            return None
        if len(args) == 1:
            return [self._entry_reply(entry, state, with_more=True, kind="edit")]
        page = self._detail_page(entry, state, int(args[1])) if args[1].isdigit() else None
        return [page] if page else None

    def _btn_feedback(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        _ = self._(state)
        entry = self._entry(args)
        if entry is None or len(args) != 2 or args[1] not in ("0", "1"):
            return None
        helpful = args[1] == "1"
        self.store.record_feedback(state.chat_id, entry.id, helpful)
        if helpful:
            return [Reply(_("Thank you, I'm glad it helped."), kind="notice")]
        return [
            Reply(
                _(
                    "Thank you for telling me. Try asking in other words, or type /contacts "
                    "to find someone who can help."
                ),
                kind="notice",
            )
        ]

    def _btn_area(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        _ = self._(state)
        if not args or (args[0] not in self.kb.areas and args[0] != ENGLAND):
            return None
        state.area = args[0]
        if args[0] == ENGLAND:
            text = _(
                "Thank you. Your council's own SEND pages are called its Local Offer: search for "
                'your council\'s name and "Local Offer". Now ask me anything, or type /help.'
            )
        else:
            text = _("Thank you. I'll show contacts for {area} first. Now ask me anything, or type /help.").format(
                area=self.kb.areas[args[0]].name.get_text(state.lang or "en")
            )
        return [Reply(text, step=True)]  # a step: the area picker's keyboard goes

    def _btn_language(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        if not args or args[0] not in self.i18n.languages:
            return None
        state.lang = args[0]
        _ = self._(state)
        text = _("I'll speak {language} with you from now on.").format(language=self.i18n.language_name(args[0]))
        return [Reply(text, step=True)]  # a step: the language picker's keyboard goes

    def _btn_nothing(self, _state: ChatState, _args: list[str]) -> list[Reply]:
        """A label-only button (a calendar's weekday heading): the tap is answered, nothing shown."""
        return []

    def _btn_none(self, state: ChatState, _args: list[str]) -> list[Reply]:
        return [self.presenter.fallback_reply(state.area, state.lang)]
