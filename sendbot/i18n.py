"""Interface strings through gettext, with catalogues kept as Babel .po files in locales/.

The .po files are compiled in memory at start-up, so a translator edits one text file and
nothing binary is committed. A language without a catalogue falls back to English."""

from __future__ import annotations

import functools
import io
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from sendbot.knowledge.model import DEFAULT_LANG
from sendbot.knowledge.problems import Problem

Day = date  # the type, where a method named `date` hides it
DATES_KEPT = 4096  # formatted dates kept (a year of days in each language, patterns aside)
A_MONDAY = date(2024, 1, 1)  # any Monday: weekday names are read from the week that starts with it
DOMAIN = "messages"
# The languages offered, in the order /language shows them: English, then the languages of
# Derby's families (issue 14). Every one but English needs a complete catalogue.
LANGUAGES = ("en", "pl", "ur", "pa", "sk", "ro")
REQUIRED = LANGUAGES[1:]
# Right-to-left languages: numbers and dates in their replies are wrapped in Unicode isolates
# (LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE), so "0800 1111" or "15/02/2027" keep their
# order and do not pull the words around them out of place in Telegram.
RTL_LANGUAGES = frozenset({"ur"})
LRI, PDI = "\u2066", "\u2069"
_NUMBER = re.compile(r"\d(?:[\d/.:,\-]|\s(?=\d))*\d|\d")
# Left alone: web and email addresses (an isolate inside would break the link) and numbers
# already isolated.
_KEEP = re.compile(r"https?://\S+|[\w.+-]+@[\w.-]+|\u2066[^\u2069]*\u2069")


def isolate_numbers(text: str) -> str:
    """Every run of digits (with / . : , - and the spaces inside a phone number) wrapped in an
    LTR isolate; addresses and already isolated runs untouched, so it can be applied twice."""
    out, last = [], 0
    for kept in _KEEP.finditer(text):
        out.append(_NUMBER.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", text[last : kept.start()]))
        out.append(kept.group(0))
        last = kept.end()
    out.append(_NUMBER.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", text[last:]))
    return "".join(out)


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
    try:
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        translations = Translations(fp=buffer, domain=DOMAIN)
        plural = translations.ngettext  # an alias, so that pybabel does not extract the probe below
        plural("one", "other", 2)  # evaluates the Plural-Forms expression
    except Exception as exc:  # a catalogue that does not compile, whatever the reason
        problems.append(Problem(path, 1, f"the catalogue does not compile: {exc}", "check the header's Plural-Forms"))
        return None, problems
    return translations, problems


def _completeness(path: Path, template: set[str | tuple[str, ...]]) -> list[Problem]:
    """Every template string translated (every plural form), none fuzzy, none left over."""
    with path.open("rb") as fh:
        catalog = read_po(fh)
    problems = []
    fix = f"translate it in {path.name} (pybabel update, then fill msgstr), and remove the fuzzy flag"
    for message in catalog:
        if not message.id:
            continue
        short = str(message.id[0] if isinstance(message.id, tuple) else message.id)[:40]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(Problem(path, message.lineno or 1, f"fuzzy translation of '{short}'", fix))
        elif not all(strings) or len(strings) != (catalog.num_plurals if isinstance(message.id, tuple) else 1):
            problems.append(Problem(path, message.lineno or 1, f"missing translation of '{short}'", fix))
        if message.id not in template:
            problems.append(
                Problem(
                    path,
                    message.lineno or 1,
                    f"'{short}' is no longer in the template",
                    "run pybabel update",
                    warning=True,
                )
            )
    present = {m.id for m in catalog if m.id}
    for missing in sorted(template - present, key=str):
        short = str(missing[0] if isinstance(missing, tuple) else missing)[:40]
        problems.append(Problem(path, 1, f"'{short}' is missing from the catalogue", "run pybabel update"))
    return problems


def _placeholders(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def check_locales(root: Path, required: tuple[str, ...] = ()) -> list[Problem]:
    """Every catalogue reads, compiles and keeps the placeholders; the ``required`` languages
    have a catalogue with every template string translated and none fuzzy."""
    problems: list[Problem] = []
    pot = root / f"{DOMAIN}.pot"
    template: set[str | tuple[str, ...]] = set()
    if pot.exists():
        with pot.open("rb") as fh:
            template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(fh) if m.id}
    else:
        problems.append(
            Problem(
                root / f"{DOMAIN}.pot",
                1,
                "the message template is missing",
                "run: pybabel extract -F babel.cfg -o locales/messages.pot sendbot",
            )
        )
    for lang in required:
        if not (root / lang / "LC_MESSAGES" / f"{DOMAIN}.po").exists():
            problems.append(
                Problem(
                    root / lang,
                    1,
                    f"no catalogue for {lang}",
                    f"run: pybabel init -i locales/messages.pot -d locales -l {lang}",
                )
            )
    for po in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        translations, found = _read_catalog(po)
        problems.extend(found)
        if translations is not None and po.parent.parent.name in required:
            problems.extend(_completeness(po, template))
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
        """The languages with a catalogue, those offered first in their order."""
        order = {lang: i for i, lang in enumerate(LANGUAGES)}
        return sorted(self._catalogs, key=lambda lang: (order.get(lang, len(order)), lang)) or [DEFAULT_LANG]

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
    def bidi(text: str, lang: str | None) -> str:
        """The text with its numbers isolated when the language is written right to left."""
        return isolate_numbers(text) if lang in RTL_LANGUAGES else text

    @staticmethod
    def date(value: date, lang: str | None) -> str:
        """A date the way the parent's language writes it: '3 March 2026', '3 marca 2026'."""
        return I18n.bidi(_format(value, "long", lang), lang)

    @staticmethod
    def weekday(value: Day, lang: str | None) -> str:
        """A day of the week at its shortest, for a calendar's heading: 'Mo'."""
        return _format(value, "EEEEEE", lang)

    @staticmethod
    def month(value: Day, lang: str | None) -> str:
        """A month and year, for the calendar picker: 'March 2026'."""
        return I18n.bidi(_format(value, "LLLL y", lang), lang)

    @staticmethod
    def month_name(month: int, lang: str | None) -> str:
        """A month on its own, as a word: 'February', 'luty'."""
        return _format(Day(2000, month, 1), "LLLL", lang)

    @staticmethod
    def weekday_name(number: int, lang: str | None) -> str:
        """A day of the week in full (Monday 0): 'Monday', 'poniedziałek'."""
        return _format(A_MONDAY + timedelta(days=number), "EEEE", lang)


@functools.lru_cache(maxsize=DATES_KEPT)
def _format(value: date, pattern: str, lang: str | None) -> str:
    """Kept once made: Babel parses the locale and the pattern at each call, and every answer
    shows the month it was last checked in (about 10 microseconds each time, against 1.5)."""
    locale = "en_GB" if (lang or DEFAULT_LANG) == DEFAULT_LANG else lang
    try:
        return format_date(value, format=pattern, locale=locale)
    except (UnknownLocaleError, ValueError):
        return format_date(value, format=pattern, locale="en_GB")
