"""The case timeline: statutory dates from recorded events, through the deadline engine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sendbot.case.data import CaseKnowledge, load_case_knowledge
from sendbot.case.events import EVENT_SPECS, INPUT_FEEDS, STEP_RULES, EventKind
from sendbot.case.letters import fitting, render
from sendbot.case.store import Case, CaseEvent
from sendbot.case.timeline import Status, case_timeline
from sendbot.deadlines import calculate

ROOT = Path(__file__).resolve().parent.parent
E = EventKind


@pytest.fixture(scope="module")
def knowledge() -> CaseKnowledge:
    return load_case_knowledge(ROOT / "knowledge")


def make_case(*events: tuple[EventKind, str]) -> Case:
    return Case(1, 7, "A", tuple(CaseEvent(i, kind, date.fromisoformat(day)) for i, (kind, day) in enumerate(events)))


def statuses(knowledge: CaseKnowledge, case: Case, today: str) -> dict[str, tuple[str, Status]]:
    timeline = case_timeline(case, knowledge.timelines, date.fromisoformat(today))
    return {d.id: (d.date.isoformat(), d.status) for d in timeline.dates}


def test_worked_example_request_with_no_decision(knowledge: CaseKnowledge) -> None:
    # Request received 3 March 2026, nothing since, today 20 April 2026 (issue 13).
    case = make_case((E.ASSESSMENT_REQUESTED, "2026-03-03"))
    timeline = case_timeline(case, knowledge.timelines, date(2026, 4, 20))
    found = statuses(knowledge, case, "2026-04-20")
    assert found["ehc-assessment/decision-to-assess"] == ("2026-04-14", Status.MISSED)
    assert found["ehc-assessment/final-plan"] == ("2026-07-21", Status.UPCOMING)
    assert "chase-assessment-decision" in fitting(knowledge.letters, timeline)
    text = render(knowledge.letters["chase-assessment-decision"], timeline, {}).text
    assert "3 March 2026" in text and "14 April 2026" in text


def test_same_dates_as_the_deadline_engine(knowledge: CaseKnowledge) -> None:
    case = make_case((E.ASSESSMENT_REQUESTED, "2026-03-03"), (E.DRAFT_PLAN_RECEIVED, "2026-06-01"))
    today = date(2026, 6, 10)
    engine = calculate(
        knowledge.timelines["ehc-assessment"],
        {"request_received": date(2026, 3, 3), "draft_sent": date(2026, 6, 1)},
        today,
    )
    ours = {d.event.id: d.date for d in case_timeline(case, knowledge.timelines, today).dates}
    for event in engine.dated_events:
        if event.id in ours:
            assert ours[event.id] == event.date


def test_decision_recorded_in_time_is_done(knowledge: CaseKnowledge) -> None:
    case = make_case((E.ASSESSMENT_REQUESTED, "2026-03-03"), (E.ASSESSMENT_DECISION, "2026-04-10"))
    found = statuses(knowledge, case, "2026-04-20")
    assert found["ehc-assessment/decision-to-assess"] == ("2026-04-14", Status.DONE)


def test_the_day_itself_is_still_upcoming(knowledge: CaseKnowledge) -> None:
    case = make_case((E.ASSESSMENT_REQUESTED, "2026-03-03"))
    assert statuses(knowledge, case, "2026-04-14")["ehc-assessment/decision-to-assess"][1] is Status.UPCOMING
    assert statuses(knowledge, case, "2026-04-15")["ehc-assessment/decision-to-assess"][1] is Status.MISSED


def test_refusal_ends_the_assessment_dates_and_starts_the_appeal(knowledge: CaseKnowledge) -> None:
    case = make_case((E.ASSESSMENT_REQUESTED, "2026-03-03"), (E.ASSESSMENT_REFUSED, "2026-04-10"))
    found = statuses(knowledge, case, "2026-08-01")
    assert "ehc-assessment/final-plan" not in found
    assert "ehc-assessment/no-plan-decision" not in found
    assert found["ehc-assessment/decision-to-assess"][1] is Status.DONE
    # HESC rule 20: 2 months after the letter; 10 June 2026 is a Wednesday.
    assert found["tribunal-appeal/appeal-deadline"] == ("2026-06-10", Status.MISSED)


def test_appeal_lodged_meets_the_appeal_deadline(knowledge: CaseKnowledge) -> None:
    case = make_case((E.DECISION_LETTER, "2026-04-10"), (E.APPEAL_LODGED, "2026-05-20"))
    assert statuses(knowledge, case, "2026-08-01")["tribunal-appeal/appeal-deadline"][1] is Status.DONE


def test_late_final_plan_missed_then_done(knowledge: CaseKnowledge) -> None:
    case = make_case((E.ASSESSMENT_REQUESTED, "2026-03-03"), (E.ASSESSMENT_DECISION, "2026-04-10"))
    assert statuses(knowledge, case, "2026-08-01")["ehc-assessment/final-plan"] == ("2026-07-21", Status.MISSED)
    later = make_case(*[(e.kind, e.date.isoformat()) for e in case.events], (E.FINAL_PLAN_RECEIVED, "2026-09-01"))
    assert statuses(knowledge, later, "2026-09-02")["ehc-assessment/final-plan"][1] is Status.DONE


def test_review_meeting_gives_review_decision_date(knowledge: CaseKnowledge) -> None:
    case = make_case((E.FINAL_PLAN_RECEIVED, "2025-06-01"), (E.ANNUAL_REVIEW_MEETING, "2026-05-05"))
    found = statuses(knowledge, case, "2026-06-10")
    assert found["annual-review/review-decision"] == ("2026-06-02", Status.MISSED)
    timeline = case_timeline(case, knowledge.timelines, date(2026, 6, 10))
    assert "chase-review-decision" in fitting(knowledge.letters, timeline)


def test_next_is_the_earliest_council_date_ahead(knowledge: CaseKnowledge) -> None:
    case = make_case((E.ASSESSMENT_REQUESTED, "2026-03-03"))
    timeline = case_timeline(case, knowledge.timelines, date(2026, 3, 10))
    assert timeline.next is not None and timeline.next.id == "ehc-assessment/decision-to-assess"
    assert case_timeline(make_case(), knowledge.timelines, date(2026, 3, 10)).next is None


def test_event_data_refers_to_real_timelines(knowledge: CaseKnowledge) -> None:
    for feed in INPUT_FEEDS:
        timeline = knowledge.timelines[feed.timeline]
        assert feed.input in {spec.name for spec in timeline.inputs}
    for key, rule in STEP_RULES.items():
        assert rule.step in {step.id for step in knowledge.timelines[rule.timeline].steps}, key
        if rule.letter:
            assert rule.letter in knowledge.letters
    assert len(EVENT_SPECS) == len(EventKind) == 12
