"""The calendar picker: a month of day buttons for a date question, with the months before
and after while they are allowed. Pressing a day answers the question like a typed date."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sendbot.conversation.actions import Action, action
from sendbot.conversation.replies import Button, Reply
from sendbot.deadlines import Bounds, Input
from sendbot.i18n import I18n

CALENDAR_ROW = 7  # a week
BLANK = action(Action.NOTHING)  # a weekday heading or an empty day: a label, not a choice


def parse_month(token: str) -> date | None:
    """'2026-03' as the first day of that month, or None for anything else."""
    try:
        return date.fromisoformat(token + "-01") if len(token) == 7 else None
    except ValueError:
        return None


def month_grid(spec: Input, month: date, bounds: Bounds, i18n: I18n, lang: str | None) -> Reply:
    """The month as a calendar in place of the last message: a row of weekday headings, then a
    row per week, Monday first (days the question does not allow, and the days before the 1st,
    are blank labels), then the months before and after while they are allowed."""
    _ = i18n.translator(lang).gettext
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    monday = month - timedelta(days=month.weekday())
    heading = tuple(Button(i18n.weekday(monday + timedelta(days=n), lang), BLANK) for n in range(CALENDAR_ROW))
    cells: list[Button] = [Button(" ", BLANK)] * month.weekday()
    for n in range(last.day):
        day = month + timedelta(days=n)
        allowed = bounds.earliest <= day <= bounds.latest
        cells.append(
            Button(str(day.day), action(Action.CALENDAR, spec.name, day.isoformat())) if allowed else Button("·", BLANK)
        )
    cells += [Button(" ", BLANK)] * (-len(cells) % CALENDAR_ROW)
    rows = [heading, *(tuple(cells[i : i + CALENDAR_ROW]) for i in range(0, len(cells), CALENDAR_ROW))]
    before, after = month - timedelta(days=1), last + timedelta(days=1)
    nav = []
    if before >= bounds.earliest:
        nav.append(Button("« " + i18n.month(before, lang), action(Action.CALENDAR, spec.name, f"{before:%Y-%m}")))
    if after <= bounds.latest:
        nav.append(Button(i18n.month(after, lang) + " »", action(Action.CALENDAR, spec.name, f"{after:%Y-%m}")))
    if nav:
        rows.append(tuple(nav))
    rows.append((Button(_("Cancel"), action(Action.CANCEL)),))
    text = spec.prompt + "\n\n" + _("Choose a day in {month}:").format(month=i18n.month(month, lang))
    return Reply(text, buttons=tuple(rows), kind="edit", step=True)
