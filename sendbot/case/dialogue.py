"""The case features for a chat, with no transport in sight: each function takes the case
store, the chat id and input already parsed, and returns ``Reply`` objects (or plain data).
`sendbot.conversation.mycase` wires them to ``/mycase``, to buttons and to typed answers.

Buttons carry the `Action` codes of `sendbot.conversation.actions` (``case``,
``case-event``, ``case-add``, ``case-letter``, ``case-chron``, ``case-delete``,
``case-yes``, ``case-no``), every one checked against the chat that pressed it. CASE is the
case's row id; ``new`` makes the chat's first case and ``ask`` (the chat has several) asks
which case first. STEP is "timeline/step".

Every interface string goes through ``_``, the chat's gettext (English by default)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from sendbot._types import Gettext, english
from sendbot.case import chronology
from sendbot.case.capture import Capture
from sendbot.case.data import CaseKnowledge
from sendbot.case.events import EVENT_SPECS, STEP_RULES, EventKind
from sendbot.case.letters import fitting, render, to_docx
from sendbot.case.reader import read_letter
from sendbot.case.record import check_new_event, read_day
from sendbot.case.store import DEFAULT_CASE_NAME, Case, CaseError, CaseStore, check_name
from sendbot.case.timeline import CaseDate, CaseTimeline, case_timeline
from sendbot.case.watch import WatchNotice, due_watch, mark_sent
from sendbot.conversation.actions import Action, action
from sendbot.conversation.replies import Button, Document, Reply, short_label
from sendbot.deadlines import Event, Timeline
from sendbot.deadlines.reasons import ENGLISH as ENGLISH_WORDS
from sendbot.deadlines.reasons import DateWords

NEW_CASE = "new"  # the target of a button that makes the chat's first case
ASK_CASE = "ask"  # the chat has several cases: ask which one first
BLANK_NAMES = "blank"  # case-letter's last argument: make the letter with the names left blank
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Local:
    """The chat's language for the case features: called, it is the chat's gettext; ``day``
    writes a date the language's way; ``timelines`` (in the language) give the statutory
    dates' labels and notes. The dates themselves are worked out on the English timelines,
    and the letters stay English, because they go to the council."""

    gettext: Gettext = english
    words: DateWords = ENGLISH_WORDS
    timelines: Mapping[str, Timeline] = field(default_factory=dict)

    def __call__(self, message: str) -> str:
        return self.gettext(message)

    def day(self, value: date) -> str:
        return self.words.day(value)

    def name(self, case: Case) -> str:
        """The case's nickname; the one given when the parent gave none, in the language."""
        return self.gettext(case.name) if case.name == DEFAULT_CASE_NAME else case.name

    def why(self, error: CaseError) -> str:
        """Why something could not be done, in the language."""
        return error.reason.render(self.gettext, self.words) if error.reason else str(error)

    def step(self, item: CaseDate) -> Event:
        """The statutory date's texts (label, note, what to do if missed) in the language."""
        timeline = self.timelines.get(item.timeline)
        step = next((s for s in timeline.steps if s.id == item.event.id), None) if timeline else None
        if step is None:
            return item.event
        return replace(item.event, label=step.label, note=step.note or item.event.note, if_missed=step.if_missed)


ENGLISH = Local()


def stale(_: Local = ENGLISH) -> Reply:
    return Reply(_("That button belongs to an older message. Send /mycase to see your cases."), kind="notice")


__all__ = [
    "WatchNotice",
    "add_event",
    "capture_reply",
    "case_menu",
    "case_view",
    "chronology_replies",
    "delete_case",
    "due_watch",
    "export",
    "letter_replies",
    "mark_sent",
    "read_letter_reply",
    "watch_not_yet",
    "watch_reply",
    "watch_yes_event",
]


def _own(store: CaseStore, chat_id: int, case_id: int) -> Case | None:
    """The case, only when it belongs to this chat (a forged or stale id gives None)."""
    case = store.get(case_id)
    return case if case is not None and case.chat_id == chat_id else None


def event_buttons(target: str, _: Local = ENGLISH, name: str | None = None) -> tuple[tuple[Button, ...], ...]:
    """One button per event, to record it in ``target`` (a case id, NEW_CASE or ASK_CASE);
    ``name``: the nickname of a new case (a checked nickname fits in the button)."""
    extra = (name,) if name else ()
    return tuple(
        (Button(short_label(_(spec.label)), action(Action.CASE_EVENT, target, kind.value, *extra)),)
        for kind, spec in EVENT_SPECS.items()
    )


def new_case(store: CaseStore, chat_id: int, name: str, _: Local = ENGLISH) -> Reply:
    """``/mycase new NAME``: another child's case, started by its first event."""
    try:
        name = check_name(name)
    except CaseError as exc:
        return Reply(_("I could not start that case: {reason}.").format(reason=_.why(exc)))
    if name.lower() in (n.lower() for n in store.case_names(chat_id)):
        return Reply(_("You already have a case called {name}. Send /mycase to see it.").format(name=name))
    return Reply(
        _("What happened first in the case {name}?").format(name=name),
        title=_("My case"),
        buttons=event_buttons(NEW_CASE, _, name),
    )


def case_menu(store: CaseStore, chat_id: int, today: date, knowledge: CaseKnowledge, _: Local = ENGLISH) -> list[Reply]:
    """``/mycase``: the only case, a choice of cases, or how to start one."""
    cases = [store.find(chat_id, name) for name in store.case_names(chat_id)]
    if len(cases) == 1:
        return [case_view(store, chat_id, cases[0].id, today, knowledge, _)]
    if not cases:
        return [
            Reply(
                _(
                    "Your case file keeps what has happened and when, works out the dates the council must "
                    "meet, tells you when one is missed and writes the letter. It keeps only a nickname, the "
                    "events and their dates. What happened first?\n\nFor another child, send /mycase new "
                    "and a nickname or initial, for example: /mycase new S"
                ),
                title=_("My case"),
                buttons=event_buttons(NEW_CASE, _),
            )
        ]
    buttons = tuple((Button(short_label(_.name(case)), action(Action.CASE, str(case.id))),) for case in cases)
    more = _("For another child, send /mycase new and a nickname or initial, for example: /mycase new S")
    return [Reply(_("Which case?") + "\n\n" + more, title=_("My case"), buttons=buttons)]


def case_view(
    store: CaseStore, chat_id: int, case_id: int, today: date, knowledge: CaseKnowledge, _: Local = ENGLISH
) -> Reply:
    case = _own(store, chat_id, case_id)
    if case is None:
        return stale(_)
    timeline = case_timeline(case, knowledge.timelines, today)
    lines = [f"{_(EVENT_SPECS[e.kind].label)}: {_.day(e.date)}" for e in case.events]
    upcoming = timeline.next
    if upcoming is not None:
        lines.append(
            _("Next date the council must meet: {label}, {date}.").format(
                label=_.step(upcoming).label, date=_.day(upcoming.date)
            )
        )
    lines += [_("Missed: {label}, {date}.").format(label=_.step(d).label, date=_.day(d.date)) for d in timeline.missed]
    target = str(case.id)
    buttons: list[tuple[Button, ...]] = [(Button(_("Add what happened"), action(Action.CASE_EVENT, target)),)]
    for letter_id in fitting(knowledge.letters, timeline):
        title = _("Letter: {title}").format(title=knowledge.letters[letter_id].title)
        buttons.append((Button(short_label(title), action(Action.CASE_LETTER, target, letter_id)),))
    buttons.append((Button(_("Chronology and calendar"), action(Action.CASE_CHRONOLOGY, target)),))
    buttons.append((Button(_("Delete this case"), action(Action.CASE_DELETE, target)),))
    title = _("My case: {name}").format(name=_.name(case))
    return Reply("\n".join(lines), title=title, buttons=tuple(buttons))


class Added(NamedTuple):
    reply: Reply
    added: bool  # False: nothing was written, and the reply says why


def add_event(
    store: CaseStore,
    chat_id: int,
    case_name: str | None,
    kind: EventKind,
    date_text: str,
    today: date,
    knowledge: CaseKnowledge,
    _: Local = ENGLISH,
) -> Added:
    """Record an event whose date the parent typed; a bad date gets the reason, and
    nothing is written."""
    try:
        day = read_day(date_text, kind, today)
        names = store.case_names(chat_id)
        name = case_name or (names[0] if len(names) == 1 else None)
        if name is None and names:
            raise CaseError(_("which case is this for?"))
        name = name or DEFAULT_CASE_NAME
        existing = store.find(chat_id, name) if name.lower() in (n.lower() for n in names) else None
        check_new_event(existing, kind, day)
        case = store.add_event(chat_id, name, kind, day, today)
    except CaseError as exc:
        return Added(Reply(_("I could not add that: {reason}.").format(reason=_.why(exc))), False)
    view = case_view(store, chat_id, case.id, today, knowledge, _)
    added = _("Added: {label}, {date}.").format(label=_(EVENT_SPECS[kind].label), date=_.day(day))
    return Added(Reply(f"{added}\n\n{view.text}", view.title, view.buttons), True)


def letter_replies(
    store: CaseStore,
    chat_id: int,
    case_id: int,
    letter_id: str,
    personal: Mapping[str, str | None],
    today: date,
    knowledge: CaseKnowledge,
    _: Local = ENGLISH,
) -> list[Reply]:
    """The letter as text to copy and as a .docx to edit. ``personal`` (names, council,
    school) is used for this letter only and never stored."""
    case = _own(store, chat_id, case_id)
    template = knowledge.letters.get(letter_id)
    if case is None or template is None:
        return [stale(_)]
    letter = render(template, case_timeline(case, knowledge.timelines, today), personal)
    store.record_letter(case.id, template.id, today)
    note = _("Fill in the parts marked [fill in: ...] before you send it.") if letter.blanks else ""
    return [
        Reply(letter.text, title=template.title),
        Reply(
            note or _("The same letter as a Word file to edit."),
            document=Document(f"{template.id}.docx", to_docx(letter), DOCX_MIME),
        ),
    ]


def chronology_replies(
    store: CaseStore, chat_id: int, case_id: int, today: date, knowledge: CaseKnowledge, _: Local = ENGLISH
) -> list[Reply]:
    case = _own(store, chat_id, case_id)
    if case is None:
        return [stale(_)]
    timeline = case_timeline(case, knowledge.timelines, today)
    return [
        Reply(chronology.as_text(timeline, knowledge.letters)),
        Reply(
            _("The chronology as a Word file."),
            document=Document("chronology.docx", chronology.as_docx(timeline, knowledge.letters), DOCX_MIME),
        ),
        Reply(
            _("Every date of the case for your calendar."),
            document=Document("case-dates.ics", chronology.as_ics(timeline)),
        ),
    ]


def confirm_delete(store: CaseStore, chat_id: int, case_id: int, _: Local = ENGLISH) -> Reply:
    """Deleting cannot be undone: ask first."""
    case = _own(store, chat_id, case_id)
    if case is None:
        return stale(_)
    return Reply(
        _("Delete the case {name} and everything recorded in it? This cannot be undone.").format(name=_.name(case)),
        buttons=(
            (
                Button(_("Yes, delete it"), action(Action.CASE_DELETE, str(case.id), "yes")),
                Button(_("No, keep it"), action(Action.CASE, str(case.id))),
            ),
        ),
    )


def delete_case(store: CaseStore, chat_id: int, case_id: int, _: Local = ENGLISH) -> Reply:
    case = _own(store, chat_id, case_id)
    if case is None:
        return stale(_)
    store.delete_case(chat_id, case.name)
    return Reply(_("Deleted the case {name} and everything recorded in it.").format(name=_.name(case)))


@dataclass(frozen=True)
class Export:
    json: str
    text: str


def export_data(store: CaseStore, chat_id: int, today: date, knowledge: CaseKnowledge, _: Local = ENGLISH) -> Export:
    """Everything kept about the chat's cases (``/mycase export``)."""
    cases = [store.find(chat_id, name) for name in store.case_names(chat_id)]
    data = []
    texts = []
    for case in cases:
        timeline = case_timeline(case, knowledge.timelines, today)
        data.append(
            {
                "case": case.name,
                "events": [{"event": e.kind.value, "date": e.date.isoformat()} for e in case.events],
                "letters_made": [{"letter": m.letter, "date": m.made_on.isoformat()} for m in case.letters],
                "missed_date_questions": [
                    {"step": step, "due": due, "sent": sent is not None}
                    for _case, step, due, sent in store.watch_rows(case.id)
                ],
            }
        )
        texts.append(chronology.as_text(timeline, knowledge.letters))
    return Export(json.dumps({"cases": data}, ensure_ascii=False, indent=2), "\n\n".join(texts) or _("No cases kept."))


def export(store: CaseStore, chat_id: int, today: date, knowledge: CaseKnowledge, _: Local = ENGLISH) -> list[Reply]:
    """The export as documents: readable text and JSON."""
    found = export_data(store, chat_id, today, knowledge, _)
    return [
        Reply(
            _("Everything kept about your cases, as text and as data."),
            title=_("Your data"),
            document=Document("my-cases.txt", found.text.encode(), "text/plain"),
        ),
        Reply(_("The same as data."), document=Document("my-cases.json", found.json.encode(), "application/json")),
    ]


def _timeline_for(
    store: CaseStore, chat_id: int, case_id: int, today: date, knowledge: CaseKnowledge
) -> CaseTimeline | None:
    case = _own(store, chat_id, case_id)
    return None if case is None else case_timeline(case, knowledge.timelines, today)


def watch_reply(notice: WatchNotice, _: Local = ENGLISH) -> Reply:
    """The watch's question, with [Yes, on ...] [Not yet]."""
    case = str(notice.case_id)
    return Reply(
        notice.question(_, _.day),
        buttons=(
            (
                Button(_("Yes, on ..."), action(Action.CASE_YES, case, notice.step)),
                Button(_("Not yet"), action(Action.CASE_NO, case, notice.step)),
            ),
        ),
    )


def watch_yes_event(store: CaseStore, chat_id: int, case_id: int, step: str) -> EventKind | None:
    """The event a "Yes, on ..." records (None: a stale or forged button)."""
    rule = STEP_RULES.get(step)
    if rule is None or _own(store, chat_id, case_id) is None:
        return None
    return rule.yes_event


def watch_not_yet(
    store: CaseStore,
    chat_id: int,
    case_id: int,
    step: str,
    today: date,
    knowledge: CaseKnowledge,
    _: Local = ENGLISH,
    personal: Mapping[str, str | None] | None = None,
) -> list[Reply]:
    """What the law says, what to do now, and the letter, ready."""
    timeline = _timeline_for(store, chat_id, case_id, today, knowledge)
    item = timeline.find(step) if timeline else None
    if timeline is None or item is None:
        return [stale(_)]
    shown = _.step(item)  # its label, note and what to do, in the chat's language
    text = _("{label}: {date}.\n\nWhat the law says: {note}\n({cite}: {url})\n\nWhat to do now: {what}").format(
        label=shown.label,
        date=_.day(item.date),
        note=shown.note,
        cite=item.source.cite,
        url=item.source.url,
        what=shown.if_missed,
    )
    replies = [Reply(text, title=_("The council is late"))]
    if item.rule.letter and item.rule.letter in knowledge.letters:
        replies += letter_replies(store, chat_id, case_id, item.rule.letter, personal or {}, today, knowledge, _)
    return replies


def read_letter_reply(
    text: str, today: date, knowledge: CaseKnowledge, case_target: str = NEW_CASE, _: Local = ENGLISH
) -> Reply:
    """A pasted council letter (or a PDF's text): two lines on what it is, and the matching
    event to add to ``case_target`` (a case id, NEW_CASE or ASK_CASE). The text is not kept."""
    reading = read_letter(text, knowledge.patterns, today)
    if reading.kind is None:
        return Reply(
            _(
                "I did not recognise this letter, so I will not guess. What does it decide: a refusal to assess, "
                "a decision not to issue a plan, a draft or final plan, proposed amendments, ending the plan, "
                "or an exclusion?"
            )
        )
    event = reading.kind.event
    when = (
        _("The letter is dated {date}.").format(date=_.day(reading.date))
        if reading.date
        else _("I could not find a clear date on it: what date is on the letter?")
    )
    label = short_label(_("Add: {label}").format(label=_(EVENT_SPECS[event].label)))
    if reading.date is not None:
        button = Button(label, action(Action.CASE_ADD, case_target, event.value, reading.date.isoformat()))
    else:
        button = Button(label, action(Action.CASE_EVENT, case_target, event.value))
    return Reply(f"{reading.kind.says}\n{when}", buttons=((button,),))


def case_target(store: CaseStore, chat_id: int) -> str:
    """Where a new event goes: the only case, a new one, or ask."""
    names = store.case_names(chat_id)
    if not names:
        return NEW_CASE
    return str(store.find(chat_id, names[0]).id) if len(names) == 1 else ASK_CASE


def capture_reply(store: CaseStore, chat_id: int, found: Capture, _: Local = ENGLISH) -> Reply:
    """The offer to add an event a message tells of (`capture`: "the draft plan came
    yesterday"), with one tap. Nothing is written here."""
    target = case_target(store, chat_id)
    label = _(EVENT_SPECS[found.kind].label)
    if found.date is None:
        return Reply(
            _("It sounds like this happened: {label}. Shall I add it to your case? Tap, then tell me the date.").format(
                label=label
            ),
            buttons=((Button(_("Add it"), action(Action.CASE_EVENT, target, found.kind.value)),),),
        )
    return Reply(
        _("It sounds like this happened: {label}, {date}. Shall I add it to your case?").format(
            label=label, date=_.day(found.date)
        ),
        buttons=((Button(_("Add it"), action(Action.CASE_ADD, target, found.kind.value, found.date.isoformat())),),),
    )
