"""Translations of entries and contacts (knowledge/translations): merged only while the English
they translate is unchanged; a stale one is a warning, and the parent sees the English with the
language's "not translated yet" note instead of an out-of-date translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendbot.knowledge.loader import check_knowledge, load_knowledge
from sendbot.knowledge.translations import FULL_LANGUAGES, contact_hash, entry_hash
from tests.conftest import copy_knowledge

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
LANGUAGES = ("pl", "ur", "pa", "sk", "ro")


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_knowledge(KNOWLEDGE)


def test_the_real_translations_are_clean(kb) -> None:  # type: ignore[no-untyped-def]
    _, problems = check_knowledge(KNOWLEDGE)
    assert [str(p) for p in problems] == []
    assert sorted(kb.notes) == sorted(LANGUAGES)


def test_polish_and_urdu_translate_every_entry(kb) -> None:  # type: ignore[no-untyped-def]
    for lang in FULL_LANGUAGES:
        for entry in kb.entries.values():
            assert lang in entry.title, (lang, entry.id)
            assert len(entry.questions[lang]) >= 8, (lang, entry.id)
            assert not entry.answer[lang].startswith(kb.notes[lang].not_translated)


def test_other_languages_show_english_with_the_note(kb) -> None:  # type: ignore[no-untyped-def]
    entry = kb.entries["ehc-request-how"]
    for lang in ("pa", "sk", "ro"):
        note = kb.notes[lang].not_translated
        assert entry.answer[lang] == f"{note}\n\n{entry.answer['en']}"
        assert kb.entries["ehcp-what"].answer[lang] != kb.entries["ehcp-what"].answer["en"]  # translated
        assert not kb.entries["ehcp-what"].answer[lang].startswith(note)


def test_hashes_follow_the_documented_recipe(kb) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    entry = kb.entries["ehcp-what"]
    parts = [entry.title["en"], entry.answer["en"], entry.more["en"] if entry.more else ""]
    assert entry_hash(entry) == hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]
    contact = kb.contacts[0]
    hours = contact.hours["en"] if contact.hours else ""
    expected = hashlib.sha256("\x1f".join([contact.name["en"], contact.what["en"], hours]).encode()).hexdigest()
    assert contact_hash(contact) == expected[:12]


def test_changed_english_makes_the_translation_stale(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path)
    path = root / "entries" / "overview.yaml"
    text = path.read_text(encoding="utf-8")
    old_title = load_knowledge(KNOWLEDGE).entries["ehcp-what"].title["en"]
    assert text.count(old_title) == 1
    path.write_text(text.replace(old_title, old_title + " (changed)"), encoding="utf-8")
    kb, problems = check_knowledge(root)
    assert kb is not None
    stale = [p for p in problems if "stale" in p.message]
    assert {p.message.split()[0] for p in stale} == set(LANGUAGES)
    assert all(p.warning and "ehcp-what" in p.message and "en_hash: " in p.fix for p in stale)
    pl = root / "translations" / "pl" / "overview.yaml"
    pl_lines = pl.read_text(encoding="utf-8").splitlines()
    stale_pl = next(p for p in stale if p.message.startswith("pl"))
    assert stale_pl.file == pl and "en_hash" in pl_lines[stale_pl.line - 1]
    entry = kb.entries["ehcp-what"]
    assert entry.title.get_text("pl") == old_title + " (changed)"
    assert entry.answer.get_text("pl") == kb.notes["pl"].not_translated + "\n\n" + entry.answer["en"]
    assert "pl" not in entry.questions


def test_unknown_ids_and_broken_files_are_errors(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path)
    path = root / "translations" / "pl" / "overview.yaml"
    path.write_text(
        path.read_text(encoding="utf-8") + "  no-such-entry:\n    en_hash: abc\n    title: x\n    answer: y\n"
        "    questions: [a]\n",
        encoding="utf-8",
    )
    (root / "translations" / "ur" / "notes.yaml").write_text("not_translated: x\n", encoding="utf-8")
    kb, problems = check_knowledge(root)
    assert kb is None
    errors = [p for p in problems if not p.warning]
    assert any("no-such-entry" in p.message and p.file == path for p in errors)
    assert any("letter_note" in p.message and p.file.name == "notes.yaml" for p in errors)


def test_missing_translation_is_listed(tmp_path: Path) -> None:
    root = copy_knowledge(tmp_path)
    (root / "translations" / "ur" / "transport.yaml").unlink()
    kb, problems = check_knowledge(root)
    assert kb is not None
    missing = [p for p in problems if p.message.startswith("ur:") and "not translated" in p.message]
    assert missing and all(p.warning for p in missing)
    entry_id = next(e.id for e in kb.entries.values() if e.file.name == "transport.yaml")
    assert kb.entries[entry_id].answer["ur"].startswith(kb.notes["ur"].not_translated)


def test_letter_note_is_in_the_parents_language(kb) -> None:  # type: ignore[no-untyped-def]
    assert kb.letter_note("en") is None
    assert "council" in (kb.letter_note("pl") or "")
    assert kb.letter_note("ur") == kb.notes["ur"].letter_note


def test_the_presenter_gives_the_letter_note(kb) -> None:  # type: ignore[no-untyped-def]
    from sendbot.conversation.presenter import Presenter
    from sendbot.i18n import I18n
    from tests.conftest import LOCALES

    presenter = Presenter(kb, I18n(LOCALES))
    assert presenter.letter_note("en") is None
    assert presenter.letter_note("sk") == kb.notes["sk"].letter_note
    assert "(council)" in (presenter.letter_note("ur") or "")


def test_a_translation_missing_a_key_is_reported_once(tmp_path: Path) -> None:
    """One problem, one line: a missing key is not reported twice."""
    from sendbot.knowledge.checker import Checker
    from sendbot.knowledge.yamlfile import load_yaml

    path = tmp_path / "t.yaml"
    path.write_text("entries:\n  some-id:\n    title: Tytuł\n", encoding="utf-8")
    data, _ = load_yaml(path)
    chk = Checker(path)
    assert not chk.complete(data["entries"]["some-id"], {"title": True, "en_hash": True}, "pl entry 'some-id'", 2)
    assert [p.message for p in chk.problems] == ["pl entry 'some-id': missing key 'en_hash'"]
