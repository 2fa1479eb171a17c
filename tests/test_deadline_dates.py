"""The counting rules of send-law-facts.md section 1, one function at a time."""

from __future__ import annotations

from datetime import date

import pytest

from sendbot.deadlines.dates import (
    DateRange,
    SchoolCalendar,
    add_days,
    add_months,
    add_school_days,
    add_weeks,
    add_working_days,
    bank_holiday_name,
    christmas_august,
    is_working_day,
    months_with_counting,
    next_working_day,
    period_starting_with_months,
    rule_12_2,
)


def test_within_n_weeks_is_the_same_weekday_n_weeks_later() -> None:
    # "within N weeks of X: leave out day X ... a request received Tue 3 Mar 2026 gives a
    # 6-week decision date of Tue 14 Apr 2026, 16 weeks Tue 23 Jun 2026, 20 weeks Tue 21 Jul"
    received = date(2026, 3, 3)
    assert add_weeks(received, 6) == date(2026, 4, 14)
    assert add_weeks(received, 16) == date(2026, 6, 23)
    assert add_weeks(received, 20) == date(2026, 7, 21)


def test_fifteen_days_beginning_with_the_day_served() -> None:
    # Reg 13(1)(a): "at least 15 days beginning with the day on which the draft plan was
    # served": served Mon 1 Jun 2026, so the last day is Mon 15 Jun 2026.
    assert add_days(date(2026, 6, 1), 15, "starting with") == date(2026, 6, 15)
    assert add_days(date(2026, 6, 1), 15) == date(2026, 6, 16)


def test_weeks_before_a_meeting() -> None:
    # Reg 20(3): "at least 2 weeks' notice" of the review meeting.
    assert add_weeks(date(2026, 3, 10), 2, "before") == date(2026, 2, 24)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        # Corresponding date rule: "if that month has no such day, it ends on the last day
        # of that month. Example: 31 Dec + 2 months is 28 Feb, or 29 Feb in a leap year."
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 3, 3), 2, date(2026, 5, 3)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
    ],
)
def test_corresponding_date_rule(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_months_starting_with_end_the_day_before_the_corresponding_date() -> None:
    # EqA Sch 17 para 4: "period of 6 months starting with date X ... conduct on 10 Mar
    # gives a last day of 9 Sep" (the conservative reading).
    assert period_starting_with_months(date(2026, 3, 10), 6) == date(2026, 9, 9)
    assert months_with_counting(date(2026, 3, 10), 6, "starting with") == date(2026, 9, 9)
    assert months_with_counting(date(2026, 3, 31), 1, "before") == date(2026, 2, 28)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 4, 3),  # Good Friday (a common-law holiday, not in the BFDA)
        date(2026, 4, 6),  # Easter Monday
        date(2026, 12, 25),  # Christmas Day
        date(2026, 12, 28),  # substitute for Boxing Day (Sat 26 Dec 2026)
        date(2027, 12, 27),  # substitute for Christmas Day (Sat 25 Dec 2027)
        date(2027, 12, 28),  # substitute for Boxing Day (Sun 26 Dec 2027)
        date(2028, 1, 3),  # substitute for New Year's Day (Sat 1 Jan 2028)
        date(2026, 8, 31),  # last Monday in August
        date(2023, 5, 8),  # one-off: the coronation
    ],
)
def test_england_bank_holidays_are_not_working_days(day: date) -> None:
    # "a working day is any day except Saturday, Sunday, Christmas Day, Good Friday or a
    # bank holiday under the Banking and Financial Dealings Act 1971"
    assert bank_holiday_name(day)
    assert not is_working_day(day)


def test_weekends_are_not_working_days_and_ordinary_weekdays_are() -> None:
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 3, 8))  # Sunday
    assert is_working_day(date(2026, 3, 9))
    assert next_working_day(date(2026, 4, 3)) == date(2026, 4, 7)  # Good Friday to Tuesday


def test_working_days_skip_easter() -> None:
    # Mediation certificate "within 3 working days": Thu 2 Apr 2026, then Good Friday, the
    # weekend and Easter Monday are skipped.
    assert add_working_days(date(2026, 4, 2), 3) == date(2026, 4, 9)


def test_working_days_beginning_with_the_day_aware() -> None:
    # Reg 15(2): "within 15 working days beginning with the day it became aware".
    assert add_working_days(date(2026, 6, 1), 15, "starting with") == date(2026, 6, 19)
    assert add_working_days(date(2026, 6, 1), 15) == date(2026, 6, 22)


def test_school_days_without_a_calendar_are_weekdays_less_bank_holidays() -> None:
    # 15 school days from Mon 2 Mar 2026, nothing known about holidays.
    calendar = SchoolCalendar()
    assert not calendar.is_known
    assert add_school_days(date(2026, 3, 2), 15, calendar) == date(2026, 3, 23)


def test_school_days_skip_closures_and_counted_closed_days() -> None:
    # Half term 27-31 Oct 2025 is not school days ("a school day is a day on which the
    # school holds a session").
    half_term = SchoolCalendar(closures=(DateRange(date(2025, 10, 27), date(2025, 10, 31)),))
    assert add_school_days(date(2025, 10, 13), 15, half_term) == date(2025, 11, 10)
    counted = SchoolCalendar(extra_closed_days=5)
    assert add_school_days(date(2025, 10, 13), 15, counted) == date(2025, 11, 10)
    assert add_school_days(date(2025, 10, 13), 15, SchoolCalendar()) == date(2025, 11, 3)


def test_school_days_follow_term_dates_and_stop_where_they_end() -> None:
    terms = (
        DateRange(date(2025, 9, 3), date(2025, 12, 19)),
        DateRange(date(2026, 1, 5), date(2026, 2, 13)),
    )
    calendar = SchoolCalendar(terms=terms)
    assert add_school_days(date(2025, 12, 8), 15, calendar) == date(2026, 1, 12)
    only_autumn = SchoolCalendar(terms=terms[:1])
    assert add_school_days(date(2025, 12, 8), 15, only_autumn) is None


@pytest.mark.parametrize(
    ("deadline", "moved"),
    [
        # Rule 12(3)(a): an appeal deadline falling 25 Dec-1 Jan moves to "the first working
        # day after 1 Jan"; one falling in August to the first working day after 31 Aug.
        (date(2025, 12, 31), date(2026, 1, 2)),
        (date(2025, 12, 25), date(2026, 1, 2)),
        (date(2026, 1, 1), date(2026, 1, 2)),
        (date(2027, 12, 25), date(2028, 1, 4)),  # 2 Jan is a Sunday, 3 Jan a bank holiday
        (date(2025, 8, 3), date(2025, 9, 1)),
        (date(2026, 8, 15), date(2026, 9, 1)),
        (date(2024, 12, 24), None),
        (date(2026, 9, 1), None),
        (date(2026, 1, 2), None),
    ],
)
def test_christmas_and_august(deadline: date, moved: date | None) -> None:
    assert christmas_august(deadline) == moved


def test_rule_12_2_moves_a_non_working_day_to_the_next_working_day() -> None:
    # Rule 12(2): "if a time limit ends on a non-working day, the act is in time if done on
    # the next working day". Sun 24 May 2026, then the Spring bank holiday Mon 25 May.
    assert rule_12_2(date(2026, 5, 24)) == date(2026, 5, 26)
    assert rule_12_2(date(2026, 5, 26)) is None


def test_school_days_before_a_date() -> None:
    terms = (DateRange(date(2026, 1, 5), date(2026, 2, 13)),)
    calendar = SchoolCalendar(terms=terms)
    assert add_school_days(date(2026, 1, 12), 5, calendar, "before") == date(2026, 1, 5)
    assert add_school_days(date(2026, 1, 12), 6, calendar, "before") is None
