"""Behaviour is pinned: `sendbot ask --json` over every eval question and `sendbot deadline`
over every worked example give exactly the committed snapshot. A difference fails with every
changed answer listed; when the change is intended, run `python tests/snapshots/update.py`
and commit the new snapshot with the change."""

from __future__ import annotations

from tests.snapshots.snapshot import (
    ASK_FILE,
    DEADLINE_FILE,
    UPDATE,
    ask_differences,
    ask_lines,
    deadline_differences,
    deadline_lines,
)


def _fail(what: str, changes: list[str]) -> None:
    listing = "\n".join(f"  {line}" for line in changes)
    raise AssertionError(
        f"{len(changes)} {what} differ from the snapshot:\n{listing}\n"
        f"If every change is intended, run `{UPDATE}` and commit tests/snapshots/."
    )


def test_ask_answers_match_the_snapshot() -> None:
    old = ASK_FILE.read_text(encoding="utf-8").splitlines()
    new = ask_lines()
    if new != old:
        _fail("answers", ask_differences(old, new) or ["(order or bytes changed; see git diff after updating)"])


def test_deadline_output_matches_the_snapshot() -> None:
    old = DEADLINE_FILE.read_text(encoding="utf-8").splitlines()
    new = deadline_lines()
    if new != old:
        _fail("deadline runs", deadline_differences(old, new) or ["(order or bytes changed)"])
