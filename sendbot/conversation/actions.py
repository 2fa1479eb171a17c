"""Button actions: every kind of button the bot sends, named once, with the code it carries.

Callback data is ``code:arg:arg`` (ids never contain ':'). It is built and parsed only here,
so Telegram's 64-byte limit is enforced in one place, codes cannot clash (the enum is
unique, and so are the older codes still read), and a stale or forged button is recognised
as such. Buttons already sent with the short codes of earlier versions keep working: they
are read through ``LEGACY_CODES``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum, unique
from typing import TypeVar

MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data


@unique
class Action(str, Enum):
    ANSWER = "answer"  # show an entry: answer:<entry id>
    MORE = "more"  # the detail: its first page in place, more:<entry id>; a later one, more:<entry id>:<page>
    FEEDBACK = "helpful"  # helpful:<entry id>:1|0
    AREA = "area"  # area:<area id>
    LANGUAGE = "lang"  # lang:<code>
    NONE_OF_THESE = "none"  # none of the suggestions: the honest fallback
    TIMELINE = "timeline"  # start a calculator: timeline[:<timeline id>] (no id: the list)
    READING = "reading"  # one reading of an ambiguous date: reading:<input>[:<ISO date>]
    SKIP = "skip"  # skip an optional question: skip:<input>
    YES_NO = "yesno"  # yesno:<input>:1|0
    CALENDAR = "calendar"  # calendar:<input>:<YYYY-MM> (a month) or :<ISO date> (a day)
    CANCEL = "cancel"  # stop the calculator
    CALENDAR_FILE = "ics"  # ics:<timeline id>
    REMIND = "remind"  # remind:<timeline id>
    CANCEL_REMINDER = "unremind"  # unremind:<reminder id>|all
    NOTES = "notes"  # the deadline result again with every note whole: notes:<timeline id>
    CONTACTS = "contacts"  # one page of /contacts: contacts:<area id>|national[:<page from 0>]
    FORGET = "forget"  # /forget's confirmation: forget:yes|no
    NOTHING = "nothing"  # a label-only button (a calendar's weekday heading, an empty day)
    # "My case" (sendbot/conversation/mycase.py). CASE is a case's row id; "new" makes the
    # chat's first case, "ask" asks which case first.
    CASE = "case"  # show a case: case:<case>
    CASE_EVENT = "case-event"  # case-event:<case>[:<event>]: which event, or ask its date
    CASE_ADD = "case-add"  # case-add:<case>:<event>:<ISO date> (offered from a letter or a message)
    CASE_LETTER = "case-letter"  # case-letter:<case>:<letter>[:blank]: ask for names, or make it with blanks
    CASE_CHRONOLOGY = "case-chron"  # case-chron:<case>: the chronology and every date
    CASE_DELETE = "case-delete"  # case-delete:<case>[:yes]: ask, then delete one case
    CASE_YES = "case-yes"  # the watch's "Yes, on ...": case-yes:<case>:<timeline/step>
    CASE_NO = "case-no"  # the watch's "Not yet": case-no:<case>:<timeline/step>


# The codes of earlier versions, still on buttons in parents' chats.
LEGACY_CODES: Mapping[str, Action] = {
    "a": Action.ANSWER,
    "m": Action.MORE,
    "f": Action.FEEDBACK,
    "ar": Action.AREA,
    "lg": Action.LANGUAGE,
    "n": Action.NONE_OF_THESE,
    "dl": Action.TIMELINE,
    "dd": Action.READING,
    "sk": Action.SKIP,
    "yn": Action.YES_NO,
    "cal": Action.CALENDAR,
    "cx": Action.CANCEL,
    "rm": Action.REMIND,
    "rc": Action.CANCEL_REMINDER,
}
if set(LEGACY_CODES) & {action.value for action in Action}:
    raise RuntimeError("a legacy button code clashes with a current one")
_BY_CODE: dict[str, Action] = {**LEGACY_CODES, **{action.value: action for action in Action}}


def action(name: Action, *args: str) -> str:
    """Callback data for a button; refuses data over Telegram's 64 bytes or an argument with ':'."""
    if any(":" in arg for arg in args):
        raise ValueError(f"a button argument cannot contain ':': {args!r}")
    data = ":".join((name.value, *args))
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def parse_action(data: str) -> tuple[Action | None, list[str]]:
    """The action and its arguments; None for a code no version of the bot has sent."""
    code, *args = data.split(":")
    return _BY_CODE.get(code), args


H = TypeVar("H")


K = TypeVar("K")


def merge_handlers(what: str, tables: tuple[Mapping[K, H], ...], needed: Iterable[K]) -> dict[K, H]:
    """One handler per name: merges the handlers of each part of the dialogue, refusing a
    name handled twice, or one of ``needed`` handled not at all."""
    merged: dict[K, H] = {}
    for table in tables:
        for name, handler in table.items():
            if name in merged:
                raise ValueError(f"{what} {name} is handled twice")
            merged[name] = handler
    missing = [str(name) for name in needed if name not in merged]
    if missing:
        raise ValueError(f"no handler for {what}(s): {', '.join(missing)}")
    return merged


def dispatch_table(*tables: Mapping[Action, H]) -> dict[Action, H]:
    """One handler per button action, and every action handled."""
    return merge_handlers("button action", tables, Action)
