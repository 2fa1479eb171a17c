"""Letters: every template rendered for a sample case, no unfilled fields, .docx reopened,
and the loader's file:line problems."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from sendbot.case.data import CaseKnowledge, check_case_data, load_case_knowledge
from sendbot.case.events import EventKind
from sendbot.case.letters import BLANK, FIELDS, load_letter, render, to_docx, unfilled
from sendbot.case.store import Case, CaseEvent
from sendbot.case.timeline import case_timeline

ROOT = Path(__file__).resolve().parent.parent
E = EventKind
REQUIRED = {
    "request-assessment",
    "chase-assessment-decision",
    "complain-20-weeks",
    "draft-plan-comments",
    "early-review",
    "chase-review-decision",
    "mediation-certificate",
    "section-19-education",
    "section-f-provision",
}
PERSONAL = {
    "parent_name": "Alex Example",
    "child_name": "Sam",
    "council": "Derby City Council",
    "school": "Oak Lane Primary School",
    "provision": "weekly speech and language therapy",
}


@pytest.fixture(scope="module")
def knowledge() -> CaseKnowledge:
    return load_case_knowledge(ROOT / "knowledge")


def sample_case() -> Case:
    events = [
        (E.ASSESSMENT_REQUESTED, "2025-09-01"),
        (E.DRAFT_PLAN_RECEIVED, "2026-01-05"),
        (E.FINAL_PLAN_RECEIVED, "2026-02-20"),
        (E.ANNUAL_REVIEW_MEETING, "2026-10-01"),
        (E.EXCLUSION, "2026-11-02"),
    ]
    return Case(3, 9, "S", tuple(CaseEvent(i, k, date.fromisoformat(d)) for i, (k, d) in enumerate(events)))


def test_at_least_the_nine_letters(knowledge: CaseKnowledge) -> None:
    assert set(knowledge.letters) >= REQUIRED
    for letter in knowledge.letters.values():
        assert letter.reviewed == date(2026, 12, 2)
        assert letter.law and all("legislation.gov.uk" in law.url for law in letter.law)


@pytest.mark.parametrize("letter_id", sorted(REQUIRED))
def test_every_letter_renders_with_no_unfilled_field(knowledge: CaseKnowledge, letter_id: str) -> None:
    timeline = case_timeline(sample_case(), knowledge.timelines, date(2026, 12, 2))
    letter = render(knowledge.letters[letter_id], timeline, PERSONAL)
    assert unfilled(letter.text) == []
    assert "{" not in letter.text and "}" not in letter.text
    assert letter.text.startswith("2 December 2026")
    assert "Alex Example" in letter.text
    assert "legislation.gov.uk" in letter.text
    # Without names the blanks are clearly marked, still with no {field}.
    bare = render(knowledge.letters[letter_id], timeline, {})
    assert unfilled(bare.text) == []
    assert BLANK.format(FIELDS["parent_name"]) in bare.text
    assert "parent_name" in bare.blanks


def test_dates_in_words(knowledge: CaseKnowledge) -> None:
    events = (
        CaseEvent(1, E.ASSESSMENT_REQUESTED, date(2025, 9, 1)),
        CaseEvent(2, E.DRAFT_PLAN_RECEIVED, date(2026, 1, 5)),
    )
    timeline = case_timeline(Case(4, 9, "T", events), knowledge.timelines, date(2026, 1, 10))
    assert "draft-plan-comments" in [k for k, v in knowledge.letters.items() if v.fits.match(timeline)]
    text = render(knowledge.letters["draft-plan-comments"], timeline, PERSONAL).text
    assert "5 January 2026" in text and "19 January 2026" in text  # reg 13(1): 15 days starting with the 5th
    assert "Oak Lane Primary School" in text


def test_docx_reopens_with_the_same_text(knowledge: CaseKnowledge) -> None:
    timeline = case_timeline(sample_case(), knowledge.timelines, date(2026, 12, 2))
    letter = render(knowledge.letters["section-f-provision"], timeline, PERSONAL)
    document = Document(io.BytesIO(to_docx(letter)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "weekly speech and language therapy" in text
    assert "20 February 2026" in text
    assert letter.subject in text


def test_broken_letter_reports_file_line_and_fix(tmp_path: Path) -> None:
    letters = tmp_path / "letters"
    letters.mkdir()
    (letters / "bad.yaml").write_text(
        "id: bad\ntitle: T\nsummary: S\nfits:\n  events: [no-such-event]\nsubject: Re {child_name}\n"
        "text: Dear {councill}\nlaw:\n  - cite: X\n    url: https://example.org/x\nreviewed: 2026-12-02\n",
        encoding="utf-8",
    )
    letter, problems = load_letter(letters / "bad.yaml")
    assert letter is None
    rendered = [str(p) for p in problems]
    assert any(":5: fits.events: unknown event 'no-such-event'" in p for p in rendered)
    assert any(":7: 'text' uses unknown field {councill}" in p for p in rendered)
    assert any(":10: law url" in p and "(cite the primary text)" in p for p in rendered)
    assert [str(p) for p in check_case_data(tmp_path)] == rendered


def test_project_case_data_has_no_problems() -> None:
    assert check_case_data(ROOT / "knowledge") == []


def test_sendbot_check_reports_a_broken_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    from sendbot.channels.cli import main

    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "tests" / "fixtures" / "kb_small", knowledge)
    shutil.copytree(ROOT / "knowledge" / "letters", knowledge / "letters")
    broken = knowledge / "letters" / "complain-20-weeks.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("{final_plan_due}", "{final_due}"), encoding="utf-8")
    monkeypatch.setenv("SENDBOT_KNOWLEDGE", str(knowledge))
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert f"{broken}:19: 'text' uses unknown field {{final_due}} (use one of:" in out
