"""The daily missed-deadline watch: the day after a date the council had to meet passes with
nothing recorded, ask the parent once whether it happened.

Claim before send: ``due_watch`` claims each notice in the database (one transaction per
notice) and only returns the notices it claimed; the sender calls ``mark_sent`` after the
message has gone. A notice marked sent is never returned again, across restarts and when two
jobs run at once. A notice claimed by a sender that died before sending (no ``sent_at``) is
returned again once its lease has run out, so a crash loses nothing; the only duplicate
possible is a crash in the instant between the send succeeding and ``mark_sent``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sendbot._types import Gettext, english
from sendbot.case.data import CaseKnowledge
from sendbot.case.events import EventKind
from sendbot.case.store import CaseStore
from sendbot.case.timeline import Status, case_timeline
from sendbot.deadlines import format_day

DEFAULT_LEASE_SECONDS = 600.0  # a claim not marked sent within 10 minutes is offered again


@dataclass(frozen=True)
class WatchNotice:
    """One question to send: "The council had to ... by 14 April 2026 ... Did it?"."""

    chat_id: int
    case_id: int
    case_name: str
    step: str  # "timeline/step"
    due: date
    ask: str  # the question, with {date} (``StepRule.ask``, a catalogue string)
    several_cases: bool  # the chat has several cases: the question names this one
    yes_event: EventKind | None
    letter: str | None

    def question(self, gettext: Gettext = english, day: Callable[[date], str] = format_day) -> str:
        """The question in the chat's language (English by default), the date
        written by ``day``."""
        text = gettext(self.ask).format(date=day(self.due))
        return f"{self.case_name}: {text}" if self.several_cases else text


def due_watch(
    store: CaseStore,
    today: date,
    knowledge: CaseKnowledge,
    *,
    now: datetime | None = None,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    chats: Callable[[int], bool] | None = None,
) -> list[WatchNotice]:
    """Claim and return every notice due on ``today``: council dates of every case (of the
    chats ``chats`` accepts: a channel asks only its own) that are missed and were not asked
    about before."""
    moment = now or datetime.now(timezone.utc)
    notices: list[WatchNotice] = []
    for case in store.all_cases():
        if chats is not None and not chats(case.chat_id):
            continue
        for item in case_timeline(case, knowledge.timelines, today).dates:
            if item.status is not Status.MISSED or not item.council_duty or not item.rule.ask:
                continue
            if not store.claim(case.id, item.id, item.date, moment, lease_seconds):
                continue
            notices.append(
                WatchNotice(
                    case.chat_id,
                    case.id,
                    case.name,
                    item.id,
                    item.date,
                    item.rule.ask,
                    len(store.case_names(case.chat_id)) > 1,
                    item.rule.yes_event,
                    item.rule.letter,
                )
            )
    return notices


def mark_sent(store: CaseStore, notice: WatchNotice, now: datetime | None = None) -> None:
    store.mark_sent(notice.case_id, notice.step, notice.due, now or datetime.now(timezone.utc))
