"""Dates, numbers and typed dates in the parent's language; right-to-left isolation for Urdu;
`sendbot chat --lang`; matching Polish, Urdu, English and mixed questions."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from sendbot.answering.decide import Decider
from sendbot.channels.terminal import run_terminal
from sendbot.conversation.dialogue import Conversation
from sendbot.deadlines.dateparse import Bounds, ParsedDate, parse_date
from sendbot.i18n import LRI, PDI, I18n, isolate_numbers
from sendbot.knowledge.model import KnowledgeBase
from sendbot.store.sqlite import SqliteStore
from tests.conftest import LOCALES

DAY = date(2026, 3, 3)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "3 March 2026"),
        ("pl", "3 marca 2026"),
        ("ro", "3 martie 2026"),
        ("sk", "3. marca 2026"),
        ("pa", "3 ਮਾਰਚ 2026"),
        ("ur", f"{LRI}3{PDI} مارچ، {LRI}2026{PDI}"),
    ],
)
def test_dates_are_written_the_way_each_language_writes_them(lang: str, expected: str) -> None:
    assert I18n.date(DAY, lang) == expected


def test_numbers_are_isolated_in_urdu_but_links_are_not() -> None:
    text = "فون: 0800 1111۔ https://www.gov.uk/a/2014 اور 15/02/2027 تک، 6 ہفتے"
    done = isolate_numbers(text)
    assert f"{LRI}0800 1111{PDI}" in done and f"{LRI}15/02/2027{PDI}" in done and f"{LRI}6{PDI}" in done
    assert "https://www.gov.uk/a/2014 " in done
    assert isolate_numbers(done) == done  # applied twice, nothing changes
    assert I18n.bidi(text, "pl") == text


@pytest.mark.parametrize(
    "typed",
    [
        "3 marca 2026",
        "3 marca 2026 r.",
        "dnia 3 marca 2026",
        "3. marca 2026",
        "3 martie 2026",
        "la 3 martie 2026",
        "3 mar 2026",
        "3 مارچ 2026",
        "۳ مارچ ۲۰۲۶",
        "3 ਮਾਰਚ 2026",
        "03.03.2026",
        "3/3/26",
        "3 Marca 2026",
    ],
)
def test_dates_typed_in_each_language_are_read(typed: str) -> None:
    bounds = Bounds(date(2020, 1, 1), date(2027, 1, 1), date(2026, 12, 2))
    assert parse_date(typed, bounds) == ParsedDate(DAY, typed)


@pytest.mark.parametrize("word", ["wczoraj", "včera", "ieri"])
def test_yesterday_in_each_language(word: str) -> None:
    bounds = Bounds(date(2020, 1, 1), date(2027, 1, 1), date(2026, 12, 2))
    assert parse_date(word, bounds) == ParsedDate(date(2026, 12, 1), word)


@pytest.mark.parametrize(
    ("lang", "question", "entry"),
    [
        ("pl", "rada odmówiła oceny EHC, co mogę zrobić", "ehc-refused-assessment"),
        ("pl", "rada odmowila oceny EHC co moge zrobic", "ehc-refused-assessment"),  # no diacritics
        ("pl", "the council refused to assess my son for an EHCP, can I appeal?", "ehc-refused-assessment"),
        ("pl", "moj syn ma EHCP, ile dni mam na komentarz do draft plan?", "draft-plan-15-days"),  # mixed
        ("ur", "کونسل نے EHC جانچ سے انکار کر دیا ہے، کیا اپیل ہو سکتی ہے؟", "ehc-refused-assessment"),
        ("ur", "the council refused to assess my son for an EHCP, can I appeal?", "ehc-refused-assessment"),
        ("ur", "سالانہ جائزہ (annual review) کتنی بار ہونا ضروری ہے؟", "annual-review-what"),
    ],
)
def test_questions_match_across_languages(full_decider: Decider, lang: str, question: str, entry: str) -> None:
    decision = full_decider.decide(question, None, lang)
    assert decision.kind == "answer" and decision.entry is not None, decision
    assert decision.entry.id == entry


def test_chat_lang_chooses_the_language_and_remembers_it(full_kb: KnowledgeBase, tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "db.sqlite")
    conversation = Conversation(full_kb, store, I18n(LOCALES))
    out = io.StringIO()
    run_terminal(conversation, io.StringIO("/help\n"), out, lang="pl", files_dir=tmp_path)
    assert "Od teraz będę mówić w języku: polski." in out.getvalue()
    assert "/language – Zmień język" in out.getvalue()
    assert store.load_chat(0).lang == "pl"
    store.close()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("dziękuję bardzo", "thanks"),
        ("Cześć", "greeting"),
        ("السلام علیکم", "greeting"),
        ("شکریہ", "thanks"),
        ("ਧੰਨਵਾਦ", "thanks"),
        ("ďakujem", "thanks"),
        ("la revedere", "goodbye"),
        ("pomocy", "help"),
    ],
)
def test_small_talk_in_each_language(full_decider: Decider, text: str, intent: str) -> None:
    assert full_decider.smalltalk(text) == intent


def test_urdu_replies_isolate_numbers_in_text_and_title(full_kb: KnowledgeBase, tmp_path: Path) -> None:
    from sendbot.conversation.replies import TextIn

    store = SqliteStore(tmp_path / "db.sqlite")
    conversation = Conversation(full_kb, store, I18n(LOCALES))
    [reply] = conversation.handle(1, TextIn("مجھے مسودہ EHC منصوبہ ملا ہے، جواب دینے کے لیے کتنے دن ہیں؟", "ur"))
    assert reply.title is not None and f"{LRI}15{PDI}" in reply.title
    assert f"{LRI}15{PDI}" in reply.text
    [english] = conversation.handle(2, TextIn("I got the draft EHC plan, how many days do I have to reply?", "en"))
    assert LRI not in english.text
    store.close()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("pl", "ile kosztuje mieszkanie"),  # how much is a flat: once answered with the tribunal appeal
        ("pl", "jak dostac council house"),
        ("ur", "بجلی کا بل بہت زیادہ آیا ہے"),  # the electricity bill is too high
        ("ur", "PIP kitna milta hai"),
    ],
)
def test_everyday_questions_in_each_language_get_the_signpost(full_decider: Decider, lang: str, text: str) -> None:
    assert full_decider.decide(text, None, lang).kind == "fallback"
