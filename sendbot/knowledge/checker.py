"""The one checker every data file goes through (entries, contacts, synonyms, small talk,
out-of-scope topics, urgent words, timelines; the translation catalogues report the same
`Problem`), so that all of them report alike: ``file:line: what is wrong (how to fix)``.

A schema is declared as a mapping of key to "required?" (`Schema`); `Checker.keys` and
`Checker.fields` check a mapping against it, and the field readers below read one value each,
recording a problem (and returning None or the default) when it does not fit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from sendbot.knowledge.model import DEFAULT_LANG, ID_PATTERN, LANG_PATTERN, MAX_ID_LENGTH, LocalText
from sendbot.knowledge.problems import Problem
from sendbot.knowledge.yamlfile import LineDict, LineList

Schema = Mapping[str, bool]  # key -> required


@dataclass
class Checker:
    """Collects the problems of one file, so that every check can say where it is."""

    file: Path
    problems: list[Problem] = field(default_factory=list)

    def error(self, line: int, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, line, message, fix))

    def warn(self, line: int, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, line, message, fix, warning=True))

    # --- the shape of a mapping --------------------------------------------------------------

    def keys(self, mapping: LineDict, schema: Schema, what: str) -> bool:
        """Unknown keys are typos, repeated keys hide a value, required keys must be there.
        False when a required key is missing."""
        required = {key for key, needed in schema.items() if needed}
        allowed = set(schema)
        for key, line in mapping.duplicate_keys:
            self.error(line, f"{what}: key '{key}' appears twice", "keep only one of them")
        for key in mapping:
            if key not in allowed:
                self.error(
                    mapping.line_of(key), f"{what}: unknown key '{key}'", f"use only: {', '.join(sorted(allowed))}"
                )
        missing = sorted(required - mapping.keys())
        for key in missing:
            self.error(mapping.line, f"{what}: missing key '{key}'", f"add '{key}:'")
        return not missing

    def fields(self, data: Any, schema: Schema, where: str, line: int) -> bool:
        """Check that ``data`` is a mapping with the schema's keys (False when it is not a mapping)."""
        if not isinstance(data, LineDict):
            self.error(line, f"{where} must be a mapping of keys to values", "see README.md")
            return False
        self.keys(data, schema, where)
        return True

    def complete(self, data: Any, schema: Schema, where: str, line: int) -> bool:
        """Like `fields`, and False too when a required key is missing (each problem reported once)."""
        return self.fields(data, schema, where, line) and all(key in data for key, needed in schema.items() if needed)

    def text(self, data: LineDict, key: str, where: str) -> str:
        value = data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.error(
                data.line_of(key),
                f"'{key}' in {where} must be non-empty text",
                "write the text, quoting it if it contains ': '",
            )
            return ""
        return value.strip()

    def boolean(self, data: LineDict, key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(data.line_of(key), f"'{key}' in {where} must be true or false", "write true or false")
            return default
        return value

    def number(self, data: LineDict, key: str, where: str, default: int | None) -> int | None:
        value = data.get(key, default)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            self.error(
                data.line_of(key), f"'{key}' in {where} must be a whole number, 0 or more", "write a number such as 6"
            )
            return default
        return value

    def choice(self, data: LineDict, key: str, where: str, choices: tuple[str, ...]) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if value not in choices:
            options = ", ".join(choices)
            self.error(
                data.line_of(key), f"'{key}' in {where} is '{value}', which is not allowed", f"use one of: {options}"
            )
            return None
        return cast(str, value)

    def names(self, data: LineDict, key: str, where: str) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items) or not items:
            self.error(
                data.line_of(key),
                f"'{key}' in {where} must be a name or a list of names",
                "write e.g. [certificate, decision_letter]",
            )
            return ()
        return tuple(items)

    # --- single values -----------------------------------------------------------------------

    def local_text(self, value: Any, line: int, what: str) -> LocalText | None:
        """A string, or a mapping of language code to string with English present."""
        if isinstance(value, str) and value.strip():
            return LocalText({DEFAULT_LANG: value.strip()})
        if isinstance(value, LineDict):
            result = LocalText()
            for lang, text in value.items():
                if not LANG_PATTERN.match(lang):
                    self.error(
                        value.line_of(lang),
                        f"{what}: '{lang}' is not a language code",
                        "use a code such as en, pl, ur or pa",
                    )
                elif not isinstance(text, str) or not text.strip():
                    self.error(
                        value.line_of(lang),
                        f"{what} ({lang}) must be non-empty text",
                        "write the text, or remove this language",
                    )
                else:
                    result[lang] = text.strip()
            if DEFAULT_LANG not in result:
                self.error(line, f"{what} has no English text", "add 'en: ...'")
                return None
            return result
        self.error(line, f"{what} must be text", "write a non-empty string, or {en: ..., pl: ...}")
        return None

    def date_value(self, value: Any, line: int, what: str) -> date | None:
        if isinstance(value, date):
            return value
        if isinstance(value, (list, dict)):
            self.error(
                line, f"{what} must be one date, not a list or mapping", "write it as YYYY-MM-DD, e.g. 2026-11-22"
            )
            return None
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.error(line, f"{what} '{value}' is not a valid date", "write it as YYYY-MM-DD, e.g. 2026-11-22")
        return None

    def ident(self, value: Any, line: int, what: str) -> str | None:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.error(
                line,
                f"{what} '{value}' is not a valid id",
                "use lowercase letters, digits and single hyphens, e.g. ehc-request-how",
            )
            return None
        if len(value) > MAX_ID_LENGTH:
            self.error(
                line,
                f"{what} '{value}' is longer than {MAX_ID_LENGTH} characters",
                "shorten it (ids travel inside Telegram buttons)",
            )
            return None
        return value

    def items(self, value: Any, line: int, what: str) -> list[tuple[Any, int]]:
        """The items of a non-empty list, each with its line (none, with a problem, otherwise)."""
        if not isinstance(value, list) or not value:
            self.error(line, f"{what} must be a non-empty list", "write one item per line, each starting with '- '")
            return []
        return [(item, value.line_of(i) if isinstance(value, LineList) else line) for i, item in enumerate(value)]

    def string_list(self, value: Any, line: int, what: str) -> list[str] | None:
        if not isinstance(value, list) or not value:
            self.error(line, f"{what} must be a non-empty list", "write one item per line, each starting with '- '")
            return None
        items: list[str] = []
        for i, item in enumerate(value):
            item_line = value.line_of(i) if isinstance(value, LineList) else line
            if not isinstance(item, str) or not item.strip():
                self.error(
                    item_line,
                    f"{what}: item {i + 1} must be non-empty text",
                    "quote it if it contains ':' or starts with a special character",
                )
            else:
                items.append(item.strip())
        return items
