"""Worked examples for every timeline in knowledge/timelines, through the public API."""

from __future__ import annotations

from datetime import date

import pytest
from icalendar import Calendar

from sendbot.deadlines import (
    DateRange,
    Event,
    InputError,
    Result,
    Timeline,
    build_ics,
    calculate,
    load_timelines,
)

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def timelines() -> dict[str, Timeline]:
    found, problems = load_timelines()
    assert problems == []
    return found


def run(timelines: dict[str, Timeline], timeline_id: str, today: date = TODAY, **inputs: object) -> Result:
    return calculate(timelines[timeline_id], inputs, today)  # type: ignore[arg-type]


def dates(result: Result) -> dict[str, date | None]:
    return {event.id: event.date for event in result.events}


def event(result: Result, event_id: str) -> Event:
    return next(e for e in result.events if e.id == event_id)


# --- ehc-assessment ----------------------------------------------------------------------


def test_ehc_assessment_research_example(timelines: dict[str, Timeline]) -> None:
    # Reg 5(1) 6 weeks, reg 10(1) 16 weeks, reg 13(2) 20 weeks: "a request received Tue
    # 3 Mar 2026 gives ... Tue 14 Apr 2026, ... Tue 23 Jun 2026 and ... Tue 21 Jul 2026".
    result = run(timelines, "ehc-assessment", request_received=date(2026, 3, 3), today=date(2026, 5, 1))
    assert dates(result) == {
        "decision-to-assess": date(2026, 4, 14),
        "advice-due": None,
        "no-plan-decision": date(2026, 6, 23),
        "draft-comments": None,
        "final-plan": date(2026, 7, 21),
    }
    assert event(result, "decision-to-assess").passed
    assert not event(result, "final-plan").passed
    assert event(result, "decision-to-assess").source.cite.endswith("regulation 5(1)")
    # Reg 8(1): advice is due 6 weeks from each request for advice, not from this request.
    assert "No fixed date" in event(result, "advice-due").note
    assert "tell me that date" in event(result, "draft-comments").note


def test_ehc_assessment_draft_comment_deadline(timelines: dict[str, Timeline]) -> None:
    # Reg 13(1)(a): "served Mon 1 Jun 2026, so the last day is Mon 15 Jun 2026".
    result = run(timelines, "ehc-assessment", request_received=date(2026, 3, 3), draft_sent=date(2026, 6, 1))
    assert event(result, "draft-comments").date == date(2026, 6, 15)
    assert "calendar days" in event(result, "draft-comments").note


def test_ehc_assessment_refuses_a_draft_before_the_request(timelines: dict[str, Timeline]) -> None:
    with pytest.raises(InputError) as error:
        run(timelines, "ehc-assessment", request_received=date(2026, 3, 3), draft_sent=date(2026, 3, 1))
    assert error.value.input == "draft_sent"
    assert "cannot be before" in str(error.value)


def test_missing_required_input_is_an_input_error(timelines: dict[str, Timeline]) -> None:
    with pytest.raises(InputError) as error:
        run(timelines, "ehc-assessment")
    assert error.value.input == "request_received"


# --- annual-review -----------------------------------------------------------------------


def test_annual_review_without_a_meeting(timelines: dict[str, Timeline]) -> None:
    # CFA s44(1): within each "12 months starting with" the date of the plan or last
    # review; day 1 is that date, so the last day is the day before the anniversary.
    result = run(timelines, "annual-review", last_reviewed=date(2025, 4, 15))
    assert event(result, "next-review").date == date(2026, 4, 14)
    assert event(result, "review-decision").date is None
    assert "meeting date" in event(result, "review-decision").note
    assert "under-5-review-by" not in dates(result)


def test_annual_review_around_the_meeting(timelines: dict[str, Timeline]) -> None:
    # Regs 20/21: notice and advice "at least 2 weeks before"; report "within 2 weeks";
    # decision "within 4 weeks" of the meeting; amended plan at most 12 weeks after it.
    result = run(timelines, "annual-review", last_reviewed=date(2025, 4, 15), meeting=date(2026, 3, 10))
    assert dates(result) == {
        "next-review": date(2026, 4, 14),
        "invitations": date(2026, 2, 24),
        "advice-circulated": date(2026, 2, 24),
        "review-report": date(2026, 3, 24),
        "review-decision": date(2026, 4, 7),
        "amendment-comments": None,
        "amended-plan-outer": date(2026, 6, 2),
    }


def test_annual_review_with_proposed_amendments(timelines: dict[str, Timeline]) -> None:
    # Reg 22(2): at least 15 days beginning with the day served; reg 22(3): final amended
    # plan within 8 weeks of sending the proposed amendments.
    result = run(
        timelines,
        "annual-review",
        last_reviewed=date(2025, 4, 15),
        meeting=date(2026, 3, 10),
        amendments_sent=date(2026, 4, 1),
    )
    found = dates(result)
    assert found["amendment-comments"] == date(2026, 4, 15)
    assert found["amended-plan"] == date(2026, 5, 27)
    assert "amended-plan-outer" not in found


def test_annual_review_under_5_guidance_and_month_ends(timelines: dict[str, Timeline]) -> None:
    # CoP 9.178: "should consider" reviewing every 3-6 months; 31 Aug + 6 months is 28 Feb.
    result = run(timelines, "annual-review", last_reviewed=date(2025, 8, 31), under_5=True)
    assert event(result, "under-5-review-from").date == date(2025, 11, 30)
    assert event(result, "under-5-review-by").date == date(2026, 2, 28)
    assert event(result, "under-5-review-by").source.status == "CoP"
    assert "not a legal deadline" in event(result, "under-5-review-by").note


# --- phase-transfer ----------------------------------------------------------------------


def test_phase_transfer_school(timelines: dict[str, Timeline]) -> None:
    # Reg 18(1)(b): "before 15 February" of the year of transfer: 14 Feb is the safe day.
    result = run(timelines, "phase-transfer", year_of_transfer=2027)
    assert dates(result) == {"amended-plan-school": date(2027, 2, 14)}
    assert "before 15 February" in result.events[0].note


def test_phase_transfer_post_16(timelines: dict[str, Timeline]) -> None:
    # Reg 18(1)(a): "before 31 March" for secondary school to post-16.
    result = run(timelines, "phase-transfer", year_of_transfer=2027, post_16=True)
    assert dates(result) == {"amended-plan-post-16": date(2027, 3, 30)}


# --- tribunal-appeal ---------------------------------------------------------------------


def test_tribunal_appeal_leap_year(timelines: dict[str, Timeline]) -> None:
    # Rule 20(1)(c): 2 months after the notice; "letter 31 Dec gives 28/29 Feb".
    result = run(timelines, "tribunal-appeal", decision_letter=date(2027, 12, 31))
    assert event(result, "appeal-deadline").date == date(2028, 2, 29)
    assert event(result, "appeal-deadline").unadjusted is None


def test_tribunal_appeal_christmas(timelines: dict[str, Timeline]) -> None:
    # Rule 12(3)(a): "Letter 31 Oct gives 31 Dec, which falls in the Christmas window, so
    # the first working day after 1 Jan."
    result = run(timelines, "tribunal-appeal", decision_letter=date(2025, 10, 31))
    appeal = event(result, "appeal-deadline")
    assert appeal.date == date(2026, 1, 2)
    assert appeal.unadjusted == date(2025, 12, 31)
    assert "31 December 2025" in appeal.note
    assert "12(3)(a)" in appeal.note


def test_tribunal_appeal_weekend_then_bank_holiday(timelines: dict[str, Timeline]) -> None:
    # Rule 12(2): letter 3 Mar 2025 gives Sat 3 May 2025; Mon 5 May is a bank holiday, so
    # the next working day is Tue 6 May 2025.
    result = run(timelines, "tribunal-appeal", decision_letter=date(2025, 3, 3))
    assert event(result, "appeal-deadline").date == date(2025, 5, 6)
    assert "12(2)" in event(result, "appeal-deadline").note


def test_tribunal_appeal_deadline_on_a_bank_holiday(timelines: dict[str, Timeline]) -> None:
    # Rule 12(2): 25 Mar 2026 + 2 months is the Spring bank holiday, Mon 25 May 2026.
    result = run(timelines, "tribunal-appeal", decision_letter=date(2026, 3, 25))
    assert event(result, "appeal-deadline").date == date(2026, 5, 26)


def test_tribunal_appeal_later_certificate(timelines: dict[str, Timeline]) -> None:
    # Rule 20(1)(c): "whichever is later" of 2 months from the notice (Sun 3 May 2026) and
    # 1 month from the certificate (Wed 20 May 2026).
    result = run(timelines, "tribunal-appeal", decision_letter=date(2026, 3, 3), certificate=date(2026, 4, 20))
    appeal = event(result, "appeal-deadline")
    assert appeal.date == date(2026, 5, 20)
    assert not appeal.is_estimate
    assert "Tell me the certificate date" not in appeal.note


def test_tribunal_appeal_in_august(timelines: dict[str, Timeline]) -> None:
    # Rule 12(3)(a): a deadline in August moves to the first working day after 31 Aug;
    # 31 Aug 2026 is a bank holiday anyway, so Tue 1 Sep 2026.
    result = run(timelines, "tribunal-appeal", decision_letter=date(2026, 6, 15))
    appeal = event(result, "appeal-deadline")
    assert appeal.unadjusted == date(2026, 8, 15)
    assert appeal.date == date(2026, 9, 1)


def test_ics_has_one_event_per_dated_event_and_stable_uids(timelines: dict[str, Timeline]) -> None:
    first = run(timelines, "tribunal-appeal", decision_letter=date(2026, 3, 3))
    later = run(timelines, "tribunal-appeal", decision_letter=date(2026, 3, 3), certificate=date(2026, 4, 20))
    parsed = Calendar.from_ical(build_ics(first))
    events = [c for c in parsed.walk("VEVENT")]
    assert len(events) == len(first.dated_events) == 2
    assert {e.decoded("dtstart") for e in events} == {d.date for d in first.dated_events}
    assert all("Source:" in str(e["description"]) for e in events)
    uids = {str(e["uid"]) for e in events}
    again = {str(e["uid"]) for e in Calendar.from_ical(build_ics(later)).walk("VEVENT")}
    assert uids == again  # re-importing updates the same events
    assert build_ics(first) == build_ics(first)


def test_ics_leaves_out_events_without_a_date(timelines: dict[str, Timeline]) -> None:
    result = run(timelines, "ehc-assessment", request_received=date(2026, 3, 3))
    parsed = Calendar.from_ical(build_ics(result))
    assert len(parsed.walk("VEVENT")) == 3 == len(result.dated_events) < len(result.events)


# --- mediation ---------------------------------------------------------------------------


def test_mediation_no_mediation_wanted(timelines: dict[str, Timeline]) -> None:
    # Reg 33: adviser within 2 months; reg 34: certificate within 3 working days. The
    # appeal date counts from the day the adviser was told (the earliest certificate date),
    # so it is marked as an estimate: Sun 24 May 2026, bank holiday, Tue 26 May (rule 12(2)).
    result = run(timelines, "mediation", decision_letter=date(2026, 3, 3), adviser_contacted=date(2026, 4, 24))
    found = dates(result)
    assert found["contact-mediation-adviser"] == date(2026, 5, 3)
    assert found["certificate-no-mediation"] == date(2026, 4, 29)
    assert found["mediation-held"] is None
    appeal = event(result, "appeal-deadline")
    assert appeal.date == date(2026, 5, 26)
    assert appeal.is_estimate
    assert "estimate" in appeal.note
    assert not event(result, "certificate-no-mediation").is_estimate


def test_mediation_with_mediation(timelines: dict[str, Timeline]) -> None:
    # Mediation "within 30 days" (calendar); certificate within 3 working days of the end.
    result = run(
        timelines,
        "mediation",
        decision_letter=date(2026, 3, 3),
        mediation_requested=date(2026, 4, 1),
        mediation_ended=date(2026, 5, 8),
    )
    found = dates(result)
    assert found["mediation-held"] == date(2026, 5, 1)
    assert found["certificate-after-mediation"] == date(2026, 5, 13)
    assert found["appeal-deadline"] == date(2026, 6, 8)
    assert event(result, "appeal-deadline").is_estimate


def test_mediation_with_the_certificate_is_exact(timelines: dict[str, Timeline]) -> None:
    result = run(
        timelines,
        "mediation",
        decision_letter=date(2026, 3, 3),
        adviser_contacted=date(2026, 4, 24),
        certificate=date(2026, 4, 27),
    )
    appeal = event(result, "appeal-deadline")
    assert appeal.date == date(2026, 5, 27)
    assert not appeal.is_estimate


def test_mediation_decision_letter_only(timelines: dict[str, Timeline]) -> None:
    result = run(timelines, "mediation", decision_letter=date(2025, 10, 31))
    appeal = event(result, "appeal-deadline")
    assert appeal.date == date(2026, 1, 2)
    assert not appeal.is_estimate
    assert "may be later" in appeal.note


# --- moving-council ----------------------------------------------------------------------


def test_moving_council_basic(timelines: dict[str, Timeline]) -> None:
    # Reg 15(4): new council writes within 6 weeks; reg 15(5): review by the later of the
    # annual review date and 3 months from the transfer.
    result = run(timelines, "moving-council", transfer_date=date(2026, 9, 1))
    found = dates(result)
    assert found["plan-transferred"] == date(2026, 9, 1)
    assert found["new-council-writes"] == date(2026, 10, 13)
    assert found["new-council-review"] == date(2026, 12, 1)
    assert "tell me when the plan was issued" in event(result, "new-council-review").note


def test_moving_council_later_annual_review_wins(timelines: dict[str, Timeline]) -> None:
    result = run(timelines, "moving-council", transfer_date=date(2026, 9, 1), last_reviewed=date(2026, 3, 15))
    assert event(result, "new-council-review").date == date(2027, 3, 14)
    earlier = run(timelines, "moving-council", transfer_date=date(2026, 9, 1), last_reviewed=date(2025, 10, 1))
    assert event(earlier, "new-council-review").date == date(2026, 12, 1)


def test_moving_council_old_council_learned_late(timelines: dict[str, Timeline]) -> None:
    # Reg 15(2): "within 15 working days beginning with the day it became aware": Thu 20
    # Aug 2026 is day 1, the August bank holiday (31 Aug) is skipped: Thu 10 Sep 2026.
    late = run(timelines, "moving-council", transfer_date=date(2026, 9, 1), old_council_told=date(2026, 8, 20))
    assert event(late, "plan-transferred").date == date(2026, 9, 10)
    early = run(timelines, "moving-council", transfer_date=date(2026, 9, 1), old_council_told=date(2026, 7, 1))
    assert event(early, "plan-transferred").date == date(2026, 9, 1)


# --- reassessment ------------------------------------------------------------------------


def test_reassessment(timelines: dict[str, Timeline]) -> None:
    # Reg 25(1) (S): decision within 15 days; reg 27(2): final plan within 14 weeks of the
    # notification. Without the decision date the 14 weeks run from the decision deadline.
    result = run(timelines, "reassessment", request_received=date(2026, 3, 3))
    assert event(result, "decision").date == date(2026, 3, 18)
    assert event(result, "decision").source.status == "S"
    final = event(result, "final-plan")
    assert (final.date, final.is_estimate) == (date(2026, 6, 24), True)
    exact = run(timelines, "reassessment", request_received=date(2026, 3, 3), decision_notified=date(2026, 3, 10))
    final = event(exact, "final-plan")
    assert (final.date, final.is_estimate) == (date(2026, 6, 16), False)


# --- ceasing -----------------------------------------------------------------------------


def test_ceasing(timelines: dict[str, Timeline]) -> None:
    # No fixed limit for the notice; the appeal deadline follows rule 20 and rule 12(3)(a);
    # the plan is kept until the appeal period has passed.
    result = run(timelines, "ceasing", decision_letter=date(2025, 10, 31))
    found = dates(result)
    assert found["cease-notice"] is None
    assert "no fixed time limit" in event(result, "cease-notice").note
    assert found["appeal-deadline"] == date(2026, 1, 2)
    assert found["plan-kept"] == date(2026, 1, 2)


def test_ceasing_after_a_review(timelines: dict[str, Timeline]) -> None:
    result = run(timelines, "ceasing", decision_letter=date(2025, 10, 31), review_meeting=date(2025, 10, 1))
    assert event(result, "cease-notice").date == date(2025, 10, 29)


# --- exclusion-review --------------------------------------------------------------------


def test_exclusion_review_without_term_dates_is_an_estimate(timelines: dict[str, Timeline]) -> None:
    # Board "within 15 school days of being notified"; with no calendar we count Mon-Fri
    # less bank holidays and say that holidays and INSET days must be taken out.
    result = run(timelines, "exclusion-review", board_notified=date(2026, 3, 2))
    board = event(result, "board-meeting")
    assert (board.date, board.is_estimate) == (date(2026, 3, 23), True)
    assert "INSET" in board.note
    assert event(result, "irp-application").date is None


def test_exclusion_review_with_closures(timelines: dict[str, Timeline]) -> None:
    # Half term 27-31 Oct 2025 is not school days. IRP: "within 15 school days after the
    # day notice is given" (Sch 1 para 2(1)).
    half_term = (DateRange(date(2025, 10, 27), date(2025, 10, 31)),)
    result = run(
        timelines,
        "exclusion-review",
        board_notified=date(2025, 10, 13),
        school_closures=half_term,
        board_decision=date(2025, 11, 10),
    )
    assert dates(result) == {
        "board-meeting": date(2025, 11, 10),
        "irp-application": date(2025, 12, 1),
    }
    assert not any(e.is_estimate for e in result.events)


def test_exclusion_review_with_a_count_of_closed_days(timelines: dict[str, Timeline]) -> None:
    result = run(timelines, "exclusion-review", board_notified=date(2025, 10, 13), closed_days=5)
    assert event(result, "board-meeting").date == date(2025, 11, 10)


def test_exclusion_review_over_christmas_with_term_dates(timelines: dict[str, Timeline]) -> None:
    terms = (DateRange(date(2025, 9, 3), date(2025, 12, 19)), DateRange(date(2026, 1, 5), date(2026, 2, 13)))
    result = run(
        timelines,
        "exclusion-review",
        board_notified=date(2025, 12, 1),
        board_decision=date(2025, 12, 8),
        term_dates=terms,
    )
    assert event(result, "irp-application").date == date(2026, 1, 12)
    short = run(
        timelines,
        "exclusion-review",
        board_notified=date(2025, 12, 1),
        board_decision=date(2025, 12, 8),
        term_dates=terms[:1],
    )
    assert event(short, "irp-application").date is None
    assert "next term" in event(short, "irp-application").note


def test_exclusion_review_short_suspension_50_school_days(timelines: dict[str, Timeline]) -> None:
    # Reg 6 / reg 24(1)(c) (S): a suspension taking the total this term over 5 (up to 15)
    # school days, with representations, is decided "within 50 school days" of notice.
    # Notified Mon 13 Oct 2025, day left out; half term 27-31 Oct and Christmas 22 Dec-2 Jan
    # closed. School days: 14-17 Oct (4), 20-24 Oct (9), [half term], 3-7 Nov (14),
    # 10-14 Nov (19), 17-21 Nov (24), 24-28 Nov (29), 1-5 Dec (34), 8-12 Dec (39),
    # 15-19 Dec (44), [Christmas], 5-9 Jan (49), Mon 12 Jan 2026 is day 50.
    closures = (
        DateRange(date(2025, 10, 27), date(2025, 10, 31)),
        DateRange(date(2025, 12, 22), date(2026, 1, 2)),
    )
    result = run(
        timelines,
        "exclusion-review",
        board_notified=date(2025, 10, 13),
        short_suspension=True,
        school_closures=closures,
        board_decision=date(2025, 11, 10),  # ignored: no IRP after a suspension
    )
    assert dates(result) == {"board-meeting-short-suspension": date(2026, 1, 12)}
    short = event(result, "board-meeting-short-suspension")
    assert not short.is_estimate
    assert short.source.status == "S"
    assert "24(1)(c)" in short.source.cite
    assert short.source.url == "https://www.stockport.gov.uk/exclusion-from-school/review-procedures"
    assert "make representations" in short.note
    assert "5 school days or fewer" in short.note
    assert "cannot order your child back" in short.note
    # Only the half term given: the Christmas weekdays 22-24 and 29-31 Dec count as school
    # days (25-26 Dec are bank holidays), so day 50 is Wed 31 Dec 2025.
    half_term_only = run(
        timelines,
        "exclusion-review",
        board_notified=date(2025, 10, 13),
        short_suspension=True,
        school_closures=closures[:1],
    )
    assert dates(half_term_only) == {"board-meeting-short-suspension": date(2025, 12, 31)}


def test_exclusion_review_short_suspension_no_keeps_the_15_day_route(timelines: dict[str, Timeline]) -> None:
    half_term = (DateRange(date(2025, 10, 27), date(2025, 10, 31)),)
    for answer in (False, None):
        result = run(
            timelines,
            "exclusion-review",
            board_notified=date(2025, 10, 13),
            short_suspension=answer,
            school_closures=half_term,
            board_decision=date(2025, 11, 10),
        )
        assert dates(result) == {"board-meeting": date(2025, 11, 10), "irp-application": date(2025, 12, 1)}


def test_exclusion_review_short_suspension_without_a_calendar_is_an_estimate(timelines: dict[str, Timeline]) -> None:
    # Mon-Fri less bank holidays only, from Mon 2 Mar 2026 (day left out): 3-6 Mar (4),
    # 9-27 Mar (19), 30 Mar-2 Apr (23; Good Friday 3 Apr), 7-10 Apr (27; Easter Monday),
    # 13 Apr-1 May (42), 5-8 May (46; Early May bank holiday 4 May), 11-14 May (50).
    result = run(timelines, "exclusion-review", board_notified=date(2026, 3, 2), short_suspension=True)
    short = event(result, "board-meeting-short-suspension")
    assert (short.date, short.is_estimate) == (date(2026, 5, 14), True)
    assert "INSET" in short.note
    assert [e.id for e in result.events] == ["board-meeting-short-suspension"]


# --- discrimination-claim ----------------------------------------------------------------


def test_discrimination_claim(timelines: dict[str, Timeline]) -> None:
    # EqA Sch 17 para 4(1): "6 months starting with the date of the conduct": 10 Mar gives
    # 9 Sep. No Christmas/August extension (rule 12(3) amended in 2020).
    result = run(timelines, "discrimination-claim", conduct_date=date(2026, 3, 10))
    assert dates(result) == {"claim-deadline": date(2026, 9, 9)}
    assert "no mediation certificate" in result.events[0].note
    christmas = run(timelines, "discrimination-claim", conduct_date=date(2026, 7, 1))
    assert christmas.events[0].date == date(2026, 12, 31)
    month_end = run(timelines, "discrimination-claim", conduct_date=date(2026, 8, 31))
    assert month_end.events[0].date == date(2027, 2, 27)
