"""`sendbot case`: the forms scripts rely on, the JSON shape, exit codes, nothing half-written."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest
from docx import Document

from sendbot.channels.cli import main

CASE_TABLES = ("cases", "case_events", "case_letters", "case_watch")


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "sendbot.db"
    monkeypatch.setenv("SENDBOT_DB", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["case", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in CASE_TABLES}


def test_worked_example_end_to_end(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "add", "assessment-requested", "2026-03-03", "--case", "S", "--today", "2026-04-20")[0] == 0
    code, out, _ = run(capsys, "show", "--case", "S", "--today", "2026-04-20", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"case", "events", "dates", "next", "letters"}
    assert data["case"] == "S"
    assert data["events"] == [{"event": "assessment-requested", "date": "2026-03-03"}]
    for item in data["dates"]:
        assert {"id", "label", "date", "status", "source"} <= set(item)
        assert item["status"] in {"done", "upcoming", "missed"}
    dates = {d["id"]: (d["date"], d["status"]) for d in data["dates"]}
    assert dates["ehc-assessment/decision-to-assess"] == ("2026-04-14", "missed")
    assert set(data["next"]) == {"id", "label", "date"}
    assert "chase-assessment-decision" in data["letters"]

    out_file = Path("chase.docx")
    code, out, _ = run(
        capsys,
        "letter",
        "chase-assessment-decision",
        "--today",
        "2026-04-20",
        "--out",
        str(out_file),
        "--child-name",
        "Sam",
        "--parent-name",
        "Alex Example",
        "--council",
        "Derby City Council",
    )
    assert code == 0
    assert "3 March 2026" in out and "14 April 2026" in out and "{" not in out
    reopened = "\n".join(p.text for p in Document(str(out_file)).paragraphs)
    assert "14 April 2026" in reopened and "Sam" in reopened
    assert "Alex Example" not in db.read_bytes().decode("latin-1")  # names are never stored

    code, out, _ = run(capsys, "chronology", "--out", "chronology.docx", "--ics", "dates.ics", "--today", "2026-04-20")
    assert code == 0
    assert "3 March 2026: The council received the request" in out
    assert "14 April 2026: MISSED: The council tells you whether it will assess" in out
    assert "20 April 2026: Letter made: Chase a missed decision on whether to assess." in out
    table = Document("chronology.docx").tables[0]
    assert any("MISSED" in row.cells[1].text for row in table.rows)
    assert b"BEGIN:VEVENT" in Path("dates.ics").read_bytes()


def test_show_without_json_and_list(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", "decision-letter", "2026-05-01", "--today", "2026-05-02")
    code, out, _ = run(capsys, "show", "--today", "2026-05-02")
    assert code == 0 and "Legal dates:" in out and "mediation-certificate" in out
    assert run(capsys, "list")[1].strip() == "my child"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("add", "assessment-asked", "2026-03-03"), "unknown event 'assessment-asked'"),
        (("add", "assessment-requested", "2026-02-30"), "February 2026 has only 28 days"),
        (("add", "assessment-requested", "2026-05-01", "--today", "2026-04-20"), "cannot be after today"),
        (("add", "assessment-requested", "03/13/2026", "--today", "2026-04-20"), "write it as YYYY-MM-DD"),
        (("add", "assessment-requested", "2026-03-03", "--case", "Sam's <b>"), "cannot be a case name"),
        (("show", "--case", "Nobody"), "there is no case called 'Nobody'"),
        (("letter", "no-such-letter", "--case", "A"), "unknown letter"),
        (("show", "--today", "20/04/2026"), "--today 20/04/2026"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    run(capsys, "add", "assessment-requested", "2026-03-03", "--case", "A", "--today", "2026-04-20")
    before = rows(db)
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and message in err
    assert rows(db) == before


def test_event_before_the_event_it_answers_is_refused(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", "assessment-requested", "2026-03-03", "--today", "2026-04-20")
    code, _, err = run(capsys, "add", "draft-plan-received", "2026-03-01", "--today", "2026-04-20")
    assert code == 2 and "cannot be before 'assessment-requested' on 3 March 2026" in err
    assert rows(db)["case_events"] == 1


def test_letter_out_must_be_docx_and_nothing_is_written(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", "assessment-requested", "2026-03-03", "--today", "2026-04-20")
    code, _, err = run(capsys, "letter", "chase-assessment-decision", "--out", "letter.pdf", "--today", "2026-04-20")
    assert code == 2 and ".docx" in err
    assert not Path("letter.pdf").exists()
    assert rows(db)["case_letters"] == 0


def test_several_cases_need_a_name(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", "assessment-requested", "2026-03-03", "--case", "A", "--today", "2026-04-20")
    run(capsys, "add", "exclusion", "2026-04-01", "--case", "B", "--today", "2026-04-20")
    code, _, err = run(capsys, "show")
    assert code == 2 and "several cases (A, B)" in err
    assert run(capsys, "show", "--case", "b", "--today", "2026-04-20")[0] == 0  # names ignore case


def test_forget_one_case_then_all_leaves_no_row(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", "assessment-requested", "2026-03-03", "--case", "A", "--today", "2026-04-20")
    run(capsys, "letter", "chase-assessment-decision", "--case", "A", "--today", "2026-04-20")
    run(capsys, "add", "exclusion", "2026-04-01", "--case", "B", "--today", "2026-04-20")
    assert run(capsys, "forget", "--case", "B")[0] == 0
    assert run(capsys, "list")[1].strip() == "A"
    assert run(capsys, "forget")[0] == 0
    assert rows(db) == dict.fromkeys(CASE_TABLES, 0)


def test_read_a_letter_from_stdin(
    db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    letter = "Date: 14 April 2026\nThe panel decided not to assess your child.\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(letter))
    code, out, _ = run(capsys, "read", "--today", "2026-04-20")
    assert code == 0
    assert "refusal to carry out an EHC needs assessment" in out
    assert "sendbot case add assessment-refused 2026-04-14" in out
    assert not db.exists() or rows(db)["case_events"] == 0  # reading stores nothing
