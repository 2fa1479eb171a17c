"""Localisation end to end: a catalogue and translated entry texts added as data, no code."""

from __future__ import annotations

import shutil
from pathlib import Path

from sendbot.answering.decide import Decider
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.replies import TextIn
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.store.sqlite import SqliteStore
from tests.conftest import KB_SMALL, LOCALES, ROOT

LOCALES_PL = ROOT / "tests" / "fixtures" / "locales_pl"


def polish_kb(tmp_path: Path) -> Path:
    kb_dir = tmp_path / "kb"
    shutil.copytree(KB_SMALL, kb_dir)
    entries = kb_dir / "entries" / "ehc.yaml"
    text = entries.read_text(encoding="utf-8")
    text = text.replace(
        "    title: How to ask for an EHC needs assessment\n",
        "    title:\n      en: How to ask for an EHC needs assessment\n      pl: Jak poprosić o ocenę potrzeb EHC\n",
        1,
    )
    entries.write_text(text, encoding="utf-8")
    return kb_dir


def test_telegram_language_code_picks_the_catalogue(tmp_path: Path) -> None:
    i18n = I18n(LOCALES_PL)
    assert i18n.pick("pl-PL") == "pl"
    assert i18n.pick("xx") == "en"
    conversation = Conversation(load_knowledge(polish_kb(tmp_path)), SqliteStore(tmp_path / "db.sqlite"), i18n)
    [reply] = conversation.handle(1, TextIn("how do I ask for an EHC needs assessment", lang_hint="pl"))
    assert reply.title == "Jak poprosić o ocenę potrzeb EHC"  # translated entry text
    assert "You can ask the council" in reply.text  # untranslated answer falls back to English
    assert reply.buttons[0][0].label == "Więcej szczegółów i źródła"  # translated interface string


def test_dates_follow_the_language() -> None:
    from datetime import date

    assert I18n.date(date(2026, 3, 3), "en") == "3 March 2026"
    assert "2026" in I18n.date(date(2026, 3, 3), "pl") and "marca" in I18n.date(date(2026, 3, 3), "pl")


def test_english_catalogue_is_complete_and_valid() -> None:
    from sendbot.i18n import check_locales

    assert check_locales(LOCALES) == []


def test_questions_in_another_language_are_matched_in_that_language(tmp_path: Path) -> None:
    kb_dir = polish_kb(tmp_path)
    entries = kb_dir / "entries" / "ehc.yaml"
    text = entries.read_text(encoding="utf-8")
    text = text.replace(
        "    questions:\n      - how do I ask for an EHC needs assessment\n",
        "    questions:\n      en:\n      - how do I ask for an EHC needs assessment\n",
        1,
    )
    text = text.replace(
        "      - can parents ask the council to assess\n",
        "      - can parents ask the council to assess\n      pl:\n"
        + "".join(
            f"      - {q}\n"
            for q in [
                "jak poprosić o ocenę potrzeb edukacyjnych",
                "czy mogę sama złożyć wniosek o ehcp",
                "wniosek rodzica o ocenę",
                "jak złożyć wniosek do rady o ocenę",
                "czy szkoła musi się zgodzić na wniosek",
                "ocena potrzeb dziecka wniosek",
            ]
        ),
        1,
    )
    entries.write_text(text, encoding="utf-8")
    answerer = Decider(load_knowledge(kb_dir))
    answer = answerer.decide("jak poprosic o ocene potrzeb", None, "pl")
    assert answer.entry is not None and answer.entry.id == "ehc-request-how"
    assert answerer.matcher_for("en") is answerer.matcher
    assert answerer.matcher_for("de") is answerer.matcher  # no German phrasings: English index


def test_a_broken_catalogue_is_reported_with_its_file(tmp_path: Path) -> None:
    from sendbot.i18n import check_locales

    shutil.copytree(LOCALES_PL, tmp_path / "locales")
    po = tmp_path / "locales" / "pl" / "LC_MESSAGES" / "messages.po"
    po.write_text(
        po.read_text(encoding="utf-8") + '\nmsgid "Phone: {phone}"\nmsgstr "Telefon: {numer}"\n', encoding="utf-8"
    )
    problems = check_locales(tmp_path / "locales")
    assert any(p.file == po and "placeholders differ" in p.message for p in problems)
    po.write_text('msgid "x"\nmsgstr "y\n', encoding="utf-8")
    problems = check_locales(tmp_path / "locales")
    assert problems and problems[0].file == po and problems[0].line == 2
    assert "not a quoted msgid/msgstr line" in problems[0].message
