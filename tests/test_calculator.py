"""The deadline calculator and reminders through the conversation core, with a real SQLite
store, the real timelines and a clock the tests set."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from icalendar import Calendar

from sendbot.channels.terminal import run_terminal
from sendbot.clock import LONDON
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.presenter import source_link
from sendbot.conversation.replies import Button, ButtonIn, Reply, TextIn
from sendbot.deadlines import Timeline, calculate, check_entry_links, load_timelines
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.store.base import Store
from tests.conftest import KB_SMALL, LOCALES, ROOT

CHAT = 4242
STALE = "no longer works"
TIMELINES, _PROBLEMS = load_timelines()
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)  # "today" is 10 March 2026


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def conv(store: Store, clock: Clock) -> Conversation:
    return Conversation(load_knowledge(KB_SMALL), store, I18n(LOCALES), clock=clock, timelines=TIMELINES)


def say(conv: Conversation, text: str) -> list[Reply]:
    return conv.handle(CHAT, TextIn(text))


def press(conv: Conversation, data: str) -> list[Reply]:
    return conv.handle(CHAT, ButtonIn(data))


def buttons(replies: Iterable[Reply]) -> list[Button]:
    return [button for reply in replies for row in reply.buttons for button in row]


def data_of(replies: Iterable[Reply]) -> list[str]:
    return [button.data for button in buttons(replies)]


def answers_kept(conv: Conversation) -> dict[str, object]:
    calc = conv.store.load_chat(CHAT).calc
    assert calc is not None
    return dict(calc.answers)


def asking(conv: Conversation) -> str | None:
    calc = conv.store.load_chat(CHAT).calc
    return calc.asking if calc else None


def run_to_result(conv: Conversation, timeline: Timeline, first: str) -> tuple[list[str], Reply]:
    """Start ``timeline``, answer the first question with ``first`` and skip (or say no to)
    the rest; return the questions asked and the result."""
    replies = press(conv, f"timeline:{timeline.id}")
    asked = []
    answer = first
    while (name := asking(conv)) is not None:
        asked.append(name)
        spec = timeline.input(name)
        if answer:
            replies = say(conv, answer)
            answer = ""
        elif spec.kind == "bool":
            replies = press(conv, f"yesno:{name}:0")
        else:
            replies = press(conv, f"skip:{name}")
    [result] = replies
    return asked, result


# --- choosing and running ---------------------------------------------------------------------


def test_deadlines_lists_every_timeline(conv: Conversation) -> None:
    [reply] = say(conv, "/deadlines")
    assert "Which process" in reply.text
    ordered = sorted(TIMELINES.values(), key=lambda t: (t.order, t.title))
    assert data_of([reply]) == [f"timeline:{t.id}:here" for t in ordered]  # the list becomes the question
    assert [t.id for t in ordered][:3] == ["ehc-assessment", "annual-review", "tribunal-appeal"]  # commonest first


def test_help_lists_the_calculator_commands(conv: Conversation) -> None:
    [reply] = say(conv, "/help")
    assert "/deadlines" in reply.text and "/reminders" in reply.text and "/cancel" in reply.text


def test_the_real_timelines_load_and_link_to_real_entries() -> None:
    assert _PROBLEMS == []
    assert check_entry_links(TIMELINES, load_knowledge(ROOT / "knowledge").entries) == []


@pytest.mark.parametrize("timeline_id", sorted(TIMELINES))
def test_every_timeline_runs_to_a_result(conv: Conversation, timeline_id: str) -> None:
    timeline = TIMELINES[timeline_id]
    first = "2027" if timeline.main_input.kind == "year" else "2 February 2026"
    asked, result = run_to_result(conv, timeline, first)
    assert asked == [spec.name for spec in timeline.inputs]  # each is used by some step
    assert result.title == timeline.title
    assert "Here are your dates, worked out on 10 March 2026:" in result.text
    assert "not legal advice" in result.text
    assert f"ics:{timeline.id}" in data_of([result])
    [why] = press(conv, f"notes:{timeline.id}")
    assert why.kind == "edit" and why.foot is not None and why.foot.links
    assert data_of([result])[-1] == "timeline"
    calc = conv.store.load_chat(CHAT).calc
    assert calc is not None and calc.timeline == timeline.id and calc.asking is None  # kept for the buttons


def test_the_result_lists_dates_passed_marks_sources_and_what_to_do(conv: Conversation) -> None:
    press(conv, "timeline:annual-review")
    say(conv, "13/3/2025")
    say(conv, "2 March 2026")
    press(conv, "skip:amendments_sent")
    press(conv, "yesno:under_5:0")
    [result] = press(conv, "notes:annual-review")
    answers = {"last_reviewed": date(2025, 3, 13), "meeting": date(2026, 3, 2)}
    expected = calculate(TIMELINES["annual-review"], answers, date(2026, 3, 10))
    assert {event.passed for event in expected.dated_events} == {True, False}
    for event in expected.dated_events:
        assert event.date is not None
        line = f"• {event.date.day} {event.date:%B %Y} – {event.label}"
        assert line + (" (passed)" if event.passed else "") in result.text
        assert result.foot is not None and source_link(event.source) in result.foot.links
    first_passed = next(event for event in expected.dated_events if event.passed)
    assert result.text.count("If a date is missed:") == 1
    assert f"If a date is missed: {first_passed.if_missed}" in result.text
    assert "⏰ Remind me" in [b.label for b in buttons([result])]
    for event in expected.events:
        assert event.note in result.text  # whole, never cut mid-sentence


def test_notes_are_whole_and_the_full_notes_open_in_place(conv: Conversation) -> None:
    press(conv, "timeline:ehc-assessment")
    say(conv, "2 February 2026")
    [result] = press(conv, "skip:draft_sent")
    assert result.kind == "edit"  # the question became the result
    assert "More dates need more answers" not in result.text
    assert "Not dated yet (I need another answer for these):" in result.text
    assert len(result.text) < 1200  # the dates at a glance; the reasons one tap away
    [full] = press(conv, "notes:ehc-assessment")
    assert full.kind == "edit" and len(full.text) > len(result.text)
    assert "notes:ehc-assessment" not in data_of([full])


def test_the_opening_question_comes_with_the_summary_and_buttons(conv: Conversation) -> None:
    [reply] = press(conv, "timeline:annual-review")
    timeline = TIMELINES["annual-review"]
    assert reply.title == timeline.title
    assert timeline.summary in reply.text and timeline.main_input.prompt in reply.text
    assert "/cancel" in reply.text
    assert data_of([reply]) == ["calendar:last_reviewed:2026-03", "cancel"]  # required: no Skip


def test_optional_questions_offer_skip_and_yes_no(conv: Conversation) -> None:
    press(conv, "timeline:annual-review")
    [meeting] = say(conv, "13/3/2025")
    assert "skip:meeting" in data_of([meeting])
    press(conv, "skip:meeting")
    assert asking(conv) == "amendments_sent"
    [under_5] = say(conv, "no")  # typed "no" skips an optional date too
    assert asking(conv) == "under_5"
    assert data_of([under_5]) == ["yesno:under_5:1", "yesno:under_5:0", "cancel"]  # Yes/No, no Skip
    assert "please answer yes or no" in say(conv, "maybe")[0].text
    assert asking(conv) == "under_5"
    [reply] = say(conv, "yes")
    assert "Under 5" in reply.text  # the only_if step is shown


def test_questions_are_asked_only_when_they_can_change_the_result(store: Store, clock: Clock, tmp_path: Path) -> None:
    folder = tmp_path / "timelines"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(
        textwrap.dedent("""\
        id: tiny
        title: A tiny timeline
        summary: For tests.
        trigger: A letter.
        reviewed: 2026-01-01
        inputs:
          - {name: letter, kind: date, required: true, cli: letter, prompt: Letter date?, help: the letter,
             not_after_today: true}
          - {name: had_meeting, kind: bool, required: false, cli: had-meeting, prompt: Was there a meeting?,
             help: a meeting was held}
          - {name: meeting, kind: date, required: false, cli: meeting, prompt: Meeting date?, help: the meeting}
        steps:
          - id: reply
            label: Reply due
            from: letter
            duration: 2
            unit: weeks
            who: The council
            source: {cite: A rule, url: "https://example.org", status: P}
            note: Two weeks.
            if_missed: Write to them.
          - id: minutes
            label: Minutes due
            only_if: had_meeting
            from: meeting
            duration: 1
            unit: weeks
            who: The council
            source: {cite: A rule, url: "https://example.org", status: P}
            note: One week.
            if_missed: Ask for them.
        """)
    )
    timelines, problems = load_timelines(folder)
    assert problems == []
    conv = Conversation(load_knowledge(KB_SMALL), store, I18n(LOCALES), clock=clock, timelines=timelines)
    asked, _result = run_to_result(conv, timelines["tiny"], "1 March 2026")
    assert asked == ["letter", "had_meeting"]  # no meeting, so its date is not asked
    press(conv, "timeline:tiny")
    say(conv, "1 March 2026")
    [question] = press(conv, "yesno:had_meeting:1")
    assert "Meeting date?" in question.text


# --- bad answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timeline_id", "answer", "reason"),
    [
        ("annual-review", "31/02/2025", "February 2025 has only 28 days"),
        ("annual-review", "1 April 2026", "1 April 2026 is in the future"),
        ("annual-review", "1 January 1990", "too long ago"),
        ("annual-review", "next week sometime", "could not read"),
        ("phase-transfer", "1999", "too long ago"),
    ],
)
def test_a_bad_first_answer_is_refused_with_the_reason_and_asked_again(
    conv: Conversation, timeline_id: str, answer: str, reason: str
) -> None:
    press(conv, f"timeline:{timeline_id}")
    [reply] = say(conv, answer)
    assert reply.text.startswith("Sorry, I can't use that:")
    assert reason in reply.text
    assert TIMELINES[timeline_id].main_input.prompt in reply.text
    assert "cancel" in data_of([reply])
    assert asking(conv) == TIMELINES[timeline_id].main_input.name


def test_a_date_too_far_ahead_is_refused(conv: Conversation) -> None:
    press(conv, "timeline:annual-review")
    say(conv, "13/3/2025")
    [reply] = say(conv, "1 January 2031")
    assert "too far ahead" in reply.text
    assert asking(conv) == "meeting"


def test_a_date_before_the_request_is_refused(conv: Conversation) -> None:
    press(conv, "timeline:tribunal-appeal")
    say(conv, "2 March 2026")
    [reply] = say(conv, "1 March 2026")
    assert "cannot be before" in reply.text
    assert asking(conv) == "certificate"
    [result] = say(conv, "3 March 2026")
    assert "Here are your dates" in result.text


def test_an_ambiguous_date_is_asked_about(conv: Conversation) -> None:
    press(conv, "timeline:annual-review")
    [reply] = say(conv, "3/13/2025")
    assert "Did you mean 13 March 2025?" in reply.text
    assert data_of([reply]) == ["reading:last_reviewed:2025-03-13", "reading:last_reviewed"]
    assert press(conv, "reading:last_reviewed:2025-03-14")[0].text.count(STALE) == 1  # not one of the readings
    [again] = press(conv, "reading:last_reviewed")
    assert TIMELINES["annual-review"].main_input.prompt in again.text
    say(conv, "3/4/2026")  # 3 April is in the future; 4 March is not: ask
    press(conv, "reading:last_reviewed:2026-03-04")
    assert asking(conv) == "meeting"
    assert answers_kept(conv)["last_reviewed"] == "2026-03-04"


def test_commands_still_work_while_a_question_is_open(conv: Conversation) -> None:
    press(conv, "timeline:annual-review")
    [reply] = say(conv, "/privacy")
    assert "What I keep" in reply.text
    assert asking(conv) == "last_reviewed"


def test_cancel_stops_the_calculator(conv: Conversation) -> None:
    press(conv, "timeline:annual-review")
    [reply] = say(conv, "/cancel")
    assert "stopped" in reply.text
    assert asking(conv) is None
    [answer] = say(conv, "how do I ask for an EHC needs assessment")
    assert answer.title == "How to ask for an EHC needs assessment"  # a question again, not an answer
    assert "nothing to cancel" in say(conv, "/cancel")[0].text
    press(conv, "timeline:annual-review")
    [button] = press(conv, "cancel")
    assert "stopped" in button.text


@pytest.mark.parametrize(
    "data",
    [
        "skip:meeting",
        "yesno:under_5:1",
        "calendar:meeting:2026-03",
        "reading:meeting:2026-03-01",
        "ics:annual-review",
        "remind:annual-review",
        "cancel",
        "timeline:no-such-timeline",
        "unremind:x",
        "calendar:last_reviewed:2026-13",
    ],
)
def test_stale_calculator_buttons_get_the_kind_reply(conv: Conversation, data: str) -> None:
    press(conv, "timeline:annual-review")  # waiting for last_reviewed; no result yet
    if data == "cancel":
        say(conv, "/cancel")
    [reply] = press(conv, data)
    assert STALE in reply.text


def test_result_buttons_of_another_timeline_are_stale(conv: Conversation) -> None:
    press(conv, "timeline:tribunal-appeal")
    say(conv, "2 March 2026")
    press(conv, "skip:certificate")
    assert STALE in press(conv, "ics:annual-review")[0].text
    assert press(conv, "ics:tribunal-appeal")[0].document is not None
    assert STALE in press(conv, "skip:required_answer")[0].text


def test_skip_is_refused_for_a_required_question(conv: Conversation) -> None:
    press(conv, "timeline:annual-review")
    assert STALE in press(conv, "skip:last_reviewed")[0].text
    assert asking(conv) == "last_reviewed"


# --- calendar picker ------------------------------------------------------------------------


def test_calendar_picker_shows_allowed_days_navigates_and_picks(conv: Conversation) -> None:
    press(conv, "timeline:annual-review")
    [march] = press(conv, "calendar:last_reviewed:2026-03")
    assert march.kind == "edit"
    assert "Choose a day in March 2026:" in march.text
    days = [b for b in buttons([march]) if b.label.isdigit()]
    assert [b.label for b in days] == [str(n) for n in range(1, 11)]  # not after today
    assert max(len(row) for row in march.buttons) == 7
    assert "calendar:last_reviewed:2026-02" in data_of([march])
    assert "calendar:last_reviewed:2026-04" not in data_of([march])
    [february] = press(conv, "calendar:last_reviewed:2026-02")
    assert len([b for b in buttons([february]) if b.label.isdigit()]) == 28
    assert "calendar:last_reviewed:2026-03" in data_of([february])
    [question] = press(conv, "calendar:last_reviewed:2026-02-14")
    assert asking(conv) == "meeting"
    assert "review meeting" in question.text
    assert answers_kept(conv)["last_reviewed"] == "2026-02-14"


def test_a_forged_calendar_day_gets_the_same_checks_as_typing(conv: Conversation) -> None:
    press(conv, "timeline:annual-review")
    [reply] = press(conv, "calendar:last_reviewed:2026-04-01")
    assert "is in the future" in reply.text
    assert asking(conv) == "last_reviewed"


# --- calendar file ----------------------------------------------------------------------------


def test_calendar_file_has_one_event_per_dated_event(conv: Conversation) -> None:
    press(conv, "timeline:ehc-assessment")
    say(conv, "2 February 2026")
    press(conv, "skip:draft_sent")
    [reply] = press(conv, "ics:ehc-assessment")
    assert reply.document is not None
    assert reply.document.filename == "ehc-assessment.ics"
    assert reply.document.mime_type == "text/calendar"
    expected = calculate(TIMELINES["ehc-assessment"], {"request_received": date(2026, 2, 2)}, date(2026, 3, 10))
    events = Calendar.from_ical(reply.document.content).walk("VEVENT")
    assert len(events) == len(expected.dated_events) > 0
    assert sorted(e.decoded("dtstart") for e in events) == sorted(e.date for e in expected.dated_events)
    assert f"with {len(events)} dates" in reply.text


# --- reminders --------------------------------------------------------------------------------


def finish_tribunal(conv: Conversation) -> Reply:
    press(conv, "timeline:tribunal-appeal")
    say(conv, "2 March 2026")
    [result] = press(conv, "skip:certificate")
    return result


def test_remind_me_sets_reminders_7_and_1_days_before_each_date_at_9(conv: Conversation) -> None:
    finish_tribunal(conv)
    [reply] = press(conv, "remind:tribunal-appeal")
    result = calculate(TIMELINES["tribunal-appeal"], {"decision_letter": date(2026, 3, 2)}, date(2026, 3, 10))
    expected = sorted(
        datetime.combine(event.date - timedelta(days=days), datetime.min.time().replace(hour=9), tzinfo=LONDON)
        for event in result.dated_events
        if event.date is not None
        for days in (7, 1)
        if datetime.combine(event.date - timedelta(days=days), datetime.min.time().replace(hour=9), tzinfo=LONDON) > NOW
    )
    pending = conv.store.pending_reminders(CHAT)
    assert [r.due_at for r in pending] == expected and expected
    assert f"send you {len(expected)} reminders" in reply.text
    for reminder in pending:
        assert reminder.text.startswith("⏰ Reminder: ")
        assert "Appeal to the SEND Tribunal" in reminder.text
    [again] = press(conv, "remind:tribunal-appeal")
    assert "already have these reminders" in again.text
    assert len(conv.store.pending_reminders(CHAT)) == len(expected)


def test_reminder_text_holds_nothing_the_parent_typed(conv: Conversation) -> None:
    press(conv, "timeline:tribunal-appeal")
    say(conv, "2nd March 2026 Zebedee")  # unreadable: not stored anywhere
    say(conv, "2nd March 2026")
    press(conv, "skip:certificate")
    press(conv, "remind:tribunal-appeal")
    texts = " ".join(r.text for r in conv.store.pending_reminders(CHAT))
    assert "Zebedee" not in texts and "2nd" not in texts


def test_reminders_are_listed_and_cancelled(conv: Conversation) -> None:
    assert "no reminders" in say(conv, "/reminders")[0].text
    finish_tribunal(conv)
    press(conv, "remind:tribunal-appeal")
    pending = conv.store.pending_reminders(CHAT)
    [listing] = say(conv, "/reminders")
    assert listing.text.startswith("Your reminders:")
    assert all(r.text.replace("\n", " – ") in listing.text for r in pending)
    assert data_of([listing]) == [f"unremind:{r.id}" for r in pending] + ["unremind:all"]
    notice, edited = press(conv, f"unremind:{pending[0].id}")
    assert notice.kind == "notice" and "cancelled" in notice.text
    assert edited.kind == "edit" and f"unremind:{pending[0].id}" not in data_of([edited])
    assert [r.id for r in conv.store.pending_reminders(CHAT)] == [r.id for r in pending[1:]]
    assert "already sent or cancelled" in press(conv, f"unremind:{pending[0].id}")[0].text
    notice, edited = press(conv, "unremind:all")
    assert "All your reminders" in notice.text and "no reminders" in edited.text
    assert conv.store.pending_reminders(CHAT) == []


def test_forget_deletes_reminders_and_the_calculator(conv: Conversation) -> None:
    finish_tribunal(conv)
    press(conv, "remind:tribunal-appeal")
    say(conv, "/forget")
    press(conv, "forget:yes")
    assert conv.store.pending_reminders(CHAT) == []
    assert conv.store.rows_about(CHAT) == 0
    assert STALE in press(conv, "remind:tribunal-appeal")[0].text


def test_no_reminders_when_every_date_has_passed(conv: Conversation) -> None:
    press(conv, "timeline:tribunal-appeal")
    say(conv, "2 March 2025")
    [result] = press(conv, "skip:certificate")
    assert "remind:tribunal-appeal" not in data_of([result])
    assert "far enough ahead" in press(conv, "remind:tribunal-appeal")[0].text


def test_due_reminders_are_given_once_then_deleted(conv: Conversation, clock: Clock) -> None:
    finish_tribunal(conv)
    press(conv, "remind:tribunal-appeal")
    first = conv.store.pending_reminders(CHAT)[0]
    assert conv.due_reminders(clock()) == []
    clock.now = first.due_at
    [(reminder, reply)] = conv.due_reminders(clock())
    assert reminder == first and reply.text == first.text
    conv.reminder_delivered(reminder)
    assert conv.due_reminders(clock()) == []


def test_the_terminal_shows_reminders_when_they_are_due(conv: Conversation, clock: Clock, tmp_path: Path) -> None:
    chat = 0
    conv.handle(chat, ButtonIn("timeline:tribunal-appeal"))
    conv.handle(chat, TextIn("2 March 2026"))
    conv.handle(chat, ButtonIn("skip:certificate"))
    conv.handle(chat, ButtonIn("remind:tribunal-appeal"))
    first = conv.store.pending_reminders(chat)[0]
    clock.now = first.due_at + timedelta(minutes=1)
    stdout = io.StringIO()
    run_terminal(conv, io.StringIO("/help\n"), stdout, chat_id=chat, files_dir=tmp_path)
    assert stdout.getvalue().count(first.text) == 1
    assert first not in conv.store.pending_reminders(chat)


# --- natural questions ------------------------------------------------------------------------


def test_a_date_question_on_a_linked_answer_offers_the_calculator(conv: Conversation) -> None:
    [reply] = say(conv, "the council refused to assess my child, what is the deadline to appeal")
    assert reply.title == "The council refused to assess"
    assert data_of([reply])[0] == "timeline:tribunal-appeal"
    assert buttons([reply])[0].label == "🗓 Work out my dates"
    [question] = press(conv, "timeline:tribunal-appeal")
    assert asking(conv) == "decision_letter" and question.title == "Appeal to the SEND Tribunal"


def test_a_question_not_about_dates_gets_no_calculator_button(conv: Conversation) -> None:
    [reply] = say(conv, "the council refused to assess my child")
    assert not any(d.startswith("timeline:") for d in data_of([reply]))


def test_the_real_knowledge_base_offers_the_annual_review_calculator(store: Store, clock: Clock) -> None:
    conv = Conversation(load_knowledge(ROOT / "knowledge"), store, I18n(LOCALES), clock=clock, timelines=TIMELINES)
    [reply] = say(conv, "when is my annual review due")
    assert "timeline:annual-review" in data_of([reply])


def test_check_reports_an_unknown_entry_id_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "annual-review.yaml"
    source = (ROOT / "knowledge" / "timelines" / "annual-review.yaml").read_text()
    path.write_text(source.replace("  - annual-review-due-date\n", "  - no-such-entry\n"))
    timelines, problems = load_timelines(tmp_path)
    assert problems == []
    [problem] = check_entry_links(timelines, load_knowledge(ROOT / "knowledge").entries)
    line = source.splitlines().index("  - annual-review-due-date") + 1
    assert (problem.file, problem.line) == (path, line)
    assert "no-such-entry" in str(problem)
