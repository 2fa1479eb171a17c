"""The daily missed-deadline watch (claim before send, exactly once across restarts), the
chat-side dialogue functions, and /forget erasing case rows."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from docx import Document

from sendbot.case import dialogue
from sendbot.case.data import CaseKnowledge, load_case_knowledge
from sendbot.case.events import EventKind
from sendbot.case.store import CaseStore
from sendbot.case.watch import due_watch, mark_sent
from sendbot.store.sqlite import SqliteStore as Store

ROOT = Path(__file__).resolve().parent.parent
CHAT = 4242
NOON = datetime(2026, 4, 15, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def knowledge() -> CaseKnowledge:
    return load_case_knowledge(ROOT / "knowledge")


@pytest.fixture
def cases(tmp_path: Path) -> CaseStore:
    store = CaseStore(tmp_path / "db.sqlite")
    yield store  # type: ignore[misc]
    store.close()


def requested(store: CaseStore) -> int:
    return store.add_event(CHAT, "S", EventKind.ASSESSMENT_REQUESTED, date(2026, 3, 3), date(2026, 3, 4)).id


def test_the_day_after_a_missed_date_asks_once(cases: CaseStore, knowledge: CaseKnowledge) -> None:
    requested(cases)
    assert due_watch(cases, date(2026, 4, 14), knowledge, now=NOON) == []  # the day itself: not yet late
    notices = due_watch(cases, date(2026, 4, 15), knowledge, now=NOON)
    assert [n.question() for n in notices] == [
        "The council had to tell you by 14 April 2026 whether it will assess your child. Did it?"
    ]
    assert notices[0].chat_id == CHAT and notices[0].letter == "chase-assessment-decision"
    mark_sent(cases, notices[0], NOON)
    assert due_watch(cases, date(2026, 4, 15), knowledge, now=NOON + timedelta(hours=1)) == []
    assert due_watch(cases, date(2026, 4, 16), knowledge, now=NOON + timedelta(days=1)) == []


def test_claim_crash_before_marking_rerun(tmp_path: Path, knowledge: CaseKnowledge) -> None:
    path = tmp_path / "db.sqlite"
    first = CaseStore(path)
    requested(first)
    claimed = due_watch(first, date(2026, 4, 15), knowledge, now=NOON)
    assert len(claimed) == 1
    first.close()  # the process dies after claiming, before sending or marking

    second = CaseStore(path)  # a restart
    # Within the lease another job (or the same tick run twice) gets nothing: no duplicate.
    assert due_watch(second, date(2026, 4, 15), knowledge, now=NOON + timedelta(minutes=1)) == []
    # After the lease the unsent notice is offered again, exactly once.
    again = due_watch(second, date(2026, 4, 15), knowledge, now=NOON + timedelta(minutes=11))
    assert [(n.case_id, n.step, n.due) for n in again] == [(c.case_id, c.step, c.due) for c in claimed]
    mark_sent(second, again[0], NOON + timedelta(minutes=11))
    assert due_watch(second, date(2026, 4, 16), knowledge, now=NOON + timedelta(days=1)) == []
    assert [row[3] is not None for row in second.watch_rows()] == [True]
    second.close()


def test_recorded_decision_means_no_notice(cases: CaseStore, knowledge: CaseKnowledge) -> None:
    requested(cases)
    cases.add_event(CHAT, "S", EventKind.ASSESSMENT_DECISION, date(2026, 4, 10), date(2026, 4, 10))
    assert due_watch(cases, date(2026, 4, 15), knowledge, now=NOON) == []


def test_watch_yes_and_not_yet(cases: CaseStore, knowledge: CaseKnowledge) -> None:
    requested(cases)
    notice = due_watch(cases, date(2026, 4, 15), knowledge, now=NOON)[0]
    reply = dialogue.watch_reply(notice)
    ((yes, not_yet),) = reply.buttons
    assert not_yet.data.split(":") == ["case-no", str(notice.case_id), "ehc-assessment/decision-to-assess"]
    assert yes.label == "Yes, on ..."
    replies = dialogue.watch_not_yet(cases, CHAT, notice.case_id, notice.step, date(2026, 4, 15), knowledge)
    assert "What the law says" in replies[0].text and "regulation 5(1)" in replies[0].text
    assert "14 April 2026" in replies[1].text and "3 March 2026" in replies[1].text
    document = replies[2].document
    assert document is not None and document.filename == "chase-assessment-decision.docx"
    assert "14 April 2026" in "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
    # Another chat cannot use this case's buttons.
    assert (
        dialogue.watch_not_yet(cases, 1, notice.case_id, notice.step, date(2026, 4, 15), knowledge)[0].kind == "notice"
    )
    assert dialogue.watch_yes_event(cases, CHAT, notice.case_id, notice.step) is EventKind.ASSESSMENT_DECISION
    assert dialogue.watch_yes_event(cases, 1, notice.case_id, notice.step) is None


def test_dialogue_menu_add_and_read(cases: CaseStore, knowledge: CaseKnowledge) -> None:
    menu = dialogue.case_menu(cases, CHAT, date(2026, 4, 20), knowledge)
    assert len(menu) == 1 and len(menu[0].buttons) == 12
    bad = dialogue.add_event(
        cases, CHAT, None, EventKind.ASSESSMENT_REQUESTED, "next Tuesday", date(2026, 4, 20), knowledge
    )
    assert not bad.added and bad.reply.text.startswith("I could not add that") and cases.case_names(CHAT) == []
    added = dialogue.add_event(
        cases, CHAT, None, EventKind.ASSESSMENT_REQUESTED, "3rd March", date(2026, 4, 20), knowledge
    )
    assert added.added and "Missed: The council tells you whether it will assess, 14 April 2026." in added.reply.text
    assert any(
        b.data.startswith("case-letter:") and b.data.endswith(":chase-assessment-decision")
        for (b,) in added.reply.buttons
    )
    read = dialogue.read_letter_reply(
        "Date: 21 July 2026\nThe final EHC plan is enclosed.", date(2026, 8, 1), knowledge
    )
    assert "final EHC plan" in read.text and read.buttons[0][0].data == "case-add:new:final-plan-received:2026-07-21"
    unknown = dialogue.read_letter_reply("Dear parent, the school trip is on Friday.", date(2026, 8, 1), knowledge)
    assert unknown.text.startswith("I did not recognise this letter") and not unknown.buttons


def test_export_and_chronology_files(cases: CaseStore, knowledge: CaseKnowledge) -> None:
    case_id = requested(cases)
    exported = dialogue.export(cases, CHAT, date(2026, 4, 20), knowledge)
    assert '"event": "assessment-requested"' in exported[1].document.content.decode()  # type: ignore[union-attr]
    assert "3 March 2026" in exported[0].document.content.decode()  # type: ignore[union-attr]
    files = [
        r.document.filename
        for r in dialogue.chronology_replies(cases, CHAT, case_id, date(2026, 4, 20), knowledge)
        if r.document
    ]
    assert files == ["chronology.docx", "case-dates.ics"]
    assert dialogue.confirm_delete(cases, CHAT, case_id).buttons[0][0].data == f"case-delete:{case_id}:yes"
    assert cases.case_names(CHAT) == ["S"]
    assert dialogue.delete_case(cases, CHAT, case_id).text.startswith("Deleted the case S")
    assert cases.rows_about(CHAT) == 0


def test_forget_erases_case_rows_with_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    store, cases = Store(path), CaseStore(path)
    case = cases.add_event(CHAT, "S", EventKind.ASSESSMENT_REQUESTED, date(2026, 3, 3), date(2026, 4, 20))
    cases.record_letter(case.id, "chase-assessment-decision", date(2026, 4, 20))
    cases.claim(case.id, "ehc-assessment/decision-to-assess", date(2026, 4, 14), NOON, 600)
    cases.add_event(99, "T", EventKind.EXCLUSION, date(2026, 3, 3), date(2026, 4, 20))
    assert store.rows_about(CHAT) == 4
    store.forget(CHAT)
    assert store.rows_about(CHAT) == 0 and cases.rows_about(CHAT) == 0
    assert cases.case_names(99) == ["T"]  # other chats untouched
    store.close()
    cases.close()


def test_forget_works_before_any_case_table_exists(tmp_path: Path) -> None:
    store = Store(tmp_path / "fresh.sqlite")
    store.forget(CHAT)
    assert store.rows_about(CHAT) == 0
    store.close()
