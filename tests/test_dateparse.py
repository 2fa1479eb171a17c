"""Reading parents' dates: British day-first order, clear reasons when a date cannot be used."""

from __future__ import annotations

from datetime import date

import pytest

from sendbot.deadlines import (
    Ambiguous,
    Bounds,
    DateRange,
    InvalidDate,
    ParsedDate,
    parse_date,
    parse_date_ranges,
    parse_input,
)
from sendbot.deadlines.model import Input

TODAY = date(2026, 3, 10)  # a Tuesday
PAST = Bounds(date(1996, 3, 10), TODAY, TODAY)  # e.g. "when was the request received?"
ANY = Bounds(date(1996, 3, 10), date(2028, 3, 10), TODAY)


def parsed(text: str, bounds: Bounds = ANY) -> date:
    result = parse_date(text, bounds)
    assert isinstance(result, ParsedDate), result
    return result.value


@pytest.mark.parametrize(
    "text",
    [
        "3/3/2025",
        "03/03/2025",
        "3 March 2025",
        "March 3rd 2025",
        "03.03.25",
        "2025-03-03",
        "3rd of March, 2025",
        "3-3-2025",
        "Monday 3 March 2025",
        "3 mar 2025",
        "2025/3/3",
    ],
)
def test_formats_parents_use(text: str) -> None:
    assert parsed(text) == date(2025, 3, 3)


def test_relative_words() -> None:
    assert parsed("today") == TODAY
    assert parsed("yesterday") == date(2026, 3, 9)
    assert parsed("last monday") == date(2026, 3, 9)
    assert parsed("last tuesday") == date(2026, 3, 3)  # said on a Tuesday: a week ago


def test_year_left_out_means_the_nearest_such_day() -> None:
    assert parsed("3 mar") == date(2026, 3, 3)
    assert parsed("20 dec") == date(2025, 12, 20)
    assert parsed("20 dec", PAST) == date(2025, 12, 20)
    assert parsed("5/4") == date(2026, 4, 5)


def test_day_first_is_the_uk_reading() -> None:
    # 04/05/2025 is 4 May in the UK, even though a month-first reading exists.
    assert parsed("04/05/2025") == date(2025, 5, 4)


def test_month_first_only_offered_when_day_first_is_impossible() -> None:
    result = parse_date("5/13/2025", ANY)
    assert isinstance(result, Ambiguous)
    assert result.candidates == (date(2025, 5, 13),)
    assert "no month 13" in str(result.reason)


def test_month_first_offered_when_day_first_is_out_of_range() -> None:
    # A request received "3/4/2026" on 10 March 2026: 3 April is in the future.
    result = parse_date("3/4/2026", PAST)
    assert isinstance(result, Ambiguous)
    assert result.candidates == (date(2026, 3, 4),)
    assert str(result.reason) == "3 April 2026 is in the future"


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ("31/02/2025", "impossible", "February 2025 has only 28 days"),
        ("29 February 2025", "impossible", "February 2025 has only 28 days"),
        ("31 April", "impossible", "April has only 30 days"),
        ("0/3/2025", "impossible", "there is no day 0"),
        ("13/13/2025", "impossible", "there is no month 13"),
        ("next year sometime", "unreadable", "I could not read"),
        ("Friday 3 March 2025", "impossible", "3 March 2025 is a Monday, not a Friday"),
        ("3/3/1990", "too-early", "too long ago"),
        ("3/3/2029", "too-late", "too far ahead"),
    ],
)
def test_invalid_dates_say_why(text: str, kind: str, reason: str) -> None:
    result = parse_date(text, ANY)
    assert isinstance(result, InvalidDate)
    assert result.kind == kind
    assert reason in str(result.reason)


def test_future_dates_for_past_events() -> None:
    result = parse_date("12/10/2026", PAST)
    assert isinstance(result, InvalidDate)
    assert (result.kind, str(result.reason)) == ("future", "12 October 2026 is in the future")


def test_leap_day_is_accepted_in_a_leap_year() -> None:
    assert parsed("29/02/2028") == date(2028, 2, 29)


def test_ranges() -> None:
    ranges = parse_date_ranges("2025-10-27:2025-10-31, 14/11/2025; 22 Dec 2025 to 2 Jan 2026", ANY)
    assert ranges == (
        DateRange(date(2025, 10, 27), date(2025, 10, 31)),
        DateRange(date(2025, 11, 14), date(2025, 11, 14)),
        DateRange(date(2025, 12, 22), date(2026, 1, 2)),
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025-10-31:2025-10-27", "ends before it starts"),
        ("2025-10-27:2025-10-31:2025-11-01", "more than two dates"),
        ("31/02/2025", "only 28 days"),
        ("", "no dates given"),
    ],
)
def test_bad_ranges(text: str, reason: str) -> None:
    result = parse_date_ranges(text, ANY)
    assert isinstance(result, InvalidDate)
    assert reason in str(result.reason)


def _input(kind: str, required: bool = False, **extra: object) -> Input:
    return Input(name="x", kind=kind, required=required, prompt="?", cli="x", help="x", **extra)  # type: ignore[arg-type]


def test_parse_input_by_kind() -> None:
    assert parse_input(_input("date", not_after_today=True), "3/3/2026", TODAY) == date(2026, 3, 3)
    assert parse_input(_input("date"), "not yet", TODAY) is None
    assert isinstance(parse_input(_input("date", required=True), "no", TODAY), InvalidDate)
    assert parse_input(_input("bool"), "Yes", TODAY) is True
    assert parse_input(_input("bool"), "no", TODAY) is False
    assert parse_input(_input("year", max_years_ahead=20), "September 2027", TODAY) == 2027
    assert isinstance(parse_input(_input("year"), "2099", TODAY), InvalidDate)
    assert parse_input(_input("count"), "5", TODAY) == 5
    assert isinstance(parse_input(_input("count"), "five", TODAY), InvalidDate)
    assert parse_input(_input("dates-list"), "2026-04-01", TODAY) == (DateRange(date(2026, 4, 1), date(2026, 4, 1)),)


def test_parse_input_applies_the_input_bounds() -> None:
    result = parse_input(_input("date", not_after_today=True, max_years_ago=5), "3/3/2020", TODAY)
    assert isinstance(result, InvalidDate)
    assert result.kind == "too-early"
