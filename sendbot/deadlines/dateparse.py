"""Reading a date as a parent types it: "3/3/2025", "3rd March", "yesterday", "2025-03-03".

Parents in England write day first, so numbers are always read day/month/year and never
silently month first. A reply is only ``Ambiguous`` (and the conversation asks "did you
mean ...?") when the day-first reading cannot be right but the month-first one can:

* the second number cannot be a month ("5/13/2025"), or
* the day-first date is outside the range allowed for the question while the month-first
  one is inside it (today 10 March 2026, "3/4/2026" for a letter already received:
  3 April is in the future, 4 March is not).

Otherwise "04/05/2025" is 4 May 2025. A date that does not exist, is out of range or cannot
be read is ``InvalidDate`` with a kind (for code) and a plain reason (for people, in their
language: a `Reason`)."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from sendbot._types import N_
from sendbot.deadlines.dates import DateRange
from sendbot.deadlines.reasons import ENGLISH, Month, Reason, Weekday

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
} | {"sept": 9}
WEEKDAYS = {
    name: number
    for number in range(7)
    for name in (calendar.day_name[number].lower(), calendar.day_abbr[number].lower())
}


def _fold(text: str) -> str:
    """Lower case without accents ("października" -> "pazdziernika"), Urdu and Gurmukhi
    digits as 0-9, so a date reads the same typed with or without a phone's diacritics."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_FOLDED))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


_FOLDED = str.maketrans(
    {
        "ł": "l",
        **{chr(base + d): str(d) for base in (0x06F0, 0x0660, 0x0A66) for d in range(10)},
        **dict.fromkeys(map(chr, (0x200E, 0x200F, 0x2066, 0x2067, 0x2068, 0x2069)), None),  # bidi marks
    }
)
# Month names as parents in the bot's languages write them (issue 14): Polish and Slovak in the
# nominative and in the genitive that follows a day ("3 marca"), Romanian, Urdu and Punjabi;
# with the three-letter forms Polish and Romanian calendars print. Folded like the text.
LOCAL_MONTHS: dict[int, str] = {
    1: "styczeń stycznia sty január januára ianuarie ian جنوری ਜਨਵਰੀ",
    2: "luty lutego lut február februára februarie فروری ਫ਼ਰਵਰੀ ਫਰਵਰੀ",
    3: "marzec marca marec martie مارچ ਮਾਰਚ",
    4: "kwiecień kwietnia kwi apríl apríla aprilie اپریل ਅਪ੍ਰੈਲ ਅਪਰੈਲ",
    5: "maj maja máj mája mai مئی ਮਈ",
    6: "czerwiec czerwca cze jún júna iunie iun جون ਜੂਨ",
    7: "lipiec lipca lip júl júla iulie iul جولائی ਜੁਲਾਈ",
    8: "sierpień sierpnia sie augusta august اگست ਅਗਸਤ",
    9: "wrzesień września wrz septembra septembrie ستمبر ਸਤੰਬਰ",
    10: "październik października paź október októbra octombrie اکتوبر ਅਕਤੂਬਰ",
    11: "listopad listopada lis novembra noiembrie noi نومبر ਨਵੰਬਰ",
    12: "grudzień grudnia gru decembra decembrie دسمبر ਦਸੰਬਰ",
}
MONTHS |= {_fold(name): number for number, names in LOCAL_MONTHS.items() for name in names.split()}
# "today", "yesterday" and "tomorrow" in Polish, Slovak, Romanian, Urdu and Punjabi (Urdu's
# "کل" is both yesterday and tomorrow, so it is not read).
LOCAL_RELATIVE: dict[int, str] = {
    0: "dzisiaj dziś dnes azi astăzi آج ਅੱਜ",
    -1: "wczoraj včera ieri",
    1: "jutro zajtra mâine",
}
RELATIVE = {_fold(word): days for days, words in LOCAL_RELATIVE.items() for word in words.split()}
# Words around a date that say nothing: "dnia 3 marca 2026 r.", "la 3 martie".
FILLER = frozenset({"the", "of", "on", "r", "roku", "dnia", "dna", "la", "din", "ko", "کو"})
MAX_ECHO_CHARS = 40  # of what the parent typed, repeated back in an error (8,000 would fill 4 messages)
# Bidirectional controls can make an echoed text read backwards or hide part of a reply.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
TWO_DIGIT_YEAR_WINDOW = 20  # "25" is 2025; a year more than 20 years ahead means 19xx

_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})(?:\s*[/.\-\s]\s*(\d{2}|\d{4}))?$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
_DAY_MONTH = re.compile(r"^(\d{1,2}) ([^\d\s]+)(?: (\d{2}|\d{4}))?$")
_MONTH_DAY = re.compile(r"^([^\d\s]+) (\d{1,2})(?: (\d{2}|\d{4}))?$")
# Commas, and a dot that ends a word: the Slovak and Polish ordinal "3. marca", "2026 r."
_END_DOT = re.compile(r"[,،]|(?<=\w)\.(?=\s|$)")
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_RANGE_SEPARATOR = re.compile(r"\s*(?::|\.\.|–|—|\s-\s|\bto\b|\buntil\b)\s*")

InvalidKind = Literal["unreadable", "impossible", "future", "too-early", "too-late", "ambiguous"]


@dataclass(frozen=True)
class ParsedDate:
    value: date
    text: str


@dataclass(frozen=True)
class Ambiguous:
    """The day-first reading cannot be right; ``candidates`` are the readings that can."""

    text: str
    candidates: tuple[date, ...]
    reason: Reason


@dataclass(frozen=True)
class InvalidDate:
    text: str
    kind: InvalidKind
    reason: Reason


DateResult = ParsedDate | Ambiguous | InvalidDate


def format_day(day: date) -> str:
    """British long form, "3 March 2026", used in every message about a date."""
    return ENGLISH.day(day)


@dataclass(frozen=True)
class Bounds:
    """The dates a question can sensibly have as its answer (a letter received is not in
    the future; a review meeting 40 years ago is a typo)."""

    earliest: date
    latest: date
    today: date

    def problem(self, day: date) -> tuple[InvalidKind, Reason] | None:
        if day > self.latest:
            if self.latest == self.today:
                return "future", Reason(N_("{day} is in the future"), {"day": day})
            why = N_("{day} is too far ahead (the latest I can use is {latest})")
            return "too-late", Reason(why, {"day": day, "latest": self.latest})
        if day < self.earliest:
            why = N_("{day} is too long ago (the earliest I can use is {earliest})")
            return "too-early", Reason(why, {"day": day, "earliest": self.earliest})
        return None


def _normalise(text: str) -> tuple[str, int | None]:
    """Lower-case, drop filler words and ordinals; return the text and any weekday named."""
    words = _END_DOT.sub(" ", _fold(text.strip())).split()
    weekday = None
    kept = []
    for word in words:
        if word in WEEKDAYS and weekday is None and len(words) > 1 and words[0] != "last":
            weekday = WEEKDAYS[word]
        elif word not in FILLER:
            kept.append(word)
    return _ORDINAL.sub(r"\1", " ".join(kept)), weekday


def _full_year(digits: str | None, today: date) -> int | None:
    if digits is None:
        return None
    year = int(digits)
    if len(digits) == 2:
        year += 2000
        if year > today.year + TWO_DIGIT_YEAR_WINDOW:
            year -= 100
    return year


def _impossible(year: int | None, month: int, day: int) -> Reason | None:
    """Why day/month/year is not a real date, in words a parent understands."""
    if not 1 <= month <= 12:
        return Reason(N_("there is no month {month}"), {"month": month})
    if day < 1:
        return Reason(N_("there is no day 0"))
    days = calendar.monthrange(2000 if year is None else year, month)[1]  # 2000: a leap year
    if day > days:
        return Reason(N_("{month} has only {days} days"), {"month": Month(month, year), "days": days})
    return None


def _resolve(year: int | None, month: int, day: int, bounds: Bounds) -> date | Reason:
    """The date meant, choosing the year nearest today when none was given; or why not."""
    why = _impossible(year, month, day)
    if why:
        return why
    if year is not None:
        return date(year, month, day)
    options = [
        date(y, month, day)
        for y in (bounds.today.year - 1, bounds.today.year, bounds.today.year + 1)
        if not _impossible(y, month, day)
    ]
    fitting = [d for d in options if bounds.problem(d) is None] or options
    return min(fitting, key=lambda d: abs((d - bounds.today).days))


def _relative(text: str, today: date) -> date | None:
    if text in ("today", "now"):
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    if text == "tomorrow":
        return today + timedelta(days=1)
    if text in RELATIVE:
        return today + timedelta(days=RELATIVE[text])
    words = text.split()
    if len(words) == 2 and words[0] == "last" and words[1] in WEEKDAYS:
        back = (today.weekday() - WEEKDAYS[words[1]]) % 7 or 7
        return today - timedelta(days=back)
    return None


def _checked(text: str, day: date, weekday: int | None, bounds: Bounds) -> DateResult:
    if weekday is not None and day.weekday() != weekday:
        return InvalidDate(
            text,
            "impossible",
            Reason(
                N_("{day} is a {weekday}, not a {named}"),
                {"day": day, "weekday": Weekday(day.weekday()), "named": Weekday(weekday)},
            ),
        )
    problem = bounds.problem(day)
    if problem:
        return InvalidDate(text, *problem)
    return ParsedDate(day, text)


def _numeric(text: str, first: int, second: int, year: int | None, weekday: int | None, bounds: Bounds) -> DateResult:
    """Day first; month first only offered when day first cannot be right (module doc)."""
    uk = _resolve(year, second, first, bounds)
    us = _resolve(year, first, second, bounds) if first != second else uk
    if isinstance(uk, date):
        result = _checked(text, uk, weekday, bounds)
        if (
            isinstance(result, InvalidDate)
            and isinstance(us, date)
            and us != uk
            and isinstance(_checked(text, us, weekday, bounds), ParsedDate)
        ):
            return Ambiguous(text, (us,), result.reason)
        return result
    if isinstance(us, date) and isinstance(_checked(text, us, weekday, bounds), ParsedDate):
        return Ambiguous(text, (us,), Reason(N_("{reason}, unless the month was written first"), {"reason": uk}))
    return InvalidDate(text, "impossible", uk)


def parse_date(text: str, bounds: Bounds) -> DateResult:
    """Read one date a parent typed, checking it exists and is within ``bounds``."""
    cleaned, weekday = _normalise(text)
    today = bounds.today
    relative = _relative(cleaned, today)
    if relative is not None:
        return _checked(text, relative, None, bounds)
    if match := _YEAR_FIRST.match(cleaned):
        year, month, day = (int(part) for part in match.groups())
        resolved = _resolve(year, month, day, bounds)
        if isinstance(resolved, Reason):
            return InvalidDate(text, "impossible", resolved)
        return _checked(text, resolved, weekday, bounds)
    if match := _NUMERIC.match(cleaned):
        first, second = int(match[1]), int(match[2])
        return _numeric(text, first, second, _full_year(match[3], today), weekday, bounds)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = pattern.match(cleaned)
        if match and match[month_group] in MONTHS:
            resolved = _resolve(_full_year(match[3], today), MONTHS[match[month_group]], int(match[day_group]), bounds)
            if isinstance(resolved, Reason):
                return InvalidDate(text, "impossible", resolved)
            return _checked(text, resolved, weekday, bounds)
    return InvalidDate(
        text,
        "unreadable",
        echoing(N_("I could not read '{text}' as a date (try 3 March 2026 or 03/03/2026)"), text),
    )


def parse_date_ranges(text: str, bounds: Bounds) -> tuple[DateRange, ...] | InvalidDate:
    """Read "2025-10-27:2025-10-31, 2025-11-14": single days or FIRST:LAST ranges.

    A list is typed once and not discussed, so a reading that would need a "did you mean"
    question is refused with a request to write it unambiguously."""
    ranges = []
    for item in filter(None, (part.strip() for part in re.split(r"[,;\n]", text))):
        ends = _RANGE_SEPARATOR.split(item)
        if len(ends) > 2:
            return InvalidDate(item, "unreadable", echoing(N_("'{text}' has more than two dates"), item))
        days = []
        for end in ends:
            result = parse_date(end, bounds)
            if isinstance(result, Ambiguous):
                why = N_("{reason}: write '{text}' as YYYY-MM-DD")
                return InvalidDate(end, "ambiguous", Reason(why, {"reason": result.reason, "text": quote_input(end)}))
            if isinstance(result, InvalidDate):
                return result
            days.append(result.value)
        if days[-1] < days[0]:
            return InvalidDate(item, "impossible", echoing(N_("'{text}' ends before it starts"), item))
        ranges.append(DateRange(days[0], days[-1]))
    if not ranges:
        return InvalidDate(text, "unreadable", Reason(N_("no dates given")))
    return tuple(ranges)


def echoing(template: str, text: str) -> Reason:
    """A reason that repeats what the parent typed as {text}, made safe by `quote_input`."""
    return Reason(template, {"text": quote_input(text)})


def quote_input(text: str) -> str:
    """What the parent typed, safe to repeat back: bidi controls removed, at most
    MAX_ECHO_CHARS characters (then "…")."""
    clean = " ".join(text.translate(BIDI_CONTROLS).split())
    return clean if len(clean) <= MAX_ECHO_CHARS else clean[: MAX_ECHO_CHARS - 1] + "…"
