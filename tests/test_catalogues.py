"""The interface catalogues of every offered language: complete, none fuzzy, placeholders kept,
plurals the gettext way, compiled in memory at start-up; `check_locales` reports what is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sendbot.i18n import LANGUAGES, REQUIRED, I18n, check_locales
from tests.conftest import LOCALES


def test_every_language_is_complete_and_clean() -> None:
    assert check_locales(LOCALES, REQUIRED) == []


def test_languages_are_offered_in_order_with_their_own_names() -> None:
    i18n = I18n(LOCALES)
    assert i18n.languages == list(LANGUAGES)
    names = [i18n.language_name(lang) for lang in i18n.languages]
    assert names == ["English", "polski", "اردو", "ਪੰਜਾਬੀ", "slovenčina", "română"]


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("pl", 1, "za 1 dzień"),
        ("pl", 3, "za 3 dni"),
        ("pl", 5, "za 5 dni"),
        ("sk", 5, "o 5 dní"),
        ("sk", 2, "o 2 dni"),
        ("ro", 21, "peste 21 de zile"),
        ("ro", 3, "peste 3 zile"),
        ("ur", 2, "2 دنوں میں"),
    ],
)
def test_plurals_follow_each_language(lang: str, count: int, expected: str) -> None:
    ngettext = I18n(LOCALES).translator(lang).ngettext
    assert ngettext("in {count} day", "in {count} days", count).format(count=count) == expected


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(LOCALES, tmp_path / "locales")
    return tmp_path / "locales"


def test_missing_fuzzy_and_placeholder_problems_are_reported(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    po = root / "sk" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    text = text.replace('msgstr "Zrušiť"', 'msgstr ""', 1)
    text = text.replace('msgid "Skip"', '#, fuzzy\nmsgid "Skip"', 1)
    text = text.replace('msgstr "Pridať: {label}"', 'msgstr "Pridať: {stitok}"', 1)
    po.write_text(text, encoding="utf-8")
    shutil.rmtree(root / "ro")
    messages = [(p.file, p.message) for p in check_locales(root, REQUIRED)]
    assert (po, "missing translation of 'Cancel'") in messages
    assert (po, "fuzzy translation of 'Skip'") in messages
    assert any(f == po and "placeholders differ" in m and "Add: " in m for f, m in messages)
    assert (root / "ro", "no catalogue for ro") in messages


def test_a_catalogue_that_does_not_compile_is_reported(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    po = root / "pl" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    start = text.index('"Plural-Forms:')
    end = text.index("\n", start)
    po.write_text(text[:start] + '"Plural-Forms: nplurals=3; plural=n ==== 1;\\n"' + text[end:], encoding="utf-8")
    problems = check_locales(root, REQUIRED)
    assert any(p.file == po and not p.warning for p in problems)
