"""The deadline calculator, as a dialogue the conversation core delegates to.

A parent chooses a process, answers only the questions its timeline needs (typed in any
common form, or picked from a calendar), and gets every date with a one-line reason, its
source and what to do if it is missed, then a calendar file or reminders if they want.

Everything about a running calculator lives in ``ChatState.calc``, a typed `CalcFlow`
stored as JSON (timeline id, answers in their JSON form, the question being asked, the
readings of an ambiguous date), so it survives a restart and buttons can be checked against it: a
button for another question or timeline is stale. All date reading and arithmetic is the
``sendbot.deadlines`` package's; this module only talks."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import NamedTuple

from babel.support import NullTranslations

from sendbot.clock import Clock, london_today
from sendbot.conversation.actions import Action, action
from sendbot.conversation.calendar_picker import month_grid, parse_month
from sendbot.conversation.presenter import source_link
from sendbot.conversation.reminders import ReminderDialogue
from sendbot.conversation.replies import Button, Document, Foot, Kind, Reply, in_place, short_label
from sendbot.conversation.words import LocalWords
from sendbot.deadlines import (
    Ambiguous,
    Event,
    Input,
    InputError,
    InputValue,
    InvalidDate,
    Result,
    Timeline,
    bounds_for,
    build_ics,
    calculate,
    check_inputs,
    parse_input,
)
from sendbot.deadlines.reasons import Reason
from sendbot.deadlines.render import decode_value, encode_value, event_marks
from sendbot.i18n import I18n
from sendbot.store.state import CalcFlow, ChatState

# A message asks for a date calculation, not just for information, when it says one of these.
DATE_QUESTION = re.compile(
    r"\b(?:when (?:is|are|was|will|must|should|does|do|did|can|has|have)|by when|deadlines?|"
    r"due(?! to)|how long|how many (?:days|weeks|months)|what date|time ?limits?|work out|"
    r"calculate)\b",
    re.IGNORECASE,
)

ButtonHandler = Callable[[ChatState, list[str]], list[Reply] | None]  # None: a stale button


class Open(NamedTuple):
    """The question a running calculator is waiting for."""

    calc: CalcFlow
    timeline: Timeline
    spec: Input


def _edits(handler: ButtonHandler) -> ButtonHandler:
    """A step's button: the next question (or the result) replaces the question it was on."""

    def in_place_handler(state: ChatState, args: list[str]) -> list[Reply] | None:
        replies = handler(state, args)
        return in_place(replies) if replies is not None else None

    return in_place_handler


HERE = "here"  # a timeline button on the calculator's own list: the list becomes the first question


class Calculator:
    """The calculator dialogue. The core routes to ``commands`` and ``buttons`` and gives it
    the parent's typed text while a question is open; "Remind me" goes to ``reminders``."""

    def __init__(
        self,
        timelines: Mapping[str, Timeline],
        i18n: I18n,
        clock: Clock,
        reminders: ReminderDialogue,
        translated: Mapping[str, Mapping[str, Timeline]] | None = None,
    ) -> None:
        self.timelines = dict(timelines)
        self.translated = dict(translated or {})  # language -> the timelines in it (deadlines.translations)
        self.i18n = i18n
        self.clock = clock
        self.reminders = reminders
        self._by_entry: dict[str, list[Timeline]] = {}
        for timeline in self.timelines.values():
            for link in timeline.entries:
                self._by_entry.setdefault(link.entry_id, []).append(timeline)
        self.commands: dict[str, Callable[[ChatState, str], list[Reply]]] = {
            "deadlines": self._cmd_deadlines,
            "cancel": self._cmd_cancel,
        }
        self.buttons: dict[Action, ButtonHandler] = {
            Action.TIMELINE: self._btn_choose,
            Action.READING: _edits(self._btn_ambiguous),
            Action.SKIP: _edits(self._btn_skip),
            Action.YES_NO: _edits(self._btn_yes_no),
            Action.CALENDAR: _edits(self._btn_calendar),
            Action.CANCEL: _edits(self._btn_cancel),
            Action.CALENDAR_FILE: self._btn_ics,
            Action.REMIND: self._btn_remind,
            Action.NOTES: self._btn_notes,
        }

    def _tr(self, state: ChatState) -> NullTranslations:
        return self.i18n.translator(state.lang)

    def _in(self, state: ChatState) -> Mapping[str, Timeline]:
        """The timelines in the parent's language (the English for a language without them)."""
        return self.translated.get(state.lang or "", self.timelines)

    # --- state ---------------------------------------------------------------------------

    def _open_question(self, state: ChatState) -> Open | None:
        """The question waiting for an answer, if any (a timeline or question since removed
        from the data counts as none)."""
        calc = state.calc
        timeline = self._in(state).get(calc.timeline) if calc else None
        if timeline is None or calc is None:
            return None
        spec = next((spec for spec in timeline.inputs if spec.name == calc.asking), None)
        return Open(calc, timeline, spec) if spec else None

    def is_waiting(self, state: ChatState) -> bool:
        """True while a question is open, so the parent's next message is its answer."""
        return self._open_question(state) is not None

    def _asking(self, state: ChatState, name: str) -> Open | None:
        """The open question if it is ``name``; a button for any other question is from an
        older message."""
        found = self._open_question(state)
        return found if found and found.spec.name == name else None

    @staticmethod
    def _answers(timeline: Timeline, calc: CalcFlow) -> dict[str, InputValue | None]:
        """The answers so far; one whose stored form no longer fits its question (the data
        changed, or a damaged row) counts as not answered, so it is asked again."""
        answers: dict[str, InputValue | None] = {}
        for spec in timeline.inputs:
            if spec.name in calc.answers:
                try:
                    answers[spec.name] = decode_value(spec, calc.answers[spec.name])
                except (ValueError, TypeError):
                    continue
        return answers

    # --- choosing and asking ---------------------------------------------------------------

    def _cmd_deadlines(self, state: ChatState, args: str) -> list[Reply]:
        if args.strip().lower() in self.timelines:
            return self._start(state, self._in(state)[args.strip().lower()])
        return self._menu(state)

    def _menu(self, state: ChatState) -> list[Reply]:
        _ = self._tr(state).gettext
        if not self.timelines:
            return [Reply(_("Sorry, the deadline calculators are not available at the moment."))]
        rows = tuple(
            (Button(short_label(t.button_title), action(Action.TIMELINE, t.id, HERE)),)
            for t in sorted(self._in(state).values(), key=lambda t: (t.order, t.title))
        )
        return [Reply(_("I can work out the legal deadlines for you. Which process is it about?"), buttons=rows)]

    def _btn_choose(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        if not args:
            return self._menu(state)
        timeline = self._in(state).get(args[0])
        if timeline is None:
            return None
        return in_place(self._start(state, timeline)) if args[1:] == [HERE] else self._start(state, timeline)

    def _start(self, state: ChatState, timeline: Timeline) -> list[Reply]:
        _ = self._tr(state).gettext
        calc = state.calc = CalcFlow(timeline.id)
        intro = timeline.summary + "\n\n" + _("I'll ask a few questions. Type /cancel to stop at any time.")
        return self._next(state, calc, timeline, intro=intro)

    def _needed(self, timeline: Timeline, spec: Input, answers: Mapping[str, InputValue | None]) -> bool:
        """Whether the answer could still change the result: some step that may yet be shown
        (its only_if/unless not already ruled out by an answer) uses it."""
        calendar_inputs = {
            timeline.school_calendar.terms,
            timeline.school_calendar.closures,
            timeline.school_calendar.closed_days,
        }
        for step in timeline.steps:
            if step.only_if is not None and step.only_if in answers and not answers[step.only_if]:
                continue
            if step.unless and answers.get(step.unless):
                continue
            used = {*step.anchors, step.only_if, step.unless}
            if step.unit == "school days":
                used |= calendar_inputs
            if spec.name in used:
                return True
        return False

    def _next(self, state: ChatState, calc: CalcFlow, timeline: Timeline, intro: str = "") -> list[Reply]:
        """Ask the next question the timeline needs, or show the result when none is left."""
        calc.candidates = []
        answers = self._answers(timeline, calc)
        for spec in timeline.inputs:
            if spec.name not in answers and (spec.required or self._needed(timeline, spec, answers)):
                calc.asking = spec.name
                return [self._question(state, timeline, spec, intro)]
        calc.asking = None
        return [self._result_reply(state, self._calculate(state, timeline, answers))]

    def _question(self, state: ChatState, timeline: Timeline, spec: Input, intro: str = "", problem: str = "") -> Reply:
        _ = self._tr(state).gettext
        text = spec.prompt
        if spec.kind == "date":
            text += "\n" + _("You can type it as 3/3/2025, 3 March 2025, 03.03.25 or yesterday.")
        rows: list[tuple[Button, ...]] = []
        if spec.kind == "bool":
            rows.append(
                (
                    Button(_("Yes"), action(Action.YES_NO, spec.name, "1")),
                    Button(_("No"), action(Action.YES_NO, spec.name, "0")),
                )
            )
        if spec.kind == "date":
            today = london_today(self.clock)
            month = min(today, bounds_for(spec, today).latest)
            rows.append((Button(_("📅 Pick from a calendar"), action(Action.CALENDAR, spec.name, f"{month:%Y-%m}")),))
        if not spec.required and spec.kind != "bool":
            rows.append((Button(_("Skip"), action(Action.SKIP, spec.name)),))
        rows.append((Button(_("Cancel"), action(Action.CANCEL)),))
        parts = [part for part in (intro, problem, text) if part]
        return Reply("\n\n".join(parts), title=timeline.title if intro else None, buttons=tuple(rows), step=True)

    def _reason(self, state: ChatState, reason: Reason) -> str:
        """Why an answer cannot be used, in the parent's language."""
        return reason.render(self._tr(state).gettext, LocalWords(self.i18n, state.lang))

    def _again(self, state: ChatState, found: Open, reason: Reason) -> list[Reply]:
        """A kind refusal with the reason, and the same question again."""
        _ = self._tr(state).gettext
        calc, timeline, spec = found
        calc.answers.pop(spec.name, None)
        calc.asking = spec.name
        calc.candidates = []
        problem = _("Sorry, I can't use that: {reason}. Please try again, or type /cancel to stop.").format(
            reason=self._reason(state, reason)
        )
        return [self._question(state, timeline, spec, problem=problem)]

    # --- answers -----------------------------------------------------------------------------

    def answer_text(self, state: ChatState, text: str) -> list[Reply] | None:
        """The parent's typed answer to the open question; None when no question is open."""
        found = self._open_question(state)
        if found is None:
            return None
        value = parse_input(found.spec, text, london_today(self.clock))  # None only for optional questions
        if isinstance(value, Ambiguous):
            return self._which(state, found, value)
        if isinstance(value, InvalidDate):
            return self._again(state, found, value.reason)
        return self._accept(state, found, value)

    def _which(self, state: ChatState, found: Open, ambiguous: Ambiguous) -> list[Reply]:
        """Day and month could be either way round: ask rather than guess."""
        _ = self._tr(state).gettext
        spec = found.spec
        found.calc.candidates = [day.isoformat() for day in ambiguous.candidates]
        lang = state.lang
        rows = tuple(
            (Button(self.i18n.date(day, lang), action(Action.READING, spec.name, day.isoformat())),)
            for day in ambiguous.candidates
        )
        rows += ((Button(_("Neither: I'll type it again"), action(Action.READING, spec.name)),),)
        options = _(" or ").join(self.i18n.date(day, lang) for day in ambiguous.candidates)
        text = _("I'm not sure which date you mean ({reason}). Did you mean {options}?").format(
            reason=self._reason(state, ambiguous.reason), options=options
        )
        return [Reply(text, buttons=rows, step=True)]

    def _accept(self, state: ChatState, found: Open, value: InputValue | None) -> list[Reply]:
        """Keep an answer (None: not given) if it fits the others (a date not before another
        one), then move on. A complaint about a required question not asked yet is no
        complaint about this answer."""
        calc, timeline, spec = found
        answers = self._answers(timeline, calc) | {spec.name: value}
        try:
            check_inputs(timeline, answers)
        except InputError as error:
            if answers.get(error.input) is not None:
                return self._again(state, found, error.reason)
        calc.answers[spec.name] = encode_value(value)
        return self._next(state, calc, timeline)

    def _btn_ambiguous(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        found = self._asking(state, args[0]) if args else None
        if found is None:
            return None
        if len(args) == 1:
            found.calc.candidates = []
            return [self._question(state, found.timeline, found.spec)]
        if args[1] not in found.calc.candidates:
            return None
        return self._accept(state, found, date.fromisoformat(args[1]))

    def _btn_skip(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        found = self._asking(state, args[0]) if args else None
        if found is None or found.spec.required:
            return None
        return self._accept(state, found, None)

    def _btn_yes_no(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        found = self._asking(state, args[0]) if len(args) == 2 and args[1] in ("0", "1") else None
        if found is None or found.spec.kind != "bool":
            return None
        return self._accept(state, found, args[1] == "1")

    def _cmd_cancel(self, state: ChatState, _args: str) -> list[Reply]:
        return self._btn_cancel(state, []) or [Reply(self._tr(state).gettext("There is nothing to cancel."))]

    def _btn_cancel(self, state: ChatState, _args: list[str]) -> list[Reply] | None:
        if not self.is_waiting(state):
            return None
        state.calc = None
        _ = self._tr(state).gettext
        text = _("OK, I've stopped working out dates. Ask me anything, or type /deadlines to start again.")
        return [Reply(text, step=True)]

    # --- calendar picker ---------------------------------------------------------------------

    def _btn_calendar(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        """``cal:<question>:YYYY-MM`` shows a month; ``cal:<question>:YYYY-MM-DD`` picks a day,
        read by ``parse_input`` like a typed date so the same checks apply."""
        found = self._asking(state, args[0]) if len(args) == 2 else None
        if found is None or found.spec.kind != "date":
            return None
        spec = found.spec
        today = london_today(self.clock)
        if len(args[1]) == 10:
            value = parse_input(spec, args[1], today)
            if isinstance(value, InvalidDate):
                return self._again(state, found, value.reason)
            return self._accept(state, found, value) if isinstance(value, date) else None
        month = parse_month(args[1])
        return [month_grid(spec, month, bounds_for(spec, today), self.i18n, state.lang)] if month else None

    # --- the result ----------------------------------------------------------------------------

    def _calculate(self, state: ChatState, timeline: Timeline, answers: Mapping[str, InputValue | None]) -> Result:
        """The dates, with any date inside a note written the parent's way."""
        lang = state.lang
        return calculate(timeline, answers, london_today(self.clock), lambda day: self.i18n.date(day, lang))

    def _event_line(self, state: ChatState, event: Event, full: bool) -> str:
        _ = self._tr(state).gettext
        when = self.i18n.date(event.date, state.lang) if event.date else _("No fixed date")
        marks = [_(mark) for mark in event_marks(event)]
        heading = f"• {when} – {event.label}" + "".join(f" ({mark})" for mark in marks)
        return f"{heading}\n  {event.note}" if full else heading

    def _result_reply(self, state: ChatState, result: Result, *, full: bool = False, kind: Kind = "message") -> Reply:
        """Every date at a glance, then the dates that need an answer not given, named. With
        ``full`` (the "Why" button, in place): each date's whole note, what to do if a date is
        missed (from the first date already passed, else the first date), and the sources as
        named links at the foot. Nothing is ever cut mid-sentence."""
        _ = self._tr(state).gettext
        tid = result.timeline.id
        no_fixed_date = {step.id for step in result.timeline.steps if step.no_fixed_date}
        known = [e for e in result.events if e.date is not None or e.id in no_fixed_date]
        unknown = [e for e in result.events if e not in known]
        today = self.i18n.date(result.today, state.lang)
        parts = [_("Here are your dates, worked out on {today}:").format(today=today)]
        parts.append(("\n\n" if full else "\n").join(self._event_line(state, event, full) for event in known))
        if unknown:
            lines = (f"• {e.label}: {e.note}" if full else f"• {e.label}" for e in unknown)
            parts.append(_("Not dated yet (I need another answer for these):") + "\n" + "\n".join(lines))
        dated = result.dated_events
        missed = next((e for e in dated if e.passed), dated[0] if dated else None)
        if full and missed is not None and missed.if_missed:
            parts.append(_("If a date is missed: {advice}").format(advice=missed.if_missed))
        parts.append(_("This is information, not legal advice: your local SENDIASS or IPSEA can check your case."))
        rows: list[tuple[Button, ...]] = []
        if not full:
            rows.append((Button(_("📖 Why these dates, and the sources"), action(Action.NOTES, tid)),))
        if dated:
            rows.append((Button(_("📅 Calendar file"), action(Action.CALENDAR_FILE, tid)),))
        if any(not event.passed for event in dated):
            rows.append((Button(_("⏰ Remind me"), action(Action.REMIND, tid)),))
        rows.append((Button(_("Start again"), action(Action.TIMELINE)),))
        sources = tuple(dict.fromkeys(source_link(e.source) for e in result.events))
        foot = Foot(_("Sources:"), sources) if full and sources else None
        title = result.timeline.title
        return Reply("\n\n".join(parts), title=title, buttons=tuple(rows), kind=kind, foot=foot, step=True)

    def _last_result(self, state: ChatState, args: list[str]) -> Result | None:
        """The finished calculation a result button belongs to, worked out again from the
        answers kept in the flow; None when the button is from another or an open one."""
        calc = state.calc
        timeline = self._in(state).get(calc.timeline) if calc else None
        if timeline is None or calc is None or calc.asking or args[:1] != [timeline.id]:
            return None
        try:
            return self._calculate(state, timeline, self._answers(timeline, calc))
        except InputError:  # the timeline data changed since: the answers no longer fit
            return None

    def _btn_ics(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        result = self._last_result(state, args)
        if result is None:
            return None
        ngettext = self._tr(state).ngettext
        count = len(result.dated_events)
        text = ngettext(
            "Here is a calendar file with {count} date. Open it to add it to your calendar.",
            "Here is a calendar file with {count} dates. Open it to add them to your calendar.",
            count,
        ).format(count=count)
        document = Document(f"{result.timeline.id}.ics", build_ics(result, self._tr(state).gettext), "text/calendar")
        return [Reply(text, document=document)]

    def _btn_notes(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        """The result again, in place, with every note whole, what to do if a date is missed,
        and the sources."""
        result = self._last_result(state, args)
        return [self._result_reply(state, result, full=True, kind="edit")] if result is not None else None

    def _btn_remind(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        result = self._last_result(state, args)
        return self.reminders.remind(state, result) if result is not None else None

    # --- natural questions -----------------------------------------------------------------------

    def offer(self, state: ChatState, entry_id: str, question: str) -> tuple[Button, ...]:
        """ "Work out my dates" buttons for an answer, when the parent asked about dates and the
        answer's entry is linked to a timeline in the timeline data (``entries:``)."""
        local = self._in(state)
        timelines = [local[t.id] for t in self._by_entry.get(entry_id, [])]
        if not timelines or not DATE_QUESTION.search(question):
            return ()
        _ = self._tr(state).gettext
        if len(timelines) == 1:
            return (Button(_("🗓 Work out my dates"), action(Action.TIMELINE, timelines[0].id)),)
        return tuple(
            Button(
                short_label(_("🗓 Work out my dates: {process}").format(process=t.button_title)),
                action(Action.TIMELINE, t.id),
            )
            for t in timelines
        )
