"""The case features for a chat, with no transport in sight: each function takes the case
store, the chat id and input already parsed, and returns ``Reply`` objects (or plain data).
The Telegram and terminal adapters wire these to ``/mycase`` and to buttons later.

Buttons carry short callback data (``sendbot.replies.action``), every one checked against
the chat that pressed it:

| data | meaning |
|---|---|
| ``cv:CASE`` | show a case |
| ``ce:CASE:`` | ask which event to record in CASE |
| ``ce:CASE:EVENT`` | record EVENT in CASE (the chat then asks for its date; CASE ``new``: a new case) |
| ``ca:CASE:EVENT:DATE`` | record EVENT on DATE (offered after reading a council letter or a message) |

CASE ``ask`` in ``ce``/``ca``: the chat has several cases, so ask which one first.
| ``cl:CASE:LETTER`` | make LETTER for CASE |
| ``cc:CASE`` | the chronology (.docx) and every date (.ics) |
| ``cy:CASE:STEP`` / ``cn:CASE:STEP`` | the watch's "Yes, on ..." / "Not yet" |
| ``cx:CASE`` | delete CASE |

``CASE`` is the case's row id; ``STEP`` is "timeline/step"."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sendbot.case import chronology
from sendbot.case.capture import capture
from sendbot.case.data import CaseKnowledge, default_knowledge
from sendbot.case.events import EVENT_SPECS, STEP_RULES, EventKind
from sendbot.case.letters import fitting, render, to_docx
from sendbot.case.reader import read_letter
from sendbot.case.record import check_new_event, read_day
from sendbot.case.store import DEFAULT_CASE_NAME, Case, CaseError, CaseStore
from sendbot.case.timeline import CaseTimeline, case_timeline
from sendbot.case.watch import WatchNotice, due_watch, mark_sent
from sendbot.conversation.replies import Button, Document, Reply, short_label
from sendbot.deadlines import format_day


def _code(*parts: str) -> str:
    """Callback data for the case buttons, until they join `conversation.actions.Action` when
    /mycase is wired into the chat."""
    return ":".join(parts)


DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STALE = "That button belongs to an older message. Send /mycase to see your cases."

__all__ = [
    "WatchNotice",
    "add_event",
    "capture_reply",
    "case_menu",
    "case_view",
    "chronology_replies",
    "default_knowledge",
    "delete_case",
    "due_watch",
    "export",
    "letter_replies",
    "mark_sent",
    "read_letter_reply",
    "watch_not_yet",
    "watch_reply",
    "watch_yes",
]


def _own(store: CaseStore, chat_id: int, case_id: int) -> Case | None:
    """The case, only when it belongs to this chat (a forged or stale id gives None)."""
    case = store.get(case_id)
    return case if case is not None and case.chat_id == chat_id else None


def _event_buttons(case_id: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(
        (Button(short_label(spec.label), _code("ce", str(case_id), kind.value)),) for kind, spec in EVENT_SPECS.items()
    )


def case_menu(store: CaseStore, chat_id: int, today: date, knowledge: CaseKnowledge | None = None) -> list[Reply]:
    """``/mycase``: the only case, a choice of cases, or how to start one."""
    cases = [store.find(chat_id, name) for name in store.case_names(chat_id)]
    if len(cases) == 1:
        return [case_view(store, chat_id, cases[0].id, today, knowledge)]
    if not cases:
        return [
            Reply(
                "Your case file keeps what has happened and when, works out the dates the council must "
                "meet, tells you when one is missed and writes the letter. It keeps only a nickname, the "
                "events and their dates. What happened first?",
                title="My case",
                buttons=tuple(
                    (Button(short_label(s.label), _code("ce", "new", k.value)),) for k, s in EVENT_SPECS.items()
                ),
            )
        ]
    buttons = tuple((Button(short_label(case.name), _code("cv", str(case.id))),) for case in cases)
    return [Reply("Which case?", title="My case", buttons=buttons)]


def case_view(
    store: CaseStore, chat_id: int, case_id: int, today: date, knowledge: CaseKnowledge | None = None
) -> Reply:
    knowledge = knowledge or default_knowledge()
    case = _own(store, chat_id, case_id)
    if case is None:
        return Reply(STALE, kind="notice")
    timeline = case_timeline(case, knowledge.timelines, today)
    lines = [f"{EVENT_SPECS[e.kind].label}: {format_day(e.date)}" for e in case.events]
    upcoming = timeline.next
    if upcoming is not None:
        lines.append(f"Next date the council must meet: {upcoming.event.label}, {format_day(upcoming.date)}.")
    lines += [f"Missed: {d.event.label}, {format_day(d.date)}." for d in timeline.missed]
    buttons: list[tuple[Button, ...]] = [(Button("Add what happened", _code("ce", str(case.id), "")),)]
    for letter_id in fitting(knowledge.letters, timeline):
        title = knowledge.letters[letter_id].title
        buttons.append((Button(short_label(f"Letter: {title}"), _code("cl", str(case.id), letter_id)),))
    buttons.append((Button("Chronology and calendar", _code("cc", str(case.id))),))
    buttons.append((Button("Delete this case", _code("cx", str(case.id))),))
    return Reply("\n".join(lines), title=f"My case: {case.name}", buttons=tuple(buttons))


def add_event(
    store: CaseStore,
    chat_id: int,
    case_name: str | None,
    kind: EventKind,
    date_text: str,
    today: date,
    knowledge: CaseKnowledge | None = None,
) -> Reply:
    """Record an event whose date the parent typed; a bad date gets the reason, and
    nothing is written."""
    knowledge = knowledge or default_knowledge()
    try:
        day = read_day(date_text, kind, today)
        names = store.case_names(chat_id)
        name = case_name or (names[0] if len(names) == 1 else None)
        if name is None and names:
            raise CaseError("which case is this for?")
        name = name or DEFAULT_CASE_NAME
        existing = store.find(chat_id, name) if name.lower() in (n.lower() for n in names) else None
        check_new_event(existing, kind, day)
        case = store.add_event(chat_id, name, kind, day, today)
    except CaseError as exc:
        return Reply(f"I could not add that: {exc}.")
    view = case_view(store, chat_id, case.id, today, knowledge)
    return Reply(f"Added: {EVENT_SPECS[kind].label}, {format_day(day)}.\n\n{view.text}", view.title, view.buttons)


def letter_replies(
    store: CaseStore,
    chat_id: int,
    case_id: int,
    letter_id: str,
    personal: Mapping[str, str | None],
    today: date,
    knowledge: CaseKnowledge | None = None,
) -> list[Reply]:
    """The letter as text to copy and as a .docx to edit. ``personal`` (names, council,
    school) is used for this letter only and never stored."""
    knowledge = knowledge or default_knowledge()
    case = _own(store, chat_id, case_id)
    template = knowledge.letters.get(letter_id)
    if case is None or template is None:
        return [Reply(STALE, kind="notice")]
    letter = render(template, case_timeline(case, knowledge.timelines, today), personal)
    store.record_letter(case.id, template.id, today)
    note = "Fill in the parts marked [fill in: ...] before you send it." if letter.blanks else ""
    return [
        Reply(letter.text, title=template.title),
        Reply(
            note or "The same letter as a Word file to edit.",
            document=Document(f"{template.id}.docx", to_docx(letter), DOCX_MIME),
        ),
    ]


def chronology_replies(
    store: CaseStore, chat_id: int, case_id: int, today: date, knowledge: CaseKnowledge | None = None
) -> list[Reply]:
    knowledge = knowledge or default_knowledge()
    case = _own(store, chat_id, case_id)
    if case is None:
        return [Reply(STALE, kind="notice")]
    timeline = case_timeline(case, knowledge.timelines, today)
    return [
        Reply(chronology.as_text(timeline, knowledge.letters)),
        Reply(
            "The chronology as a Word file.",
            document=Document("chronology.docx", chronology.as_docx(timeline, knowledge.letters), DOCX_MIME),
        ),
        Reply(
            "Every date of the case for your calendar.",
            document=Document("case-dates.ics", chronology.as_ics(timeline)),
        ),
    ]


def delete_case(store: CaseStore, chat_id: int, case_id: int) -> Reply:
    case = _own(store, chat_id, case_id)
    if case is None:
        return Reply(STALE, kind="notice")
    store.delete_case(chat_id, case.name)
    return Reply(f"Deleted the case {case.name} and everything recorded in it.")


@dataclass(frozen=True)
class Export:
    json: str
    text: str


def export_data(store: CaseStore, chat_id: int, today: date, knowledge: CaseKnowledge | None = None) -> Export:
    """Everything kept about the chat's cases (``/mycase export``)."""
    knowledge = knowledge or default_knowledge()
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
                    {"date": step, "due": due, "sent": sent is not None}
                    for _, step, due, sent in store.watch_rows(case.id)
                ],
            }
        )
        texts.append(chronology.as_text(timeline, knowledge.letters))
    return Export(json.dumps({"cases": data}, ensure_ascii=False, indent=2), "\n\n".join(texts) or "No cases kept.")


def export(store: CaseStore, chat_id: int, today: date, knowledge: CaseKnowledge | None = None) -> list[Reply]:
    found = export_data(store, chat_id, today, knowledge)
    return [
        Reply(found.text, title="Everything kept about your cases"),
        Reply("The same as data.", document=Document("my-cases.json", found.json.encode(), "application/json")),
    ]


def _timeline_for(
    store: CaseStore, chat_id: int, case_id: int, today: date, knowledge: CaseKnowledge
) -> CaseTimeline | None:
    case = _own(store, chat_id, case_id)
    return None if case is None else case_timeline(case, knowledge.timelines, today)


def watch_reply(notice: WatchNotice) -> Reply:
    """The watch's question, with [Yes, on ...] [Not yet]."""
    case = str(notice.case_id)
    return Reply(
        notice.question,
        buttons=(
            (
                Button("Yes, on ...", _code("cy", case, notice.step)),
                Button("Not yet", _code("cn", case, notice.step)),
            ),
        ),
    )


def watch_yes(
    store: CaseStore,
    chat_id: int,
    case_id: int,
    step: str,
    date_text: str,
    today: date,
    knowledge: CaseKnowledge | None = None,
) -> Reply:
    """The parent says it happened, and on what date: record the event that meets it."""
    rule = STEP_RULES.get(step)
    case = _own(store, chat_id, case_id)
    if rule is None or rule.yes_event is None or case is None:
        return Reply(STALE, kind="notice")
    return add_event(store, chat_id, case.name, rule.yes_event, date_text, today, knowledge)


def watch_not_yet(
    store: CaseStore, chat_id: int, case_id: int, step: str, today: date, knowledge: CaseKnowledge | None = None
) -> list[Reply]:
    """What the law says, what to do now, and the letter, ready."""
    knowledge = knowledge or default_knowledge()
    timeline = _timeline_for(store, chat_id, case_id, today, knowledge)
    item = timeline.find(step) if timeline else None
    if timeline is None or item is None:
        return [Reply(STALE, kind="notice")]
    text = (
        f"{item.event.label}: {format_day(item.date)}.\n\n"
        f"What the law says: {item.event.note}\n({item.source.cite}: {item.source.url})\n\n"
        f"What to do now: {item.event.if_missed}"
    )
    replies = [Reply(text, title="The council is late")]
    if item.rule.letter and item.rule.letter in knowledge.letters:
        replies += letter_replies(store, chat_id, case_id, item.rule.letter, {}, today, knowledge)
    return replies


def read_letter_reply(
    text: str, today: date, knowledge: CaseKnowledge | None = None, case_id: int | None = None
) -> Reply:
    """A pasted council letter (or a PDF's text): two lines on what it is, and the matching
    event to add. The text is not kept."""
    knowledge = knowledge or default_knowledge()
    reading = read_letter(text, knowledge.patterns, today)
    if reading.kind is None:
        return Reply(
            "I did not recognise this letter, so I will not guess. What does it decide: a refusal to assess, "
            "a decision not to issue a plan, a draft or final plan, proposed amendments, ending the plan, "
            "or an exclusion?"
        )
    event = reading.kind.event
    when = (
        f"The letter is dated {format_day(reading.date)}."
        if reading.date
        else "I could not find a clear date on it: what date is on the letter?"
    )
    target = str(case_id) if case_id is not None else "new"
    label = short_label(f"Add: {EVENT_SPECS[event].label}")
    if reading.date is not None:
        button = Button(label, _code("ca", target, event.value, reading.date.isoformat()))
    else:
        button = Button(label, _code("ce", target, event.value))
    return Reply(f"{reading.kind.says}\n{when}", buttons=((button,),))


def capture_reply(
    store: CaseStore, chat_id: int, text: str, today: date, knowledge: CaseKnowledge | None = None
) -> Reply | None:
    """A message that tells of an event ("the draft plan came yesterday"): offer to add it
    (one tap), or None when the message is not one (a question, or nothing clear), so the
    chat answers it as usual. Nothing is written here."""
    knowledge = knowledge or default_knowledge()
    found = capture(text, knowledge.phrases, today)
    if found is None:
        return None
    names = store.case_names(chat_id)
    target = str(store.find(chat_id, names[0]).id) if len(names) == 1 else "new" if not names else "ask"
    label = EVENT_SPECS[found.kind].label
    if found.date is None:
        return Reply(
            f"It sounds like this happened: {label}. Shall I add it to your case? Tap, then tell me the date.",
            buttons=((Button("Add it", _code("ce", target, found.kind.value)),),),
        )
    return Reply(
        f"It sounds like this happened: {label}, {format_day(found.date)}. Shall I add it to your case?",
        buttons=((Button("Add it", _code("ca", target, found.kind.value, found.date.isoformat())),),),
    )
