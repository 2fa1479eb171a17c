"""Reading a council's letter: kind and date from the patterns in knowledge/, on sample
letters written for these tests (tests/fixtures/case_letters)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sendbot.case.events import EventKind
from sendbot.case.reader import LetterPatterns, load_patterns, pdf_text, read_letter, reads_as_letter

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "tests" / "fixtures" / "case_letters"
TODAY = date(2026, 12, 2)

EXPECTED: dict[str, tuple[str | None, date | None]] = {
    "refusal-dated": ("refusal-to-assess", date(2026, 4, 14)),
    "refusal-undated": ("refusal-to-assess", None),
    "no-plan-dated": ("no-plan-decision", date(2026, 6, 19)),
    "no-plan-undated": ("no-plan-decision", None),
    "draft-dated": ("draft-plan", date(2026, 6, 1)),
    "draft-undated": ("draft-plan", None),
    "final-dated": ("final-plan", date(2026, 7, 21)),
    "final-two-dates": ("final-plan", None),  # two different dates stand alone: ask, don't guess
    "amendment-dated": ("amendment-notice", date(2026, 11, 2)),
    "amendment-undated": ("amendment-notice", None),
    "cease-dated": ("decision-to-cease", date(2026, 9, 10)),
    "cease-undated": ("decision-to-cease", None),
    "exclusion-dated": ("exclusion-notice", date(2026, 11, 2)),
    "exclusion-undated": ("exclusion-notice", None),
    "unrelated": (None, date(2026, 9, 3)),
}


@pytest.fixture(scope="module")
def patterns() -> LetterPatterns:
    loaded, problems = load_patterns(ROOT / "knowledge" / "letter-patterns.yaml")
    assert problems == [] and loaded is not None
    return loaded


def test_every_sample_has_an_expectation() -> None:
    assert {path.stem for path in LETTERS.glob("*.txt")} == set(EXPECTED)
    assert len(EXPECTED) >= 12


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_letter(patterns: LetterPatterns, name: str) -> None:
    kind, day = EXPECTED[name]
    reading = read_letter((LETTERS / f"{name}.txt").read_text(encoding="utf-8"), patterns, TODAY)
    assert (reading.kind.id if reading.kind else None) == kind
    assert reading.date == day


def test_kinds_offer_the_matching_event(patterns: LetterPatterns) -> None:
    events = {kind.id: kind.event for kind in patterns.kinds}
    assert events["refusal-to-assess"] is EventKind.ASSESSMENT_REFUSED
    assert events["no-plan-decision"] is EventKind.NO_PLAN_DECISION
    assert events["draft-plan"] is EventKind.DRAFT_PLAN_RECEIVED
    assert events["final-plan"] is EventKind.FINAL_PLAN_RECEIVED
    assert events["exclusion-notice"] is EventKind.EXCLUSION


def test_a_future_date_is_not_the_letter_date(patterns: LetterPatterns) -> None:
    reading = read_letter("Date: 3 March 2027\nWe have decided not to assess.", patterns, TODAY)
    assert reading.kind is not None and reading.date is None


def test_broken_pattern_reports_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "letter-patterns.yaml"
    path.write_text(
        "reviewed: 2026-12-02\ndate_labels: [date]\nkinds:\n  - id: x\n    event: nope\n    says: S\n"
        "    any: ['(unclosed']\n",
        encoding="utf-8",
    )
    loaded, problems = load_patterns(path)
    assert loaded is None
    text = [str(p) for p in problems]
    assert any(":5: kind 'x': unknown event 'nope'" in p for p in text)
    assert any(":7: kind 'x': pattern '(unclosed' is not a regular expression" in p for p in text)


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with a text layer, built by hand (no PDF writer needed in tests)."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_a_pdf_letter_is_read(patterns: LetterPatterns) -> None:
    text = pdf_text(minimal_pdf(["Date: 14 April 2026", "The panel has decided not to assess your child."]))
    reading = read_letter(text, patterns, TODAY)
    assert reading.kind is not None and reading.kind.id == "refusal-to-assess"
    assert reading.date == date(2026, 4, 14)


def test_every_sample_letter_reads_as_a_letter(patterns: LetterPatterns) -> None:
    for path in sorted(LETTERS.glob("*.txt")):
        assert reads_as_letter(path.read_text(encoding="utf-8"), patterns), path.name


@pytest.mark.parametrize(
    "story",
    [
        "weve just been sent DD's first draft plan and it reads like a different child. section F is all "
        "'access to'. what can i do, how long do i have to reply",
        "Our son was permanently excluded in March after a meltdown. We went to the governors. Can we ask "
        "for an independent review panel?",
        "my 9 year old has had the amendment notice from the council and they want to cut his hours",
    ],
)
def test_a_parents_story_that_names_a_letter_is_not_read_as_one(patterns: LetterPatterns, story: str) -> None:
    """Before stop 41, 324 stories of the eval set were read as pasted letters and got no answer."""
    assert not reads_as_letter(story, patterns)
    assert reads_as_letter("Dear parent, my son's school ... Yours sincerely", patterns)  # a letter's sign wins
