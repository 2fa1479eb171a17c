"""The real-style evaluation set (tests/eval/real): its shape, its sources, and the figures it holds.

Questions are modelled on what parents write on public pages (each item's `source`), in our own
words, and judged by the facts a correct answer must hold. Tuning uses the `dev` split only;
the figures below are on `test`, from its last look (docs/benchmarks.md): an edit that takes them
lower fails CI, unless it pays for each new wrong answer by rule T41 (docs/prereg41.md)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from sendbot.answering.decide import Decider
from sendbot.answering.evaluate import EvalItem, Verdict, evaluate, holds_facts, judge, load_eval
from sendbot.knowledge.model import KnowledgeBase
from tests.conftest import ROOT

REAL = ROOT / "tests" / "eval" / "real"
IS_RESERVED = ROOT.parent / "shared" / "eval" / "is-reserved"

# The figures of the last look at the test split (221 items: 191 in scope, 30 off-topic), at stop 43's
# final answering state (8ae780a, 2026-12-05), one look, aggregates only, under rule T42, written
# before it (docs/prereg43.md): right 158 (82.7%), wrong 4 (2.1%), right among the choices 186
# (97.4%), off-topic declined 30 of 30. Stop 41's and 42's looks were 150 / 3 / 187 / 30; since then
# K42, R42, K43 and A43 (rule story_neighbours at 0.80).
LOOKED_RIGHT = 158
LOOKED_WRONG = 4
LOOKED_RIGHT_OR_CHOICES = 186
LOOKED_DECLINED = 30
# Rule T41 (docs/prereg41.md): a change may trade within the targets, but a wrong answer is
# worse than "did you mean", so each new wrong answer must be paid for by three more right ones, and
# right-or-choices may fall only by the answers that became wrong. Off-topic items are never traded.
RIGHT_PER_NEW_WRONG = 3
WRONG_CEILING = 0.05
RIGHT_OR_CHOICES_TARGET = 0.92


@pytest.fixture(scope="module")
def items(full_kb: KnowledgeBase) -> list[EvalItem]:
    return load_eval([REAL], set(full_kb.entries))


def test_the_set_is_big_and_shaped_like_real_messages(items: list[EvalItem]) -> None:
    kinds = [i.kind for i in items]
    assert len(items) >= 400
    assert kinds.count("short") >= 60
    assert kinds.count("long") >= 150
    assert kinds.count("off-topic") >= 60
    assert all(len(i.question.split()) >= 40 for i in items if i.kind == "long")


def test_every_item_has_a_source_a_split_and_facts(items: list[EvalItem]) -> None:
    bad = [
        f"{i.file.name}:{i.line}"
        for i in items
        if not i.source.startswith("http")
        or i.split not in ("dev", "test")
        or (i.in_scope and not 1 <= len(i.facts) <= 3)
        or (not i.in_scope and i.kind != "off-topic")
    ]
    assert not bad, bad


# The test split is fixed (stop 15): the items written since (stop 17, four files of questions
# from pages not used before) went to dev only, so the figures reported on test stay comparable
# and no test item was ever seen while tuning.
TEST_ITEMS = 221


def test_the_test_split_is_fixed_and_dev_is_at_least_as_big(items: list[EvalItem]) -> None:
    test = sum(i.split == "test" for i in items)
    assert test == TEST_ITEMS
    assert len(items) - test >= test


def test_files_written_before_the_changes_they_prompt_name_the_knowledge_base_they_met(
    items: list[EvalItem],
) -> None:
    """Fresh questions (since stop 18) carry `asked_of`, the commit whose knowledge base they were
    first asked of: `calibrate.py` judges their answers against it as well as against today's."""
    files = {i.file for i in items}
    fresh = {f for f in files if "written before any change" in f.read_text(encoding="utf-8")[:300]}
    assert len(fresh) >= 30
    bad = sorted({i.file.name for i in items if i.file in fresh and not re.fullmatch(r"[0-9a-f]{40}", i.asked_of)})
    assert not bad, bad
    assert all(not i.asked_of for i in items if i.split == "test")


@pytest.mark.skipif(not IS_RESERVED.exists(), reason=f"{IS_RESERVED} is not beside the checkout")
def test_no_source_is_a_page_reserved_for_independent_evaluation() -> None:
    python = shutil.which("python3") or "python3"
    for path in sorted(REAL.glob("*.yaml")):
        done = subprocess.run([python, str(IS_RESERVED), "--file", str(path)], capture_output=True, text=True)
        reserved = [line for line in done.stdout.splitlines() if line.startswith("reserved")]
        assert done.returncode == 0 and not reserved, f"{path.name}: {reserved or done.stderr}"


def test_every_short_question_gets_an_answer_or_choices(full_decider: Decider, items: list[EvalItem]) -> None:
    """'ehcp', 'senco?', 'tribunal': never "I don't know" (small talk such as 'help' gets its menu)."""
    dead_ends = []
    for item in items:
        if item.kind != "short":
            continue
        decision = full_decider.decide(item.question, None, "en")
        if decision.kind == "fallback":
            dead_ends.append(item.question)
    assert not dead_ends, dead_ends


def test_the_test_split_holds_its_figures(full_decider: Decider, full_kb: KnowledgeBase) -> None:
    report = evaluate(full_decider, load_eval([REAL], set(full_kb.entries), "test"))
    tally = report.tally()
    summary = report.summary()
    right = tally.counts[Verdict.RIGHT.value]
    wrong = tally.counts[Verdict.WRONG.value] - tally.off_topic_wrong
    right_or_choices = right + tally.counts[Verdict.CHOICES.value]
    new_wrong = max(0, wrong - LOOKED_WRONG)
    assert wrong <= WRONG_CEILING * tally.in_scope, summary
    assert right >= LOOKED_RIGHT + RIGHT_PER_NEW_WRONG * new_wrong, summary
    assert right_or_choices >= LOOKED_RIGHT_OR_CHOICES - new_wrong, summary
    assert right_or_choices >= RIGHT_OR_CHOICES_TARGET * tally.in_scope, summary
    assert tally.counts[Verdict.DECLINED.value] >= LOOKED_DECLINED, summary


def test_eval_reports_by_file_and_topic_and_as_json(full_decider: Decider, items: list[EvalItem]) -> None:
    import json

    report = evaluate(full_decider, items[:20])
    assert "-- by file" in report.summary()
    data = json.loads(report.as_json())
    assert set(data["all"]) >= {"right", "wrong", "choices", "missed", "declined"}
    assert len(data["items"]) == 20


def test_a_fact_is_judged_in_the_answer_text(full_kb: KnowledgeBase) -> None:
    entry = full_kb.entries["tribunal-deadline"]
    assert holds_facts(entry, [["tribunal"], ["2 months", "two months"]])
    assert not holds_facts(entry, [["a phrase no answer has"]])


def test_a_message_about_danger_is_judged_by_its_reply_to_the_question(full_decider: Decider) -> None:
    """The chat shows the crisis entry first and then answers the question (`Conversation.handle`):
    the evaluation judges that answer, not the safety entry."""
    item = EvalItem(
        "my son is self harming and the council refused to assess him, how long do we have to appeal?",
        ("tribunal-deadline", "ehc-refused-assessment"),
        REAL / "example.yaml",
        1,
        (("2 months", "two months"),),
    )
    decision = full_decider.decide(item.question, None, "en")
    outcome = judge(full_decider, item)
    assert decision.urgent is not None
    assert "contacts-mental-health-crisis" not in outcome.shown
    assert outcome.verdict in (Verdict.RIGHT, Verdict.CHOICES)


def test_a_decline_with_a_right_way_back_counts_as_choices(full_decider: Decider) -> None:
    """A decline whose one button (`MatchResult.maybe`) is a right entry is a "did you mean" with a
    right entry among its buttons; an off-topic item declined with a button is still declined,
    and counted apart (`declined_with_button`)."""
    question = "how do you get a CAMHS referral in derbyshire, GP says they bounce everything back"
    in_scope = judge(full_decider, EvalItem(question, ("camhs-derbyshire",), REAL / "example.yaml", 1))
    assert (in_scope.status, in_scope.verdict, in_scope.shown) == ("fallback", Verdict.CHOICES, ("camhs-derbyshire",))
    report = evaluate(full_decider, [EvalItem(question, (), REAL / "example.yaml", 2)])
    assert [o.verdict for o in report.outcomes] == [Verdict.DECLINED]
    assert report.tally().declined_with_button == 1
