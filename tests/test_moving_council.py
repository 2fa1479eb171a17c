"""`sendbot deadline moving-council`: the new council's dates run from the date of the
transfer, not the date of the move.

SEND Regulations 2014, regulation 15 (legislation.gov.uk, as made):
- 15(2): the old council transfers the plan on the day of the move or, where it did not know
  at least 15 working days before the move, within 15 working days beginning with the day it
  found out;
- 15(4): the new council writes "within 6 weeks of the date of the transfer";
- 15(5): the new council reviews the plan before the later of 12 months from the plan or its
  last review, and 3 months from the transfer.

Run through the command line, as a script or a parent's helper would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-12-02"  # pinned: the inputs are only accepted within a few years of "today"


def deadline(*argv: str) -> dict[str, str | None]:
    done = subprocess.run(
        [sys.executable, "-m", "sendbot.channels.cli", "deadline", "moving-council", *argv, "--json", "--today", TODAY],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["timeline"] == "moving-council"
    return {event["id"]: event["date"] for event in data["events"]}


def test_old_council_told_late_counts_from_the_transfer() -> None:
    # Told Mon 14 Dec 2026, move Mon 21 Dec 2026: 15 working days beginning with 14 Dec
    # (skipping the weekends, 25 and 28 Dec and 1 Jan) is Wed 6 Jan 2027, the transfer.
    # 6 weeks after the transfer is Wed 17 Feb 2027 (not 1 Feb, 6 weeks after the move);
    # 3 months after the transfer is 6 Apr 2027 (not 21 Mar).
    found = deadline("2026-12-21", "--old-council-told", "2026-12-14")
    assert found["plan-transferred"] == "2027-01-06"
    assert found["new-council-writes"] == "2027-02-17"
    assert found["new-council-review"] == "2027-04-06"


def test_old_council_told_early_transfer_is_the_move_date() -> None:
    # Told Mon 2 Nov 2026, well over 15 working days before the move: the transfer is the
    # move date, Mon 21 Dec 2026, and the 6 weeks and 3 months run from it.
    found = deadline("2026-12-21", "--old-council-told", "2026-11-02")
    assert found["plan-transferred"] == "2026-12-21"
    assert found["new-council-writes"] == "2027-02-01"
    assert found["new-council-review"] == "2027-03-21"


def test_a_later_annual_review_date_still_wins() -> None:
    # Reg 15(5): the later of 12 months from the last review (day before the anniversary,
    # to be safe) and 3 months from the transfer.
    found = deadline("2026-12-21", "--old-council-told", "2026-12-14", "--last-reviewed", "2026-09-30")
    assert found["new-council-review"] == "2027-09-29"
