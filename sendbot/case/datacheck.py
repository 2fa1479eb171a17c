"""Field checks shared by the case data loaders (letters, letter patterns), on top of the
project's ``Checker``, so every problem reads ``file:line: what is wrong (how to fix)``."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sendbot.knowledge.checker import Checker
from sendbot.knowledge.yamlfile import LineDict, LineList

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class DataChecker(Checker):
    def mapping(self, data: Any, required: tuple[str, ...], optional: tuple[str, ...], what: str, line: int) -> bool:
        if not isinstance(data, LineDict):
            self.error(line, f"{what} must be a mapping of keys to values", "see the README in this folder")
            return False
        return self.keys(data, {**dict.fromkeys(optional, False), **dict.fromkeys(required, True)}, what)

    def text(self, data: LineDict, key: str, what: str) -> str:
        value = data.get(key)
        if value is None:
            return ""  # a missing required key is reported by `keys`
        if not isinstance(value, str) or not value.strip():
            self.error(data.line_of(key), f"'{key}' in {what} must be non-empty text", "write the text, quoting it")
            return ""
        return value.strip()

    def entry_id(self, data: LineDict, key: str, what: str) -> str:
        value = self.text(data, key, what)
        if value and not ID_PATTERN.match(value):
            self.error(data.line_of(key), f"'{key}' in {what} is '{value}'", "use lowercase words joined by hyphens")
            return ""
        return value

    def day(self, data: LineDict, key: str, what: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, date):
            self.error(data.line_of(key), f"'{key}' in {what} is '{value}', not a date", "write it as YYYY-MM-DD")
            return None
        return value

    def strings(self, data: LineDict, key: str, what: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, LineList) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(data.line_of(key), f"'{key}' in {what} must be a list of texts", "write e.g. [one, two]")
            return ()
        return tuple(str(v).strip() for v in value)

    def items(self, data: LineDict, key: str, what: str) -> list[tuple[Any, int]]:
        """The items of a list with their lines (an error when it is not a non-empty list)."""
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList) or not value:
            self.error(data.line_of(key), f"'{key}' in {what} must be a non-empty list", "add at least one item")
            return []
        return [(item, value.line_of(index)) for index, item in enumerate(value)]
