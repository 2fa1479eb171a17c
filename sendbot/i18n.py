"""Interface strings through gettext, with catalogues kept as Babel .po files in locales/.

The .po files are compiled in memory at start-up, so a translator edits one text file and
nothing binary is committed. A language without a catalogue falls back to English."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from sendbot.knowledge.model import DEFAULT_LANG
from sendbot.knowledge.problems import Problem

Day = date  # the type, where a method named `date` hides it
DOMAIN = "messages"


_PO_LINE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"$')


def _lint_po(path: Path) -> list[Problem]:
    """Babel quietly drops a msgstr with a missing quote; catch such lines ourselves."""
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if text and not text.startswith("#") and not _PO_LINE.match(text):
            problems.append(
                Problem(
                    path,
                    number,
                    "this line is not a quoted msgid/msgstr line",
                    'write it as msgstr "text", with both quotes',
                )
            )
    return problems


def _read_catalog(path: Path) -> tuple[Translations | None, list[Problem]]:
    lint = _lint_po(path)
    if lint:
        return None, lint
    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, abort_invalid=True)
    except Exception as exc:  # babel raises several types for a broken file
        line = max(getattr(exc, "lineno", 1) or 1, 1)
        return None, [
            Problem(path, line, f"cannot read the catalogue: {exc}", "fix the .po syntax (msgid/msgstr pairs, quoted)")
        ]
    problems: list[Problem] = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, msgstr in zip(ids, strings, strict=False):
            if msgstr and _placeholders(str(msgid)) != _placeholders(str(msgstr)):
                problems.append(
                    Problem(
                        path,
                        message.lineno or 0,
                        f"placeholders differ in translation of '{msgid[:40]}'",
                        "keep every {name} placeholder exactly as in the English text",
                    )
                )
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN), problems


def _placeholders(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def check_locales(root: Path) -> list[Problem]:
    problems: list[Problem] = []
    if not (root / f"{DOMAIN}.pot").exists():
        problems.append(
            Problem(
                root / f"{DOMAIN}.pot",
                1,
                "the message template is missing",
                "run: pybabel extract -F babel.cfg -o locales/messages.pot sendbot",
            )
        )
    for po in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        problems.extend(_read_catalog(po)[1])
    return problems


@dataclass
class I18n:
    """Translations per language, loaded once."""

    root: Path
    _catalogs: dict[str, NullTranslations] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for po in sorted(self.root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            translations, _ = _read_catalog(po)
            if translations is not None:
                self._catalogs[po.parent.parent.name] = translations

    @property
    def languages(self) -> list[str]:
        return sorted(self._catalogs) or [DEFAULT_LANG]

    def pick(self, requested: str | None) -> str:
        """The best supported language for a Telegram language_code such as 'pl' or 'en-GB'."""
        if requested:
            code = requested.replace("-", "_")
            for candidate in (code, code.split("_")[0]):
                if candidate in self._catalogs:
                    return candidate
        return DEFAULT_LANG

    def translator(self, lang: str | None) -> NullTranslations:
        return self._catalogs.get(lang or DEFAULT_LANG) or self._catalogs.get(DEFAULT_LANG) or NullTranslations()

    @staticmethod
    def language_name(lang: str) -> str:
        try:
            return Locale.parse(lang).get_display_name(lang) or lang
        except (UnknownLocaleError, ValueError):
            return lang

    @staticmethod
    def date(value: date, lang: str | None) -> str:
        """A date the way the parent's language writes it: '3 March 2026'."""
        return _format(value, "long", lang)

    @staticmethod
    def weekday(value: Day, lang: str | None) -> str:
        """A day of the week at its shortest, for a calendar's heading: 'Mo'."""
        return _format(value, "EEEEEE", lang)

    @staticmethod
    def month(value: Day, lang: str | None) -> str:
        """A month and year, for the calendar picker: 'March 2026'."""
        return _format(value, "LLLL y", lang)


def _format(value: date, pattern: str, lang: str | None) -> str:
    locale = "en_GB" if (lang or DEFAULT_LANG) == DEFAULT_LANG else lang
    try:
        return format_date(value, format=pattern, locale=locale)
    except (UnknownLocaleError, ValueError):
        return format_date(value, format=pattern, locale="en_GB")
