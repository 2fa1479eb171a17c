"""Noticing an event in a parent's own words: offered, never added without a tap."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sendbot.case.capture import CasePhrases, answer_too, asks_something, capture, load_phrases
from sendbot.case.data import load_case_knowledge
from sendbot.case.dialogue import capture_reply
from sendbot.case.events import EventKind
from sendbot.case.store import CaseStore

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 4, 20)  # a Monday
E = EventKind


@pytest.fixture(scope="module")
def phrases() -> CasePhrases:
    loaded, problems = load_phrases(ROOT / "knowledge" / "case-phrases.yaml")
    assert problems == [] and loaded is not None
    return loaded


@pytest.mark.parametrize(
    ("message", "kind", "day"),
    [
        ("we sent the EHC request on 3rd March", E.ASSESSMENT_REQUESTED, date(2026, 3, 3)),
        ("the draft plan came yesterday", E.DRAFT_PLAN_RECEIVED, date(2026, 4, 19)),
        ("Final EHCP arrived on 14/04/2026", E.FINAL_PLAN_RECEIVED, date(2026, 4, 14)),
        ("They refused to assess him on 10 April", E.ASSESSMENT_REFUSED, date(2026, 4, 10)),
        ("Sam was excluded last Tuesday", E.EXCLUSION, date(2026, 4, 14)),
        ("We lodged the appeal today", E.APPEAL_LODGED, TODAY),
        ("The council agreed to assess on 2 April 2026", E.ASSESSMENT_DECISION, date(2026, 4, 2)),
        ("the annual review meeting is on 5 May", E.ANNUAL_REVIEW_MEETING, date(2026, 5, 5)),
        ("we got the mediation certificate", E.MEDIATION_CERTIFICATE, None),
    ],
)
def test_events_in_own_words(phrases: CasePhrases, message: str, kind: EventKind, day: date | None) -> None:
    found = capture(message, phrases, TODAY)
    assert found is not None and found.kind is kind and found.date == day


@pytest.mark.parametrize(
    "message",
    ["When will the draft plan come?", "Should we send the EHC request?", "we want to appeal", "my son loves trains"],
)
def test_questions_and_other_messages_are_left_alone(phrases: CasePhrases, message: str) -> None:
    assert capture(message, phrases, TODAY) is None


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("his old council sent the ehcp over last month and the new school says no", None),  # the plan, not a request
        ("we asked for an EHC assessment on 2 February", E.ASSESSMENT_REQUESTED),
        ("I asked for a parent carer needs assessment in March", None),  # not an EHC needs assessment
    ],
)
def test_a_request_is_an_ehc_request(phrases: CasePhrases, message: str, kind: EventKind | None) -> None:
    found = capture(message, phrases, TODAY)
    assert (found.kind if found else None) is kind


@pytest.mark.parametrize(
    ("message", "asks"),
    [
        ("they refused to assess him on 10 April. what are my options and how long have i got", True),
        ("we sent the EHC request in March, the team never answer the phone. are they allowed to ignore it?? x", True),
        ("the draft plan came yesterday.\nwho do I send my comments to", True),
        ("the draft plan came yesterday", False),
        ("we sent the EHC request on 3rd March. Fingers crossed!", False),
    ],
)
def test_a_story_that_tells_of_an_event_may_ask_something_too(phrases: CasePhrases, message: str, asks: bool) -> None:
    assert capture(message, phrases, TODAY) is not None
    assert asks_something(message, phrases) is asks


@pytest.mark.parametrize(
    ("message", "answered"),
    [
        ("refused ehcna", True),  # no date: a question in a few words
        ("refused ehcna what now", True),
        ("final ehcp came, now what", True),
        ("the draft plan came yesterday", False),  # a date and no question: the offer alone
        ("Sam was excluded last Tuesday", False),
        ("my son loves trains", False),  # no event at all
    ],
)
def test_an_event_is_answered_too_when_it_asks_or_names_no_date(
    phrases: CasePhrases, message: str, answered: bool
) -> None:
    found = capture(message, phrases, TODAY)
    assert (found is not None and answer_too(message, found, phrases)) is answered


def test_two_dates_are_not_guessed(phrases: CasePhrases) -> None:
    found = capture("we sent the EHC request on 3 March or maybe 4 March", phrases, TODAY)
    assert found is not None and found.date is None


def test_capture_reply_offers_and_writes_nothing(tmp_path: Path) -> None:
    knowledge = load_case_knowledge(ROOT / "knowledge")
    store = CaseStore(tmp_path / "db.sqlite")
    found = capture("the draft plan came yesterday", knowledge.phrases, TODAY)
    assert found is not None
    reply = capture_reply(store, 5, found)
    assert reply is not None and "19 April 2026" in reply.text
    assert reply.buttons[0][0].data == "case-add:new:draft-plan-received:2026-04-19"
    assert store.case_names(5) == []
    assert capture("what is a draft plan?", knowledge.phrases, TODAY) is None
    store.close()
