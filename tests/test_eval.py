"""Answer quality on the evaluation set, so it cannot slide unnoticed.

These are the team-written sets (tests/eval/*.yaml), judged by ids; the real-style set, judged
by facts, is in tests/test_eval_real.py. The floors are the figures measured when the matcher
was last calibrated (docs/benchmarks.md): an edit that takes them lower fails CI; lowering a
floor needs a reason in the commit message, and tests/test_snapshots.py shows every answer
that changed."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from sendbot.answering.decide import Decider
from sendbot.answering.evaluate import Verdict, evaluate, load_eval
from sendbot.answering.normalise import normalise
from sendbot.knowledge.loader import load_knowledge
from tests.conftest import ROOT

# Measured (2026-12-02): first entry shown is a labelled one 88.4%, right or among the choices
# 93.8% (94.4% before the calibration of 2026-12-02, which answers more: a wrong answer replaces a
# "did you mean" that held the right entry for a few of these), off-topic declined 93.1% (570 items).
# Stop 21's calibration (2026-12-03) raised suggest_at from 0.42 to 0.53, fitted on 68 new
# off-topic dev questions (half of them written to be hard to tell from SEND ones): more of
# these SEND questions are declined, so the first entry shown is a labelled one 86.9% and right
# or among the choices 91.8% (10 of 498 fewer); declined 93.1%. The test split's off-topic
# declined rose from 90.0% to 96.7% with it (docs/benchmarks.md, stop 21).
# Stop 23's calibration (2026-12-03) is held to the issue's 5% on wrong answers (stories 4%),
# not 4% (3%): it answers more, and a wrong answer replaces a "did you mean" that held the right
# entry for some of these: right or among the choices 89.2% (340 right, 27 wrong of 498), first
# entry a labelled one 86.1%, declined 94.4%. The real-style test split went from 41.9% right to
# 60.7%, wrong 1.6% to 3.7% (tests/test_eval_real.py).
# Stop 24's calibration (new features for P(right) and P(scope); answers need P(scope) too):
# right or among the choices 91.0%, first entry a labelled one 88.0%, declined 94.4% (the same 4
# of 72 chit-chat messages get the topic menu). The test split: 66.0 / 5.2 / 93.2 / 100.
TOP1_ID_FLOOR = 0.86
RIGHT_OR_CHOICES_FLOOR = 0.89
DECLINED_FLOOR = 0.93


def test_eval_set_is_big_and_realistic() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    items = load_eval([ROOT / "tests" / "eval"], set(kb.entries))
    in_scope = [i for i in items if i.ids]
    assert len(in_scope) >= 300
    assert sum(len(i.question) > 150 for i in in_scope) >= len(in_scope) / 3
    assert sum(not i.ids for i in items) >= 40


def test_no_eval_question_copies_a_knowledge_base_phrasing() -> None:
    """A copy would measure recall of the phrasings, not understanding of a new question. A bare
    term of one or two words ("ehcp", "senco?") is exempt: parents type exactly that, and the
    knowledge base must have it too."""
    kb = load_knowledge(ROOT / "knowledge")
    phrasings = [normalise(q) for entry in kb.entries.values() for q in entry.phrasings("en")]
    items = load_eval([ROOT / "tests" / "eval"], set(kb.entries))
    copies = [
        f"{item.file.name}:{item.line}: {item.question!r} ~ {found[0]!r}"
        for item in items
        if item.kind != "short"
        and (found := process.extractOne(normalise(item.question), phrasings, scorer=fuzz.ratio, score_cutoff=90))
    ]
    assert not copies, "\n".join(copies)


def test_accuracy_on_the_team_sets_does_not_slide(full_decider: Decider) -> None:
    """The team-written sets (tests/eval/*.yaml, labelled by ids): the share of questions whose
    first entry shown is a labelled one, right answers or choices, and off-topic declines."""
    kb = full_decider.kb
    files = sorted((ROOT / "tests" / "eval").glob("*.yaml"))
    tally = evaluate(full_decider, load_eval(files, set(kb.entries))).tally()
    summary = str(tally.as_dict())
    assert tally.top1_id / tally.in_scope >= TOP1_ID_FLOOR, summary
    assert tally.right_or_choices >= RIGHT_OR_CHOICES_FLOOR, summary
    assert tally.rate(Verdict.DECLINED) >= DECLINED_FLOOR, summary
