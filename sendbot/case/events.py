"""The things a family records in its case, and how they map onto the existing timelines.

A case event is a fact with a date ("the council received our request on 3 March 2026").
Each event either starts a clock (it becomes an input of a timeline in
``knowledge/timelines``) or meets a statutory date (a step of a timeline), or both. The
deadline arithmetic itself stays in ``sendbot.deadlines``: this module only says which
event feeds which input and which event meets which step."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sendbot._types import N_


class EventKind(str, Enum):
    """Event ids, as typed on the command line and stored in the database."""

    ASSESSMENT_REQUESTED = "assessment-requested"
    ASSESSMENT_DECISION = "assessment-decision"
    ASSESSMENT_REFUSED = "assessment-refused"
    NO_PLAN_DECISION = "no-plan-decision"
    DRAFT_PLAN_RECEIVED = "draft-plan-received"
    FINAL_PLAN_RECEIVED = "final-plan-received"
    ANNUAL_REVIEW_MEETING = "annual-review-meeting"
    REVIEW_DECISION_RECEIVED = "review-decision-received"
    DECISION_LETTER = "decision-letter"
    MEDIATION_CERTIFICATE = "mediation-certificate"
    APPEAL_LODGED = "appeal-lodged"
    EXCLUSION = "exclusion"


class Duty(str, Enum):
    """Who has to act by a statutory date."""

    COUNCIL = "council"
    PARENT = "parent"
    OTHER = "other"


@dataclass(frozen=True)
class EventSpec:
    kind: EventKind
    label: str  # "The council received the request for an EHC needs assessment"
    may_be_future: bool = False  # only a planned meeting can be in the future
    not_before: tuple[EventKind, ...] = ()  # cannot be earlier than the latest of these


E = EventKind

EVENT_SPECS: dict[EventKind, EventSpec] = {
    spec.kind: spec
    for spec in (
        EventSpec(E.ASSESSMENT_REQUESTED, N_("The council received the request for an EHC needs assessment")),
        EventSpec(
            E.ASSESSMENT_DECISION,
            N_("The council said it will carry out an EHC needs assessment"),
            False,
            (E.ASSESSMENT_REQUESTED,),
        ),
        EventSpec(
            E.ASSESSMENT_REFUSED,
            N_("The council refused to carry out an EHC needs assessment"),
            False,
            (E.ASSESSMENT_REQUESTED,),
        ),
        EventSpec(
            E.NO_PLAN_DECISION, N_("The council decided not to issue an EHC plan"), False, (E.ASSESSMENT_REQUESTED,)
        ),
        EventSpec(E.DRAFT_PLAN_RECEIVED, N_("The draft EHC plan was sent to you"), False, (E.ASSESSMENT_REQUESTED,)),
        EventSpec(E.FINAL_PLAN_RECEIVED, N_("The final EHC plan was issued"), False, (E.ASSESSMENT_REQUESTED,)),
        EventSpec(E.ANNUAL_REVIEW_MEETING, N_("Annual review meeting"), True),
        EventSpec(
            E.REVIEW_DECISION_RECEIVED,
            N_("The council's decision after the annual review was sent"),
            False,
            (E.ANNUAL_REVIEW_MEETING,),
        ),
        EventSpec(E.DECISION_LETTER, N_("A council decision you can appeal was sent")),
        EventSpec(E.MEDIATION_CERTIFICATE, N_("The mediation certificate was issued")),
        EventSpec(E.APPEAL_LODGED, N_("The appeal was sent to the SEND Tribunal")),
        EventSpec(E.EXCLUSION, N_("Your child was excluded from school (the exclusion letter)")),
    )
}


@dataclass(frozen=True)
class InputFeed:
    """A timeline input given by the latest recorded event of these kinds."""

    timeline: str
    input: str
    kinds: tuple[EventKind, ...]


# Which events give each timeline input. A timeline is worked out for a case only when its
# first (required) input has an event.
INPUT_FEEDS: tuple[InputFeed, ...] = (
    InputFeed("ehc-assessment", "request_received", (E.ASSESSMENT_REQUESTED,)),
    InputFeed("ehc-assessment", "draft_sent", (E.DRAFT_PLAN_RECEIVED,)),
    InputFeed("annual-review", "last_reviewed", (E.FINAL_PLAN_RECEIVED, E.REVIEW_DECISION_RECEIVED)),
    InputFeed("annual-review", "meeting", (E.ANNUAL_REVIEW_MEETING,)),
    InputFeed(
        "tribunal-appeal",
        "decision_letter",
        (E.ASSESSMENT_REFUSED, E.NO_PLAN_DECISION, E.FINAL_PLAN_RECEIVED, E.DECISION_LETTER),
    ),
    InputFeed("tribunal-appeal", "certificate", (E.MEDIATION_CERTIFICATE,)),
    InputFeed("exclusion-review", "board_notified", (E.EXCLUSION,)),
)


@dataclass(frozen=True)
class StepRule:
    """How a case follows one timeline step.

    ``met_by``: events that show the date was met (recorded on or after the date of the
    ``since`` input, strictly after when the same kind of event set that input).
    ``void_by``: events that end the process the step belongs to (a refusal to assess
    means no final plan is due). ``can_miss``: a passed date with no meeting event is
    ``missed``; otherwise such a date is simply left out of the case's dates.
    ``ask``/``yes_event``/``letter``: the missed-deadline watch question, the event a
    "Yes" records, and the letter offered on "Not yet"."""

    key: str  # "timeline-id/step-id"
    met_by: frozenset[EventKind] = frozenset()
    since: str | None = None
    void_by: frozenset[EventKind] = frozenset()
    can_miss: bool = False
    ask: str = ""  # "... by {date} ... Did it?"
    yes_event: EventKind | None = None
    letter: str | None = None

    @property
    def timeline(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def step(self) -> str:
        return self.key.split("/", 1)[1]


STEP_RULES: dict[str, StepRule] = {
    rule.key: rule
    for rule in (
        StepRule(
            "ehc-assessment/decision-to-assess",
            met_by=frozenset(
                {
                    E.ASSESSMENT_DECISION,
                    E.ASSESSMENT_REFUSED,
                    E.NO_PLAN_DECISION,
                    E.DRAFT_PLAN_RECEIVED,
                    E.FINAL_PLAN_RECEIVED,
                }
            ),
            since="request_received",
            can_miss=True,
            ask=N_("The council had to tell you by {date} whether it will assess your child. Did it?"),
            yes_event=E.ASSESSMENT_DECISION,
            letter="chase-assessment-decision",
        ),
        StepRule(
            "ehc-assessment/no-plan-decision",
            met_by=frozenset({E.NO_PLAN_DECISION, E.DRAFT_PLAN_RECEIVED, E.FINAL_PLAN_RECEIVED}),
            since="request_received",
            void_by=frozenset({E.ASSESSMENT_REFUSED}),
        ),
        StepRule(
            "ehc-assessment/draft-comments",
            void_by=frozenset({E.FINAL_PLAN_RECEIVED, E.ASSESSMENT_REFUSED, E.NO_PLAN_DECISION}),
        ),
        StepRule(
            "ehc-assessment/final-plan",
            met_by=frozenset({E.FINAL_PLAN_RECEIVED}),
            since="request_received",
            void_by=frozenset({E.ASSESSMENT_REFUSED, E.NO_PLAN_DECISION}),
            can_miss=True,
            ask=N_("The council had to issue the final EHC plan by {date}. Did it?"),
            yes_event=E.FINAL_PLAN_RECEIVED,
            letter="complain-20-weeks",
        ),
        StepRule(
            "annual-review/next-review",
            met_by=frozenset({E.REVIEW_DECISION_RECEIVED}),
            since="last_reviewed",
            can_miss=True,
            ask=N_("The council had to finish the annual review of the EHC plan by {date}. Did it?"),
            yes_event=E.REVIEW_DECISION_RECEIVED,
            letter="early-review",
        ),
        StepRule(
            "annual-review/review-decision",
            met_by=frozenset({E.REVIEW_DECISION_RECEIVED}),
            since="meeting",
            can_miss=True,
            ask=N_("The council had to tell you its decision after the annual review meeting by {date}. Did it?"),
            yes_event=E.REVIEW_DECISION_RECEIVED,
            letter="chase-review-decision",
        ),
        StepRule(
            "tribunal-appeal/contact-mediation-adviser",
            met_by=frozenset({E.MEDIATION_CERTIFICATE, E.APPEAL_LODGED}),
            since="decision_letter",
        ),
        StepRule(
            "tribunal-appeal/appeal-deadline",
            met_by=frozenset({E.APPEAL_LODGED}),
            since="decision_letter",
            can_miss=True,
        ),
    )
}


def parse_event(text: str) -> EventKind | None:
    """The event with this id (case and surrounding spaces ignored), or None."""
    wanted = text.strip().lower()
    return next((kind for kind in EventKind if kind.value == wanted), None)


def rule_for(timeline_id: str, step_id: str) -> StepRule:
    """The case rule of a step; a step without one is shown while it is ahead only."""
    key = f"{timeline_id}/{step_id}"
    return STEP_RULES.get(key, StepRule(key))
