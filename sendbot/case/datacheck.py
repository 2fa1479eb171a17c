"""The case data files (letters, letter patterns, case phrases) are read with the one
`Checker` (``sendbot.knowledge.checker``), so every problem reads ``file:line: what is wrong
(how to fix)``. Its readers take a value and its line; these read a key that may be absent
(a missing required key is reported by ``Checker.keys``), and compile lists of patterns."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sendbot.case.events import EventKind, parse_event
from sendbot.knowledge.checker import Checker
from sendbot.knowledge.yamlfile import LineDict


def strings(check: Checker, data: LineDict, key: str, where: str) -> tuple[str, ...]:
    """A non-empty list of texts under ``key`` (none when the key is absent)."""
    if key not in data:
        return ()
    return tuple(check.string_list(data[key], data.line_of(key), f"'{key}' in {where}") or ())


def day(check: Checker, data: LineDict, key: str, where: str) -> date | None:
    return check.date_value(data[key], data.line_of(key), f"'{key}' in {where}") if key in data else None


def ident(check: Checker, data: LineDict, key: str, where: str) -> str:
    """An id (lowercase words joined by hyphens, short enough for a button); "" when bad."""
    if key not in data:
        return ""
    return check.ident(data[key], data.line_of(key), f"'{key}' in {where}") or ""


def patterns(check: Checker, data: LineDict, key: str, where: str) -> tuple[re.Pattern[str], ...]:
    """A list of regular expressions, each compiled (a broken one is reported)."""
    found = []
    for text in strings(check, data, key, where):
        try:
            found.append(re.compile(text))
        except re.error as exc:
            check.error(
                data.line_of(key),
                f"{where}: pattern '{text}' is not a regular expression ({exc})",
                "fix the pattern; escape ( ) [ ] . ? * + with a backslash when meant literally",
            )
    return tuple(found)


def items(check: Checker, data: LineDict, key: str, where: str) -> list[tuple[Any, int]]:
    """The items of the non-empty list under ``key``, with their lines (none when absent)."""
    return check.items(data[key], data.line_of(key), f"'{key}' in {where}") if key in data else []


def event_kind(check: Checker, text: str, line: int, where: str) -> EventKind | None:
    """The case event named ``text``; an unknown name is reported with the names there are."""
    kind = parse_event(text)
    if kind is None:
        check.error(line, f"{where}: unknown event '{text}'", f"use one of: {', '.join(k.value for k in EventKind)}")
    return kind
