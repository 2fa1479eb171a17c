"""Everything the case features read from ``knowledge/``: the timelines (the existing
deadline engine's data), the letters and the letter patterns, loaded and checked once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sendbot.case.letters import LetterTemplate, load_letters
from sendbot.case.reader import LetterPatterns, load_patterns
from sendbot.deadlines import Timeline, load_timelines
from sendbot.problems import DataError, Problem


@dataclass(frozen=True)
class CaseKnowledge:
    timelines: Mapping[str, Timeline]
    letters: Mapping[str, LetterTemplate]
    patterns: LetterPatterns


def check_case_data(knowledge_dir: Path) -> list[Problem]:
    """Problems in ``letters/*.yaml`` and ``letter-patterns.yaml``, for ``sendbot check``
    (a knowledge folder without them, such as a test fixture, has none to report)."""
    letters_dir, patterns_file = knowledge_dir / "letters", knowledge_dir / "letter-patterns.yaml"
    problems = load_letters(letters_dir)[1] if letters_dir.is_dir() else []
    return problems + (load_patterns(patterns_file)[1] if patterns_file.is_file() else [])


def load_case_knowledge(knowledge_dir: Path) -> CaseKnowledge:
    """Load all three; raise DataError with every problem when any file is broken."""
    timelines, problems = load_timelines(knowledge_dir / "timelines")
    letters, letter_problems = load_letters(knowledge_dir / "letters")
    patterns, pattern_problems = load_patterns(knowledge_dir / "letter-patterns.yaml")
    errors = [p for p in problems + letter_problems + pattern_problems if not p.warning]
    if errors or patterns is None:
        raise DataError(errors)
    return CaseKnowledge(timelines, letters, patterns)
