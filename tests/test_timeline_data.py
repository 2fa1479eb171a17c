"""The shipped timeline files load cleanly, and each broken fixture gives its problem.

Each file in fixtures/timelines_broken/ starts with ``# expect: <text>`` and marks the line
the problem must point at with ``# <- here``, so a fixture documents itself."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from sendbot.deadlines import DEFAULT_TIMELINES_DIR, load_timelines
from sendbot.deadlines.loader import load_timeline

BROKEN = Path(__file__).resolve().parent / "fixtures" / "timelines_broken"
EXPECTED_IDS = {
    "ehc-assessment",
    "annual-review",
    "phase-transfer",
    "tribunal-appeal",
    "mediation",
    "moving-council",
    "reassessment",
    "ceasing",
    "exclusion-review",
    "discrimination-claim",
}
RESEARCH_STATUSES = {"P", "CoP", "S"}


def test_shipped_timelines_load_without_problems() -> None:
    timelines, problems = load_timelines(DEFAULT_TIMELINES_DIR)
    assert [str(p) for p in problems] == []
    assert set(timelines) == EXPECTED_IDS


def test_every_shown_step_is_sourced_and_explained() -> None:
    timelines, _ = load_timelines(DEFAULT_TIMELINES_DIR)
    for timeline in timelines.values():
        assert timeline.reviewed <= date.today()
        assert timeline.main_input.required
        for spec in timeline.inputs:
            assert spec.prompt.endswith(("?", ".")), (timeline.id, spec.name)
        for step in timeline.steps:
            assert step.source.status in RESEARCH_STATUSES
            assert step.source.url.startswith("http")
            if step.show:
                assert step.label and step.who and step.note and step.if_missed, step.id


def test_same_option_has_the_same_kind_everywhere() -> None:
    timelines, _ = load_timelines(DEFAULT_TIMELINES_DIR)
    kinds: dict[str, str] = {}
    for timeline in timelines.values():
        for spec in timeline.inputs[1:]:
            assert kinds.setdefault(spec.cli, spec.kind) == spec.kind


def _expectation(path: Path) -> tuple[int, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    match = re.match(r"# expect: (.+)", lines[0])
    assert match, f"{path.name} has no '# expect:' first line"
    marked = [number for number, line in enumerate(lines, 1) if "# <- here" in line]
    assert len(marked) == 1, f"{path.name} must mark exactly one line with '# <- here'"
    return marked[0], match[1]


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.yaml")), ids=lambda p: p.stem)
def test_broken_fixture_reports_file_and_line(path: Path) -> None:
    line, text = _expectation(path)
    timeline, problems = load_timeline(path)
    assert timeline is None
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert (problem.file, problem.line) == (path, line)
    assert text in problem.message
    assert str(problem).startswith(f"{path}:{line}: ")
    assert problem.fix


def test_a_broken_file_does_not_hide_the_good_ones(tmp_path: Path) -> None:
    good = DEFAULT_TIMELINES_DIR / "discrimination-claim.yaml"
    (tmp_path / good.name).write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    broken = BROKEN / "bad-unit.yaml"
    (tmp_path / broken.name).write_text(broken.read_text(encoding="utf-8"), encoding="utf-8")
    timelines, problems = load_timelines(tmp_path)
    assert list(timelines) == ["discrimination-claim"]
    assert [p.file.name for p in problems] == ["bad-unit.yaml"]


def test_option_used_with_two_kinds_is_a_problem(tmp_path: Path) -> None:
    source = (DEFAULT_TIMELINES_DIR / "tribunal-appeal.yaml").read_text(encoding="utf-8")
    (tmp_path / "tribunal-appeal.yaml").write_text(source, encoding="utf-8")
    other = source.replace("id: tribunal-appeal", "id: other").replace(
        "    kind: date\n    required: false\n    cli: certificate",
        "    kind: count\n    required: false\n    cli: certificate",
    )
    (tmp_path / "other.yaml").write_text(other, encoding="utf-8")
    _, problems = load_timelines(tmp_path)
    assert any("--certificate is a" in p.message for p in problems), problems


def test_empty_directory_is_a_problem(tmp_path: Path) -> None:
    timelines, problems = load_timelines(tmp_path)
    assert timelines == {}
    assert "no timeline files" in problems[0].message


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("short_title: " + "x" * 41, "short_title has 41 characters"),
        ("order: first", "order 'first' is not a whole number"),
    ],
)
def test_short_title_and_order_are_checked(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "ceasing.yaml"
    text = (DEFAULT_TIMELINES_DIR / "ceasing.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^(short_title|order):.*\n", "", text, flags=re.M)
    path.write_text(text.replace("\nreviewed:", f"\n{line}\nreviewed:", 1), encoding="utf-8")
    timeline, problems = load_timeline(path)
    assert timeline is None
    [problem] = problems
    assert problem.line == text.split("\nreviewed:")[0].count("\n") + 2 and message in problem.message


def test_every_timeline_button_fits() -> None:
    timelines, _ = load_timelines()
    assert all(len(t.button_title) <= 40 for t in timelines.values())
