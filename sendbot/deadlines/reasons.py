"""Why an answer cannot be used, in words that can be translated.

A `Reason` is an English sentence marked for the catalogue (``N_``) with named values: dates,
months, weekdays, numbers, what the parent typed, or another reason. `str(reason)` is the
English (the command line prints it); the chat calls `Reason.render` with its translator and
the parent's `DateWords`, so "February 2026 has only 28 days" becomes "luty 2026 ma tylko 28
dni" with the month in Polish."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeAlias

from sendbot._types import Gettext, english


@dataclass(frozen=True)
class Month:
    """A month, with its year when the parent gave one: "February 2026", "February"."""

    month: int
    year: int | None = None


@dataclass(frozen=True)
class Weekday:
    """A day of the week, Monday 0 (as `date.weekday`)."""

    number: int


class DateWords(Protocol):
    """How a language writes the dates, months and weekdays inside a reason."""

    def day(self, value: date) -> str: ...
    def month(self, value: Month) -> str: ...
    def weekday(self, value: Weekday) -> str: ...


class EnglishWords:
    """British English: "3 March 2026", "February 2026", "Monday"."""

    def day(self, value: date) -> str:
        return f"{value.day} {calendar.month_name[value.month]} {value.year}"

    def month(self, value: Month) -> str:
        name = calendar.month_name[value.month]
        return name if value.year is None else f"{name} {value.year}"

    def weekday(self, value: Weekday) -> str:
        return calendar.day_name[value.number]


ENGLISH = EnglishWords()
# What a reason's {name} can stand for.
ReasonValue: TypeAlias = "str | int | date | Month | Weekday | Reason"


@dataclass(frozen=True)
class Reason:
    template: str  # English, marked with N_ where it is written; {names} are the values
    values: Mapping[str, ReasonValue] = field(default_factory=dict)

    def render(self, gettext: Gettext = english, words: DateWords = ENGLISH) -> str:
        """The reason in the parent's language: the template translated, every value written
        the language's way (a nested reason likewise)."""
        texts = {name: _word(value, gettext, words) for name, value in self.values.items()}
        return gettext(self.template).format(**texts)

    def __str__(self) -> str:
        return self.render()


def _word(value: ReasonValue, gettext: Gettext, words: DateWords) -> str:
    if isinstance(value, Reason):
        return value.render(gettext, words)
    if isinstance(value, date):
        return words.day(value)
    if isinstance(value, Month):
        return words.month(value)
    if isinstance(value, Weekday):
        return words.weekday(value)
    return str(value)
