"""Problems found when checking data files, shared by every loader so that `sendbot check`
and start-up report them in one format: ``file:line: what is wrong (how to fix)``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, precise enough for a volunteer editor to fix alone."""

    file: Path
    line: int
    message: str
    fix: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {kind}{self.message} ({self.fix})"


class DataError(Exception):
    """Raised when data files are invalid; carries every problem, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the data files:\n{lines}")
