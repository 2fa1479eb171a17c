"""The Polish and Urdu question sets (tests/eval/lang): their shape, and the figures they hold.

Written by the team as parents who speak the language ask, judged in that language by the
facts a right answer's translated text must hold (`lang:` in the file). Each language's answer
threshold is chosen on its dev split (benchmarks/calibrate_lang.py); the floors are the figures
measured then, on all items and on the test split (issue 14's target: right at least 80%)."""

from __future__ import annotations

import pytest

from sendbot.answering.decide import Decider
from sendbot.answering.evaluate import EvalItem, Verdict, evaluate, holds_facts, load_eval
from sendbot.knowledge.model import KnowledgeBase
from tests.conftest import ROOT

LANG_DIR = ROOT / "tests" / "eval" / "lang"
# Measured (sendbot eval, all items / test split, 2026-12-03, stop 25): pl right 96.8% / 93.5%,
# wrong 3.2% / 6.5%; ur right 96.8% / 96.8%, wrong 3.2% / 3.2%; off-topic declined pl 66.7%, ur 100%.
FLOORS = {"pl": (0.92, 0.90), "ur": (0.88, 0.96)}  # right on all items, right on the test split
WRONG_CEILING = 0.07
# Off-topic declined, per language (6 items each): pl 4 of 6 since the English decision was
# recalibrated on more out-of-scope phrasings (it was 5 of 6), ur 6 of 6.
DECLINED_FLOORS = {"pl": 0.66, "ur": 1.0}


@pytest.fixture(scope="module")
def sets(full_kb: KnowledgeBase) -> dict[str, list[EvalItem]]:
    return {lang: load_eval([LANG_DIR / f"{lang}.yaml"], set(full_kb.entries)) for lang in FLOORS}


def test_each_set_is_big_labelled_and_in_its_language(sets: dict[str, list[EvalItem]], full_kb: KnowledgeBase) -> None:
    for lang, items in sets.items():
        in_scope = [i for i in items if i.in_scope]
        assert len(in_scope) >= 60, lang
        assert {i.lang for i in items} == {lang}
        assert {i.kind for i in items} == {"short", "medium", "long", "off-topic"}
        assert {i.split for i in items} == {"dev", "test"}
        assert all(i.source.startswith("http") and i.topic for i in items)
        # Every fact is in the translated text of the first labelled entry, never only in the English.
        for item in in_scope:
            entry = full_kb.entries[item.ids[0]]
            assert holds_facts(entry, item.facts, lang), (lang, item.question)


@pytest.mark.parametrize("lang", sorted(FLOORS))
def test_the_figures_hold(lang: str, sets: dict[str, list[EvalItem]], full_decider: Decider) -> None:
    report = evaluate(full_decider, sets[lang])
    right_all, right_test = FLOORS[lang]
    tally = report.tally()
    test = report.by("split")["test"]
    assert tally.rate(Verdict.RIGHT) >= right_all, report.summary()
    assert test.rate(Verdict.RIGHT) >= right_test, report.summary()
    assert tally.rate(Verdict.WRONG) <= WRONG_CEILING, report.summary()
    assert tally.rate(Verdict.DECLINED) >= DECLINED_FLOORS[lang], report.summary()


def test_eval_reports_right_per_language(sets: dict[str, list[EvalItem]], full_decider: Decider) -> None:
    report = evaluate(full_decider, sets["pl"] + sets["ur"])
    assert set(report.by("lang")) == {"pl", "ur"}
    assert "-- by lang" in report.summary()
