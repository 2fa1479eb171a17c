"""Dates, months and weekdays the way the parent's language writes them, for the reasons the
deadline and case features give (`sendbot.deadlines.reasons.DateWords`)."""

from __future__ import annotations

from datetime import date

from sendbot.deadlines.reasons import Month, Weekday
from sendbot.i18n import I18n


class LocalWords:
    """Dates, months and weekdays inside a `Reason` the way the parent's language writes
    them (the `DateWords` of ``sendbot.deadlines.reasons``)."""

    def __init__(self, i18n: I18n, lang: str | None) -> None:
        self.i18n = i18n
        self.lang = lang

    def day(self, value: date) -> str:
        return self.i18n.date(value, self.lang)

    def month(self, value: Month) -> str:
        if value.year is None:
            return self.i18n.month_name(value.month, self.lang)
        return self.i18n.month(date(value.year, value.month, 1), self.lang)

    def weekday(self, value: Weekday) -> str:
        return self.i18n.weekday_name(value.number, self.lang)
