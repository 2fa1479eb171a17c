"""Date arithmetic for statutory time limits in England; the only place SENDbot counts days.

Each function implements one counting rule from the research notes
(`shared/research/send-law-facts.md`, section 1), so a rule can be checked against its
source in isolation and the timeline data only has to name which rule applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import holidays
from dateutil.relativedelta import relativedelta

# England (and Wales) bank holidays, including substitute days and one-off days such as the
# 2023 coronation. The object fills itself in year by year when asked about a date.
_ENGLAND_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")

Counting = Literal["after", "starting with", "before"]
"""How a period relates to its trigger day X.

``after``: X is left out ("within 6 weeks of X", "within 3 working days of X").
``starting with``: X is day 1 ("15 days beginning with the day served", "6 months starting
with X"), so the period ends one day earlier than ``after`` would.
``before``: counted backwards from X ("at least 2 weeks before the meeting")."""

ONE_DAY = timedelta(days=1)


def add_days(start: date, days: int, counting: Counting = "after") -> date:
    """Calendar days; ``starting with`` makes the trigger day day 1 (reg 13(1)(a): served + 14)."""
    if counting == "before":
        return start - timedelta(days=days)
    if counting == "starting with" and days > 0:
        return start + timedelta(days=days - 1)
    return start + timedelta(days=days)


def add_weeks(start: date, weeks: int, counting: Counting = "after") -> date:
    """ "Within N weeks of X" ends on the same weekday N weeks later (X + 7N days)."""
    return add_days(start, 7 * weeks, counting)


def add_months(start: date, months: int) -> date:
    """Corresponding date rule (Dodds v Walker): 31 Jan + 1 month is 28 or 29 Feb, not 3 Mar."""
    return start + relativedelta(months=months)


def period_starting_with_months(start: date, months: int) -> date:
    """Last day of "N months starting with X": X is inside the period, so it ends the day
    before the corresponding date (EqA Sch 17 para 4: conduct 10 Mar, last day 9 Sep). This
    is the conservative reading: some count to the corresponding date itself."""
    return add_months(start, months) - ONE_DAY


def months_with_counting(start: date, months: int, counting: Counting = "after") -> date:
    """Months in any of the three countings, so the timeline data can choose one."""
    if counting == "before":
        return add_months(start, -months)
    if counting == "starting with":
        return period_starting_with_months(start, months)
    return add_months(start, months)


def bank_holiday_name(day: date) -> str | None:
    """The England bank holiday on ``day`` (Christmas and Good Friday included), if any."""
    return _ENGLAND_BANK_HOLIDAYS.get(day)


def is_working_day(day: date) -> bool:
    """Any day except Saturday, Sunday, Christmas Day, Good Friday or an England bank
    holiday (BFDA 1971 Sch 1, including substitute days)."""
    return day.weekday() < 5 and day not in _ENGLAND_BANK_HOLIDAYS


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def _count_open_days(
    start: date, days: int, counting: Counting, is_open: Callable[[date], bool], limit: date
) -> date | None:
    """Step over days until ``days`` open days have been counted; None when past ``limit``."""
    step = -ONE_DAY if counting == "before" else ONE_DAY
    if days == 0:
        return start
    day = start if counting == "starting with" else start + step
    counted = 0
    while abs((day - start).days) <= abs((limit - start).days):
        if is_open(day):
            counted += 1
            if counted == days:
                return day
        day += step
    return None


def add_working_days(start: date, days: int, counting: Counting = "after") -> date:
    """Working days (reg 15 transfers, mediation certificates): weekends and bank holidays
    are skipped. ``starting with`` counts the trigger day itself when it is a working day."""
    found = _count_open_days(start, days, counting, is_working_day, start + timedelta(days=7 * days + 60))
    if found is None:  # pragma: no cover - no run of 60 non-working days exists in England
        raise ValueError(f"no {days} working days found from {start}")
    return found


@dataclass(frozen=True)
class DateRange:
    """An inclusive run of days, e.g. a half-term holiday or one term."""

    first: date
    last: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


@dataclass(frozen=True)
class SchoolCalendar:
    """What we know about when a school is open, which only the parent can tell us.

    A school day is a day the school holds a session for pupils. Without term dates we can
    only leave out weekends and bank holidays, so the answer is an early estimate (it is
    safer for a parent to act early than late). ``extra_closed_days`` is the parent's count
    of other weekdays the school is shut in the period (holidays, INSET days)."""

    terms: tuple[DateRange, ...] = ()
    closures: tuple[DateRange, ...] = ()
    extra_closed_days: int = 0

    @property
    def is_known(self) -> bool:
        """Whether the parent told us anything beyond the weekends and bank holidays."""
        return bool(self.terms or self.closures or self.extra_closed_days)

    def is_school_day(self, day: date) -> bool:
        if not is_working_day(day):
            return False
        if any(day in closed for closed in self.closures):
            return False
        return not self.terms or any(day in term for term in self.terms)

    def last_known_day(self, start: date, days: int, counting: Counting) -> date:
        """How far counting may look: the parent's term dates end what we know."""
        if counting == "before":
            if self.terms:
                return min(term.first for term in self.terms)
            return start - timedelta(days=7 * (days + self.extra_closed_days) + 366)
        if self.terms:
            return max(term.last for term in self.terms)
        return start + timedelta(days=7 * (days + self.extra_closed_days) + 366)


def add_school_days(start: date, days: int, calendar: SchoolCalendar, counting: Counting = "after") -> date | None:
    """School days (exclusion reviews); None when the term dates given run out first."""
    total = days + calendar.extra_closed_days if days else 0
    return _count_open_days(
        start,
        total,
        counting,
        calendar.is_school_day,
        calendar.last_known_day(start, days, counting),
    )


TribunalRule = Literal["christmas-august", "next-working-day"]
"""``christmas-august``: HESC rule 12(3)(a), an SEN appeal deadline falling 25 Dec to 1 Jan or
in August moves to the first working day after 1 Jan or 31 Aug. ``next-working-day``: rule
12(2), a time limit ending on a non-working day moves to the next working day."""


def christmas_august(deadline: date) -> date | None:
    """Rule 12(3)(a) moved deadline, or None when ``deadline`` is outside both windows."""
    if deadline.month == 8:
        return next_working_day(date(deadline.year, 9, 1))
    if deadline.month == 12 and deadline.day >= 25:
        return next_working_day(date(deadline.year + 1, 1, 2))
    if deadline.month == 1 and deadline.day == 1:
        return next_working_day(date(deadline.year, 1, 2))
    return None


def rule_12_2(deadline: date) -> date | None:
    """Rule 12(2) moved deadline, or None when ``deadline`` is already a working day."""
    moved = next_working_day(deadline)
    return None if moved == deadline else moved


def apply_tribunal_rule(rule: TribunalRule, deadline: date) -> date | None:
    """The date ``rule`` moves ``deadline`` to, or None when the rule does not apply."""
    if rule == "christmas-august":
        return christmas_august(deadline)
    return rule_12_2(deadline)
