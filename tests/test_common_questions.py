"""The questions parents ask most, in their plainest form, must reach the right entry.

Not a measure of quality (that is tests/eval and `sendbot eval`): a guard that an edit to the
knowledge base or the matcher never breaks the basics."""

from __future__ import annotations

import pytest

from sendbot.answering.decide import Decider
from sendbot.knowledge.loader import load_knowledge
from tests.conftest import ROOT

COMMON = [
    ("how do i apply for an ehcp", "ehc-request-how"),
    ("how do I ask for an EHC needs assessment", "ehc-request-how"),
    ("who can ask for an ehc needs assessment", "ehc-who-can-request"),
    ("do i need the school's permission to apply for an ehcp", "ehc-school-permission"),
    ("the council refused to assess my daughter", "ehc-refused-assessment"),
    ("how long does the council have to decide whether to assess", "ehc-6-week-decision"),
    ("how long does the council have to issue the final plan", "ehc-20-week-timeline"),
    ("the council is late with my son's ehcp", "ehc-council-late"),
    ("what is section f", "plan-section-f"),
    ("the school is not providing what is in the ehcp", "plan-provision-not-delivered"),
    ("can i choose the school named in the plan", "naming-school-right"),
    ("what is a personal budget", "personal-budget-what"),
    ("when is the annual review due", "annual-review-due-date"),
    ("the annual review is late", "annual-review-late"),
    ("how long do i have to comment on the draft plan", "draft-plan-comment"),
    ("how do i appeal to the tribunal", "tribunal-appeal-how"),
    ("what is the deadline to appeal to the tribunal", "tribunal-deadline"),
    ("the council wants to stop my son's ehcp", "ceasing-plan"),
    ("we are moving to another council with an ehcp", "moving-council"),
    ("school keep sending him home at lunch", "informal-exclusion"),
    ("my son has been excluded what are my rights", "exclusion-rights"),
    ("can the school put my child on a part time timetable", "part-time-timetable"),
    ("does the council have to pay for a taxi to school", "transport-eligibility"),
    ("what is sen support", "sen-support-what"),
    ("what does a senco do", "senco-role"),
    ("how do i complain about the council", "complaint-council"),
    ("how do i contact derby sendiass", "contacts-derby-sendiass"),
    ("what is the local offer", "local-offer"),
    ("what is an ehcp", "ehcp-what"),
    ("ehcp", "ehcp-what"),
    ("ehcp help", "ehcp-what"),  # not the first entry whose words it shares (stop 30: "provision not delivered")
    ("what is send", "sen-meaning"),
]


@pytest.fixture(scope="module")
def answerer() -> Decider:
    return Decider(load_knowledge(ROOT / "knowledge"))


@pytest.mark.parametrize(("question", "entry_id"), COMMON)
def test_common_question_reaches_its_entry(answerer: Decider, question: str, entry_id: str) -> None:
    answer = answerer.decide(question, None, "en")
    assert answer.kind != "fallback", question
    assert answer.entry is not None and answer.entry.id == entry_id, answer.match


@pytest.mark.parametrize("question", ["what is an ehcp", "ehcp", "what is send", "senco?"])
def test_the_commonest_short_questions_are_answered_not_menued(answerer: Decider, question: str) -> None:
    """Word for word one of an entry's phrasings: answered directly, not the topic menu."""
    assert answerer.decide(question, None, "en").kind == "answer"
