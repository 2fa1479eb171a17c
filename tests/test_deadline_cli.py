"""`sendbot deadline`: the forms scripts rely on, JSON shape, exit codes."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from icalendar import Calendar

from sendbot.channels.deadline_cli import add_deadline_parser, run_deadline

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "fixtures" / "timelines_broken"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="sendbot")
    add_deadline_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["deadline", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    # Reg 5(1), 10(1), 13(2), 13(1)(a): the research example.
    code, out, _ = cli(
        capsys, "ehc-assessment", "2026-03-03", "--draft-sent", "1/6/2026", "--json", "--today", "2026-06-10"
    )
    assert code == 0
    data = json.loads(out)
    assert data["timeline"] == "ehc-assessment"
    assert data["inputs"] == {"request_received": "2026-03-03", "draft_sent": "2026-06-01"}
    for event in data["events"]:
        assert {"id", "label", "date", "source", "note"} <= set(event)
    dates = {event["id"]: event["date"] for event in data["events"]}
    assert dates == {
        "decision-to-assess": "2026-04-14",
        "advice-due": None,
        "no-plan-decision": "2026-06-23",
        "draft-comments": "2026-06-15",
        "final-plan": "2026-07-21",
    }
    passed = {event["id"] for event in data["events"] if event["passed"]}
    assert passed == {"decision-to-assess"}


def test_human_output_marks_passed_dates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "tribunal-appeal", "31/10/2025", "--today", "2026-01-05")
    assert code == 0
    assert "Fri 2 Jan 2026   Your appeal must reach the tribunal by (passed)" in out
    assert "Source: Tribunal Procedure" in out
    assert "https://www.legislation.gov.uk/uksi/2008/2699/article/20/data.html" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["annual-review", "15/4/2025", "--meeting", "10/3/2026", "--under-5"],
            {"next-review": "2026-04-14", "review-decision": "2026-04-07"},
        ),
        (["phase-transfer", "2027", "--post-16"], {"amended-plan-post-16": "2027-03-30"}),
        (["tribunal-appeal", "2026-03-03", "--certificate", "2026-04-20"], {"appeal-deadline": "2026-05-20"}),
        (
            ["mediation", "2026-03-03", "--adviser-contacted", "2026-04-24"],
            {"certificate-no-mediation": "2026-04-29", "appeal-deadline": "2026-05-26"},
        ),
        (["mediation", "2026-03-03", "--mediation-ended", "2026-05-08"], {"certificate-after-mediation": "2026-05-13"}),
        (["discrimination-claim", "10 March 2026"], {"claim-deadline": "2026-09-09"}),
        (
            ["moving-council", "2026-09-01", "--last-reviewed", "2026-03-15", "--old-council-told", "2026-08-20"],
            {"plan-transferred": "2026-09-10", "new-council-review": "2027-03-14"},
        ),
        (
            ["reassessment", "2026-03-03", "--decision-notified", "2026-03-10"],
            {"decision": "2026-03-18", "final-plan": "2026-06-16"},
        ),
        (
            ["ceasing", "2025-10-31", "--review-meeting", "2025-10-01"],
            {"cease-notice": "2025-10-29", "appeal-deadline": "2026-01-02"},
        ),
        (
            [
                "exclusion-review",
                "2025-10-13",
                "--school-closures",
                "2025-10-27:2025-10-31",
                "--board-decision",
                "2025-11-10",
            ],
            {"board-meeting": "2025-11-10", "irp-application": "2025-12-01"},
        ),
        (["exclusion-review", "2025-10-13", "--closed-days", "5"], {"board-meeting": "2025-11-10"}),
        (
            [
                "exclusion-review",
                "2025-10-13",
                "--short-suspension",
                "--school-closures",
                "2025-10-27:2025-10-31,2025-12-22:2026-01-02",
            ],
            {"board-meeting-short-suspension": "2026-01-12"},
        ),
        (
            [
                "exclusion-review",
                "2025-12-01",
                "--board-decision",
                "2025-12-08",
                "--term-dates",
                "2025-09-03:2025-12-19,2026-01-05:2026-02-13",
            ],
            {"irp-application": "2026-01-12"},
        ),
    ],
)
def test_every_timeline_form(capsys: pytest.CaptureFixture[str], argv: list[str], expected: dict[str, str]) -> None:
    code, out, err = cli(capsys, *argv, "--json", "--today", "2026-11-22")
    assert (code, err) == (0, "")
    dates = {event["id"]: event["date"] for event in json.loads(out)["events"]}
    assert expected.items() <= dates.items()


def test_short_suspension_shows_only_the_50_day_decision(capsys: pytest.CaptureFixture[str]) -> None:
    # Reg 6 / reg 24(1)(c): the 50-school-day route replaces the 15-day meeting, and there is
    # no Independent Review Panel after a suspension, even if a board decision date is given.
    argv = ["exclusion-review", "2025-10-13", "--short-suspension", "--board-decision", "2025-11-10"]
    code, out, err = cli(capsys, *argv, "--school-closures", "2025-10-27:2025-10-31,2025-12-22:2026-01-02", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["inputs"]["short_suspension"] is True
    assert [(e["id"], e["date"]) for e in data["events"]] == [("board-meeting-short-suspension", "2026-01-12")]
    code, out, _ = cli(capsys, "--list")
    assert "[--short-suspension]" in out


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--list")
    assert code == 0
    assert "ehc-assessment REQUEST_RECEIVED [--draft-sent DATE]" in out
    assert "annual-review PLAN_ISSUED_OR_LAST_REVIEWED [--meeting DATE]" in out
    assert "phase-transfer YEAR_OF_TRANSFER [--post-16]" in out
    assert "tribunal-appeal DECISION_LETTER [--certificate DATE]" in out
    assert "discrimination-claim CONDUCT_DATE" in out
    code, out, _ = cli(capsys, "--list", "--json")
    listed = json.loads(out)["timelines"]
    assert len(listed) == 10
    assert listed[0]["inputs"][0]["prompt"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tribunal-appeal", "31/02/2025"], "31/02/2025: February 2025 has only 28 days"),
        (["ehc-assessment", "2026-03-03", "--meeting", "2026-04-01"], "--meeting is not used by ehc-assessment"),
        (["no-such-timeline", "2026-03-03"], "unknown timeline 'no-such-timeline'"),
        (["ehc-assessment"], "missing the date the council received the request"),
        (["ehc-assessment", "3/4/2026", "--today", "2026-03-10"], "did you mean 4 March 2026"),
        (["ehc-assessment", "2026-03-03", "--draft-sent", "2026-03-01"], "cannot be before"),
        (["ehc-assessment", "2026-03-03", "--today", "tomorrow"], "--today tomorrow"),
        (["exclusion-review", "2025-10-13", "--closed-days", "lots"], "not a number"),
        ([], "say which timeline"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("sendbot deadline: ")
    assert message in err


def test_broken_data_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "--list", "--timelines", str(BROKEN))
    assert code == 1
    assert "bad-unit.yaml:19: " in err


def test_ics_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "deadlines.ics"
    code, _, _ = cli(capsys, "ehc-assessment", "2026-03-03", "--ics", str(target))
    assert code == 0
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert len(events) == 3


MODULE = "sendbot.channels.deadline_cli"


def test_run_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", MODULE, "deadline", "tribunal-appeal", "31/02/2025"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == "sendbot deadline: 31/02/2025: February 2025 has only 28 days\n"
    result = subprocess.run(
        [sys.executable, "-m", MODULE, "deadline", "discrimination-claim", "2026-03-10", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["events"][0]["date"] == "2026-09-09"


def test_run_deadline_is_the_parsers_function() -> None:
    parser = argparse.ArgumentParser(prog="sendbot")
    add_deadline_parser(parser.add_subparsers(dest="command"))
    assert parser.parse_args(["deadline", "--list"]).func is run_deadline


def test_deadline_honours_sendbot_knowledge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sendbot.channels.cli import main

    shutil.copytree(BROKEN, tmp_path / "knowledge" / "timelines")
    monkeypatch.setenv("SENDBOT_KNOWLEDGE", str(tmp_path / "knowledge"))
    assert main(["deadline", "--list"]) == 1  # the broken copy was read, not knowledge/timelines
    assert str(tmp_path) in capsys.readouterr().err


def test_today_is_the_date_in_london(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="sendbot")
    add_deadline_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["deadline", "tribunal-appeal", "2026-03-03", "--json"])
    late_evening_utc = datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)  # 00:30 on 1 July in London
    assert run_deadline(args, clock=lambda: late_evening_utc) == 0
    assert json.loads(capsys.readouterr().out)["today"] == "2026-07-01"
