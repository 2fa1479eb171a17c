"""Rewrite the behaviour snapshot (ask.jsonl, deadline.jsonl) from the current code and data.

    .venv/bin/python tests/snapshots/update.py

Run it when a change of answers is intended, and review `git diff tests/snapshots/` (or the
list printed by tests/test_snapshots.py) before committing."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from tests.snapshots.snapshot import ASK_FILE, DEADLINE_FILE, ask_differences, deadline_differences, write  # noqa: E402


def main() -> int:
    old_ask = ASK_FILE.read_text(encoding="utf-8").splitlines() if ASK_FILE.exists() else []
    old_deadline = DEADLINE_FILE.read_text(encoding="utf-8").splitlines() if DEADLINE_FILE.exists() else []
    write()
    changes = ask_differences(old_ask, ASK_FILE.read_text(encoding="utf-8").splitlines()) + deadline_differences(
        old_deadline, DEADLINE_FILE.read_text(encoding="utf-8").splitlines()
    )
    for line in changes:
        print(line)
    print(f"wrote {ASK_FILE.relative_to(ROOT)} and {DEADLINE_FILE.relative_to(ROOT)}: {len(changes)} change(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
