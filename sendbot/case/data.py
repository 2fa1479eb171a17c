"""Everything the case features read from ``knowledge/``: the timelines (the existing
deadline engine's data), the letters, the letter patterns and the case phrases, loaded and
checked once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sendbot.case.capture import CasePhrases, load_phrases
from sendbot.case.letters import LetterTemplate, load_letters
from sendbot.case.reader import LetterPatterns, load_patterns
from sendbot.deadlines import Timeline, load_timelines
from sendbot.knowledge.problems import DataError, Problem


@dataclass(frozen=True)
class CaseKnowledge:
    timelines: Mapping[str, Timeline]
    letters: Mapping[str, LetterTemplate]
    patterns: LetterPatterns
    phrases: CasePhrases


def check_case_data(knowledge_dir: Path) -> list[Problem]:
    """Problems in ``letters/*.yaml``, ``letter-patterns.yaml`` and ``case-phrases.yaml``, for
    ``sendbot check`` (a knowledge folder without them, such as a test fixture, has none)."""
    letters_dir, patterns_file = knowledge_dir / "letters", knowledge_dir / "letter-patterns.yaml"
    phrases_file = knowledge_dir / "case-phrases.yaml"
    problems = load_letters(letters_dir)[1] if letters_dir.is_dir() else []
    problems += load_patterns(patterns_file)[1] if patterns_file.is_file() else []
    return problems + (load_phrases(phrases_file)[1] if phrases_file.is_file() else [])


def load_case_knowledge(knowledge_dir: Path) -> CaseKnowledge:
    """Load all three; raise DataError with every problem when any file is broken."""
    timelines, problems = load_timelines(knowledge_dir / "timelines")
    letters, letter_problems = load_letters(knowledge_dir / "letters")
    patterns, pattern_problems = load_patterns(knowledge_dir / "letter-patterns.yaml")
    phrases, phrase_problems = load_phrases(knowledge_dir / "case-phrases.yaml")
    errors = [p for p in problems + letter_problems + pattern_problems + phrase_problems if not p.warning]
    if errors or patterns is None or phrases is None:
        raise DataError(errors)
    return CaseKnowledge(timelines, letters, patterns, phrases)
