"""`sendbot check`-style validation: every broken fixture is reported at its exact file and line.

Each folder under tests/fixtures/broken/ is a copy of tests/fixtures/kb_small with ONE thing
broken. The expected line is computed from the fixture text, never hard-coded."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from sendbot.channels.cli import main
from sendbot.knowledge.loader import check_knowledge
from sendbot.knowledge.model import KnowledgeBase
from sendbot.knowledge.problems import Problem
from tests.conftest import KB_SMALL

FIXTURES = Path(__file__).resolve().parent / "fixtures"
BROKEN = FIXTURES / "broken"
PROJECT_ROOT = FIXTURES.parent.parent
PROBLEM_FORMAT = re.compile(r"^(?P<file>.+):(?P<line>\d+): (?P<message>.+) \((?P<fix>.+)\)$")


def line_containing(path: Path, needle: str, after: str | None = None) -> int:
    """The 1-based number of the only line of ``path`` that contains ``needle``; with ``after``,
    the first such line below the only line containing ``after``."""
    numbered = list(enumerate(path.read_text(encoding="utf-8").splitlines(), start=1))
    if after is not None:
        start = line_containing(path, after)
        return next(n for n, text in numbered if n > start and needle in text)
    lines = [n for n, text in numbered if needle in text]
    assert len(lines) == 1, f"{needle!r} should be on exactly one line of {path}, found {lines}"
    return lines[0]


@dataclass(frozen=True)
class Case:
    name: str  # folder under tests/fixtures/broken
    file: str  # the file the problem is reported in, relative to the fixture
    needle: str  # text on the line the problem must point at
    message: str  # a regular expression the message must match in full
    after: str | None = None  # the needle is the first one below the line holding this text
    errors: int = 1  # how many errors the one break causes

    def line(self) -> int:
        return line_containing(BROKEN / self.name / self.file, self.needle, self.after)


CASES = [
    Case(
        "yaml_syntax",
        "entries/ehc.yaml",
        "title: Derby SENDIASS: free advice",
        r"YAML syntax error: mapping values are not allowed.*",
    ),
    Case(
        "unknown_key", "entries/ehc.yaml", "anwser: |", r"entry 'ehc-request-how': unknown key 'anwser'", errors=2
    ),  # and: missing key 'answer'
    Case(
        "missing_key",
        "entries/ehc.yaml",
        "- id: contacts-derby-sendiass",
        r"entry 'contacts-derby-sendiass': missing key 'title'",
    ),
    Case(
        "wrong_type_questions",
        "entries/ehc.yaml",
        "questions: derby sendiass contact",
        r"entry 'contacts-derby-sendiass': questions must be a non-empty list",
    ),
    Case(
        "wrong_type_reviewed",
        "entries/ehc.yaml",
        "reviewed: [2026-11-22]",
        r"entry 'contacts-derby-sendiass': reviewed must be one date, not a list or mapping",
    ),
    Case(
        "duplicate_ids",
        "entries/more.yaml",
        "- id: contacts-derby-sendiass",
        r"duplicate id 'contacts-derby-sendiass' \(also at .*ehc\.yaml:\d+\)",
    ),
    Case(
        "related_nowhere",
        "entries/ehc.yaml",
        "- id: ehc-request-how",
        r"entry 'ehc-request-how': related id 'ehc-no-such-entry' points nowhere",
    ),
    Case("no_source", "entries/ehc.yaml", "sources: []", r"entry 'contacts-derby-sendiass' has no source"),
    Case(
        "invalid_date",
        "entries/ehc.yaml",
        "reviewed: 2026-02-30",
        r"entry 'contacts-derby-sendiass': reviewed '2026-02-30' is not a valid date",
    ),
    Case(
        "duplicate_key",
        "entries/ehc.yaml",
        "title: Derby SEND advice",
        r"entry 'contacts-derby-sendiass': key 'title' appears twice",
    ),
    Case(
        "too_few_questions",
        "entries/ehc.yaml",
        "questions:",
        r"entry 'contacts-derby-sendiass': only 4 question phrasing\(s\)",
        after="- id: contacts-derby-sendiass",
    ),
    Case("bad_contact_area", "contacts.yaml", "area: derbyshir", r"contact 'derby-sendiass': unknown area 'derbyshir'"),
    Case(
        "contact_source_not_url",
        "contacts.yaml",
        "source: sossen.org.uk",
        r"contact 'sossen': source must be the web page the details were read on",
    ),
    # Without areas, the derby contact and the derby entry name an unknown area too.
    Case("contact_areas_not_list", "contacts.yaml", "areas: derby", r"'areas' must be a list", errors=3),
    Case(
        "synonym_in_two_groups", "synonyms.yaml", "sendiass: [", r"'la' is a synonym of both 'council' and 'sendiass'"
    ),
]


def errors_of(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.warning]


def test_every_fixture_folder_has_a_case() -> None:
    assert sorted(d.name for d in BROKEN.iterdir() if d.is_dir()) == sorted(c.name for c in CASES)


def test_the_unbroken_fixture_is_clean() -> None:
    kb, problems = check_knowledge(FIXTURES / "kb_small")
    assert kb is not None
    assert errors_of(problems) == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_fixture_is_reported_at_its_line(case: Case) -> None:
    root = BROKEN / case.name
    path = root / case.file
    expected_line = case.line()

    kb, problems = check_knowledge(root)

    assert kb is None
    errors = errors_of(problems)
    assert errors, "a broken knowledge base must report at least one error"
    matching = [p for p in errors if re.fullmatch(case.message, p.message)]
    assert matching, f"no error matches {case.message!r}; got {[str(p) for p in errors]}"
    problem = matching[0]
    assert problem.file == path
    assert problem.line == expected_line
    assert problem.fix
    # Only the one thing broken is reported (and what follows from it, counted in the case).
    assert len(errors) == case.errors, [str(p) for p in errors]
    if case.errors == 1:
        assert errors == [problem]

    shown = str(problem)
    assert shown == f"{path}:{expected_line}: {problem.message} ({problem.fix})"
    parsed = PROBLEM_FORMAT.match(shown)
    assert parsed is not None
    assert parsed["file"] == str(path)
    assert int(parsed["line"]) == expected_line


def test_unknown_key_also_names_the_missing_key() -> None:
    root = BROKEN / "unknown_key"
    path = root / "entries" / "ehc.yaml"
    _kb, problems = check_knowledge(root)
    missing = [p for p in problems if p.message == "entry 'ehc-request-how': missing key 'answer'"]
    assert len(missing) == 1
    assert missing[0].line == line_containing(path, "- id: ehc-request-how")


def test_duplicate_id_names_the_first_place() -> None:
    root = BROKEN / "duplicate_ids"
    first = root / "entries" / "ehc.yaml"
    _kb, problems = check_knowledge(root)
    [problem] = [p for p in problems if p.message.startswith("duplicate id")]
    assert f"(also at {first}:{line_containing(first, '- id: contacts-derby-sendiass')})" in problem.message


def test_unknown_key_fix_lists_the_allowed_keys() -> None:
    _kb, problems = check_knowledge(BROKEN / "unknown_key")
    unknown = next(p for p in problems if "unknown key" in p.message)
    assert "answer" in unknown.fix
    assert "questions" in unknown.fix


def test_warnings_are_formatted_as_warnings(tmp_path: Path) -> None:
    problem = Problem(tmp_path / "x.yaml", 3, "something odd", "look at it", warning=True)
    assert str(problem) == f"{tmp_path / 'x.yaml'}:3: warning: something odd (look at it)"


# --- the command line -----------------------------------------------------------------------


def _env(knowledge: Path, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENDBOT_", "TELEGRAM_"))}
    env["SENDBOT_KNOWLEDGE"] = str(knowledge)
    env["SENDBOT_DB"] = str(db)
    return env


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.name in ("invalid_date", "yaml_syntax", "bad_contact_area")], ids=lambda c: c.name
)
def test_check_command_fails_and_prints_file_and_line(
    case: Case, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = BROKEN / case.name
    path = root / case.file
    monkeypatch.setenv("SENDBOT_KNOWLEDGE", str(root))
    monkeypatch.delenv("SENDBOT_LOCALES", raising=False)

    code = main(["check"])

    out = capsys.readouterr().out
    assert code != 0
    assert f"{path}:{case.line()}:" in out
    assert "1 error(s)." in out


def test_check_command_passes_on_the_small_fixture(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SENDBOT_KNOWLEDGE", str(FIXTURES / "kb_small"))
    monkeypatch.delenv("SENDBOT_LOCALES", raising=False)
    assert main(["check"]) == 0
    assert "OK: 4 entries, 2 areas, 2 contacts, 0 timelines." in capsys.readouterr().out


def test_check_command_as_a_process(tmp_path: Path) -> None:
    root = BROKEN / "duplicate_key"
    path = root / "entries" / "ehc.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "sendbot.channels.cli", "check"],
        env=_env(root, tmp_path / "db.sqlite"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    assert f"{path}:{line_containing(path, 'title: Derby SEND advice')}:" in done.stdout


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.name in ("invalid_date", "synonym_in_two_groups")], ids=lambda c: c.name
)
def test_bot_refuses_to_start_on_a_broken_knowledge_base(case: Case, tmp_path: Path) -> None:
    root = BROKEN / case.name
    path = root / case.file
    db = tmp_path / "db.sqlite"
    done = subprocess.run(
        [sys.executable, "-m", "sendbot.channels.cli", "chat"],
        env=_env(root, db),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert "SENDbot cannot start" in done.stderr
    assert f"{path}:{case.line()}:" in done.stderr
    problems = [p for p in check_knowledge(root)[1] if not p.warning]
    assert all(str(p) in done.stderr for p in problems)
    # It did not start: no greeting, and no database was opened.
    assert "SENDbot in your terminal" not in done.stdout
    assert "Hello" not in done.stdout
    assert not db.exists()


def test_urgent_words_must_point_to_an_entry(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    shutil.copytree(KB_SMALL, kb_dir)
    (kb_dir / "urgent.yaml").write_text(
        "urgent:\n  - id: crisis\n    entries: {national: no-such-entry}\n    words: [suicidal]\n", encoding="utf-8"
    )
    kb, problems = check_knowledge(kb_dir)
    assert kb is None
    assert any("entry 'no-such-entry' (national) does not exist" in p.message for p in problems)


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        ("out-of-scope.yaml", "topics: [a]\n", "'topics' must be a mapping"),
        ("urgent.yaml", "urgent: {a: 1}\n", "'urgent' must be a list"),
        ("out-of-scope.yaml", "topics:\n  medical:\n    reply: no\n", "topic 'medical': missing key 'questions'"),
        (
            "out-of-scope.yaml",
            "topics:\n  wales:\n    reply: Not here.\n    questions: [a]\n    places: cardiff\n",
            "topic 'wales': places must be a non-empty list",
        ),
        (
            "out-of-scope.yaml",
            "topics:\n  adults:\n    reply: Not here.\n    questions: [a]\n    ages_over: twenty five\n",
            "'ages_over' in topic 'adults' must be a whole number",
        ),
        (
            "out-of-scope.yaml",
            "topics:\n  adults:\n    reply: Not here.\n    questions: [a]\n    ages_over: 25\n    unless: school\n",
            "topic 'adults': unless must be a non-empty list",
        ),
        (
            "out-of-scope.yaml",
            "topics:\n  adults:\n    reply: Not here.\n    questions: [a]\n    adult_over: 18\n"
            "    adult_signs: care home\n",
            "topic 'adults': adult_signs must be a non-empty list",
        ),
    ],
)
def test_broken_safety_and_scope_files_are_reported(tmp_path: Path, file: str, text: str, message: str) -> None:
    kb_dir = tmp_path / "kb"
    shutil.copytree(KB_SMALL, kb_dir)
    (kb_dir / file).write_text(text, encoding="utf-8")
    kb, problems = check_knowledge(kb_dir)
    assert kb is None
    assert any(p.file == kb_dir / file and message in p.message for p in problems), problems


def test_the_adult_age_keeps_its_first_name(tmp_path: Path) -> None:
    """`left_education_over`, `adult_over`'s name in a1615a6 (stop40's questions were first asked of
    it), still reads, so that `benchmarks/calibrate.py` can load that commit's knowledge base."""
    kb_dir = tmp_path / "kb"
    shutil.copytree(KB_SMALL, kb_dir)
    topic = "topics:\n  adults:\n    reply: Not here.\n    questions: [a]\n    ages_over: 25\n"
    (kb_dir / "out-of-scope.yaml").write_text(topic + "    left_education_over: 18\n", encoding="utf-8")
    kb, problems = check_knowledge(kb_dir)
    assert kb is not None, problems
    assert kb.out_of_scope["adults"].adult_over == 18


def test_a_line_break_inside_a_paragraph_is_an_error(tmp_path: Path) -> None:
    """A phone shows a hard line break as a ragged line: paragraphs are folded text."""
    kb_dir = tmp_path / "kb"
    shutil.copytree(KB_SMALL, kb_dir)
    path = kb_dir / "entries" / "ehc.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("answer: >-", "answer: |", 1), encoding="utf-8")
    kb, problems = check_knowledge(kb_dir)
    assert kb is None
    [problem] = [p for p in problems if "line break inside a paragraph" in p.message]
    assert problem.file == path and "folded text" in problem.fix


def test_an_entry_reviewed_over_a_year_ago_is_a_warning() -> None:
    from datetime import date

    from sendbot.knowledge.loader import load_knowledge, stale_entries

    kb = load_knowledge(KB_SMALL)
    reviewed = min(e.reviewed for e in kb.entries.values())
    assert stale_entries(kb, reviewed.replace(year=reviewed.year + 1)) == []
    [*late] = stale_entries(kb, date(reviewed.year + 1, 12, 31))
    assert late and all(p.warning and "over 12 months ago" in p.message for p in late)


def test_a_short_title_over_40_characters_is_refused_at_its_line(tmp_path: Path) -> None:
    kb_dir = tmp_path / "kb"
    shutil.copytree(KB_SMALL, kb_dir)
    entries = kb_dir / "entries" / "ehc.yaml"
    text = entries.read_text(encoding="utf-8")
    title = "    title: How to ask for an EHC needs assessment\n"
    entries.write_text(text.replace(title, title + "    short_title: " + "x" * 41 + "\n", 1), encoding="utf-8")
    kb, problems = check_knowledge(kb_dir)
    assert kb is None
    [problem] = errors_of(problems)
    assert problem.line == line_containing(entries, "short_title:")
    assert "short_title (en) has 41 characters" in problem.message and "40" in problem.fix


def test_a_short_title_labels_the_buttons(full_kb: KnowledgeBase) -> None:
    entry = full_kb.entries["ehc-refused-assessment"]
    assert entry.button_title("en") == "Refused an assessment: appealing"
    assert all(len(e.button_title("en")) <= 40 for e in full_kb.entries.values())  # no label is cut
