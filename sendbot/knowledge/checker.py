"""The one place data-file checks collect their problems, shared by every loader
(knowledge base, contacts, timelines), so all of them report alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sendbot.knowledge.problems import Problem
from sendbot.knowledge.yamlfile import LineDict


@dataclass
class Checker:
    """Collects the problems of one file, so that every check can say where it is."""

    file: Path
    problems: list[Problem] = field(default_factory=list)

    def error(self, line: int, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, line, message, fix))

    def warn(self, line: int, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, line, message, fix, warning=True))

    def keys(self, mapping: LineDict, required: Iterable[str], optional: Iterable[str], what: str) -> bool:
        """Unknown keys are typos, repeated keys hide a value, required keys must be there.
        False when a required key is missing."""
        required, allowed = set(required), set(required) | set(optional)
        for key, line in mapping.duplicate_keys:
            self.error(line, f"{what}: key '{key}' appears twice", "keep only one of them")
        for key in mapping:
            if key not in allowed:
                self.error(
                    mapping.line_of(key), f"{what}: unknown key '{key}'", f"use only: {', '.join(sorted(allowed))}"
                )
        missing = sorted(required - mapping.keys())
        for key in missing:
            self.error(mapping.line, f"{what}: missing key '{key}'", f"add '{key}:'")
        return not missing
