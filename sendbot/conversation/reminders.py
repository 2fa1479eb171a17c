"""The reminders dialogue: setting reminders for a calculation's dates ("Remind me"),
listing them (/reminders) and cancelling them. When they are due is
`sendbot.reminders.schedule`'s; the store keeps them; the channels deliver them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.support import NullTranslations

from sendbot.clock import LONDON, Clock
from sendbot.conversation.actions import Action, action
from sendbot.conversation.replies import Button, Kind, Reply
from sendbot.deadlines import Event, Result
from sendbot.i18n import I18n
from sendbot.reminders.model import Reminder
from sendbot.reminders.schedule import reminders_for
from sendbot.store.base import Store
from sendbot.store.state import ChatState

CANCEL_ALL = "all"
CANCEL_BUTTONS_PER_ROW = 4


class ReminderDialogue:
    def __init__(self, store: Store, i18n: I18n, clock: Clock) -> None:
        self.store = store
        self.i18n = i18n
        self.clock = clock
        self.commands: dict[str, Callable[[ChatState, str], list[Reply]]] = {"reminders": self._cmd_reminders}
        self.buttons: dict[Action, Callable[[ChatState, list[str]], list[Reply] | None]] = {
            Action.CANCEL_REMINDER: self._btn_cancel_reminder
        }

    def _tr(self, state: ChatState) -> NullTranslations:
        return self.i18n.translator(state.lang)

    def _reminder_text(self, state: ChatState, result: Result, event: Event, day: date, days: int) -> str:
        """Only timeline labels and dates: nothing the parent typed is ever stored."""
        tr = self._tr(state)
        when = (
            tr.gettext("tomorrow")
            if days == 1
            else tr.ngettext("in {count} day", "in {count} days", days).format(count=days)
        )
        return tr.gettext("⏰ Reminder: {date} ({when})\n{label}\n{timeline}").format(
            date=self.i18n.date(day, state.lang), when=when, label=event.label, timeline=result.timeline.title
        )

    def remind(self, state: ChatState, result: Result) -> list[Reply]:
        """Reminders 7 days and 1 day before each date still ahead, at 09:00 in England;
        pressing twice does not set them twice."""
        tr = self._tr(state)
        now = self.clock()
        existing = {(r.due_at, r.text) for r in self.store.pending_reminders(state.chat_id)}
        wanted = [
            (due.at, self._reminder_text(state, result, due.event, due.day, due.days_before), due.day)
            for due in reminders_for(result, now)
        ]
        new = [(due, text, day) for due, text, day in wanted if (due, text) not in existing]
        for due, text, day in new:
            self.store.add_reminder(state.chat_id, due, text, day)
        if new:
            text = tr.ngettext(
                "I'll send you {count} reminder at 9am, 7 days and 1 day before each date still ahead. "
                "Type /reminders to see or cancel it.",
                "I'll send you {count} reminders at 9am, 7 days and 1 day before each date still ahead. "
                "Type /reminders to see or cancel them.",
                len(new),
            ).format(count=len(new))
        elif wanted:
            text = tr.gettext("You already have these reminders. Type /reminders to see them.")
        else:
            text = tr.gettext("None of these dates is far enough ahead for a reminder.")
        return [Reply(text)]

    def _cmd_reminders(self, state: ChatState, _args: str) -> list[Reply]:
        return [self._reminder_list(state)]

    def _reminder_list(self, state: ChatState, kind: Kind = "message") -> Reply:
        _ = self._tr(state).gettext
        reminders = self.store.pending_reminders(state.chat_id)
        if not reminders:
            return Reply(
                _('You have no reminders. Work out your dates with /deadlines, then press "⏰ Remind me".'), kind=kind
            )
        lines = [_("Your reminders:")]
        lines += [f"{n}. {self._when(state, r)}: " + r.text.replace("\n", " – ") for n, r in enumerate(reminders, 1)]
        cancel = [
            Button(_("Cancel {number}").format(number=n), action(Action.CANCEL_REMINDER, str(r.id)))
            for n, r in enumerate(reminders, 1)
        ]
        rows = [tuple(cancel[i : i + CANCEL_BUTTONS_PER_ROW]) for i in range(0, len(cancel), CANCEL_BUTTONS_PER_ROW)]
        rows.append((Button(_("Cancel all"), action(Action.CANCEL_REMINDER, CANCEL_ALL)),))
        return Reply("\n".join(lines), buttons=tuple(rows), kind=kind)

    def _when(self, state: ChatState, reminder: Reminder) -> str:
        local = reminder.due_at.astimezone(LONDON)
        return f"{self.i18n.date(local.date(), state.lang)}, {local:%H:%M}"

    def _btn_cancel_reminder(self, state: ChatState, args: list[str]) -> list[Reply] | None:
        _ = self._tr(state).gettext
        if args == [CANCEL_ALL]:
            self.store.cancel_reminders(state.chat_id)
            notice = _("All your reminders are cancelled.")
        elif len(args) == 1 and args[0].isdigit():
            cancelled = self.store.cancel_reminders(state.chat_id, int(args[0]))
            notice = _("Reminder cancelled.") if cancelled else _("That reminder was already sent or cancelled.")
        else:
            return None
        return [Reply(notice, kind="notice"), self._reminder_list(state, kind="edit")]
