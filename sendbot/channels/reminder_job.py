"""Exactly-once reminders: what a due reminder says when it is finally sent.

The job claims a reminder before sending it and deletes it once Telegram confirms; a
reminder still claimed at the next run was being sent when the bot crashed or the send
timed out, so Telegram may have delivered it: it is sent again, saying so, rather than
lost. A reminder sent late (the bot was offline when it was due) does not say "tomorrow"
about a date that has passed: its first line is rewritten from the date it reminds of."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sendbot._types import N_
from sendbot.clock import LONDON
from sendbot.i18n import I18n
from sendbot.reminders.model import Reminder

LATE_AFTER = timedelta(hours=1)  # later than this after its time, a reminder says it is late


PASSED_LINE = N_("⏰ Reminder: this date passed on {date} while the bot was offline.")
LATE_LINE = N_("⏰ Reminder: {date} ({when}). This reminder is late: the bot was offline when it was due.")
REPEAT_NOTE = N_("(You may have had this reminder already: I am sending it again to be sure it reached you.)")


def reminder_text(reminder: Reminder, now: datetime, i18n: I18n, lang: str | None) -> str:
    """The text to send for ``reminder`` at ``now`` (timezone-aware) in ``lang``."""
    tr = i18n.translator(lang)
    text = reminder.text
    day = reminder.event_day
    if day is not None and now - reminder.due_at > LATE_AFTER:
        today = now.astimezone(LONDON).date()
        _first, _sep, rest = text.partition("\n")
        when = _when(day, today, i18n, lang)
        shown = i18n.date(day, lang)
        if day < today:
            first = tr.gettext(PASSED_LINE).format(date=shown)
        else:
            first = tr.gettext(LATE_LINE).format(date=shown, when=when)
        text = f"{first}\n{rest}" if rest else first
    if reminder.claimed:
        text = f"{text}\n\n{tr.gettext(REPEAT_NOTE)}"
    return text


def _when(day: date, today: date, i18n: I18n, lang: str | None) -> str:
    tr = i18n.translator(lang)
    days = (day - today).days
    if days == 0:
        return tr.gettext("today")
    if days == 1:
        return tr.gettext("tomorrow")
    return tr.ngettext("in {count} day", "in {count} days", days).format(count=days)
