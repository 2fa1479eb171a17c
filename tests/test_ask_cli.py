"""`sendbot ask`: scripted questions, one stable JSON object per line with --json."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sendbot.channels.cli import main

KB_SMALL = Path(__file__).resolve().parent / "fixtures" / "kb_small"
KEYS = {
    "question",
    "status",
    "id",
    "title",
    "score",
    "answer",
    "more",
    "sources",
    "suggestions",
    "also",
    "menu",
    "maybe",
}
QUESTION = "how do I ask for an EHC needs assessment"
OFF_TOPIC = "what is the capital of France"
VAGUE = "the assessment"  # about an assessment, but which question?


@pytest.fixture(autouse=True)
def small_kb(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("SENDBOT_LOCALES", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SENDBOT_KNOWLEDGE", str(KB_SMALL))
    monkeypatch.setenv("SENDBOT_DB", str(tmp_path / "db.sqlite"))


def records(out: str) -> list[dict[str, Any]]:
    lines = out.splitlines()
    assert all(line.startswith("{") for line in lines), out
    return [json.loads(line) for line in lines]


def test_one_question_as_argument(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", QUESTION]) == 0
    [record] = records(capsys.readouterr().out)
    assert set(record) == KEYS
    assert record["question"] == QUESTION
    assert record["status"] == "answer"
    assert record["id"] == "ehc-request-how"
    assert record["title"] == "How to ask for an EHC needs assessment"
    assert record["score"] == pytest.approx(1.0)
    assert "You can ask the council (local authority) yourself." in record["answer"]
    assert record["more"] == "The council must decide within 6 weeks whether to assess."
    assert record["sources"] == [
        "Children and Families Act 2014, section 36(1) (https://www.legislation.gov.uk/ukpga/2014/6/section/36)"
    ]
    assert record["suggestions"][0] == {"id": "ehc-request-how", "title": record["title"], "score": record["score"]}


def test_question_words_are_joined(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", *QUESTION.split()]) == 0
    [record] = records(capsys.readouterr().out)
    assert record["question"] == QUESTION
    assert record["id"] == "ehc-request-how"


def test_several_questions_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    questions = [QUESTION, "the LA refused to asess my dd", OFF_TOPIC, VAGUE]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join([questions[0], "", "   ", *questions[1:]]) + "\n"))
    assert main(["ask", "--json"]) == 0
    got = records(capsys.readouterr().out)
    assert [r["question"] for r in got] == questions  # blank lines skipped, order kept
    for record in got:
        assert set(record) == KEYS
    assert [r["status"] for r in got] == ["answer", "answer", "fallback", "suggest"]
    assert [r["id"] for r in got[:2]] == ["ehc-request-how", "ehc-refused-assessment"]


def test_fallback_record(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", OFF_TOPIC]) == 0
    [record] = records(capsys.readouterr().out)
    assert record["status"] == "fallback"
    assert record["id"] is None
    assert record["title"] is None
    assert record["score"] is None
    assert record["more"] is None
    assert record["sources"] == []
    assert record["suggestions"] == []
    assert record["answer"].strip()
    assert "I don't know the answer" in record["answer"]
    assert "SOS!SEN" in record["answer"]


def test_suggestion_record(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", VAGUE]) == 0
    [record] = records(capsys.readouterr().out)
    assert record["status"] == "suggest"
    assert record["id"] == record["suggestions"][0]["id"]
    assert record["sources"] == []
    assert record["more"] is None
    assert {s["id"] for s in record["suggestions"]} <= {
        "ehc-request-how",
        "ehc-refused-assessment",
        "social-care-assessment",
    }
    assert "Did you mean" in record["answer"]
    assert record["menu"] is False and record["also"] == []


def test_area_changes_the_fallback_contacts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--area", "derby", OFF_TOPIC]) == 0
    [record] = records(capsys.readouterr().out)
    assert record["answer"].index("Derby SENDIASS") < record["answer"].index("SOS!SEN")
    assert main(["ask", "--json", "--area", "england", OFF_TOPIC]) == 0
    [record] = records(capsys.readouterr().out)
    assert "Derby SENDIASS" not in record["answer"]


def test_unknown_area_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--area", "atlantis", QUESTION]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unknown area 'atlantis'" in captured.err
    assert "derby" in captured.err


def test_plain_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", QUESTION]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Q: {QUESTION}\n[answer] How to ask for an EHC needs assessment (1.00)\n")


def test_ask_as_a_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENDBOT_", "TELEGRAM_"))}
    env["SENDBOT_KNOWLEDGE"] = str(KB_SMALL)
    done = subprocess.run(
        [sys.executable, "-m", "sendbot.channels.cli", "ask", "--json"],
        input=f"{QUESTION}\n{OFF_TOPIC}\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    got = records(done.stdout)
    assert [(r["status"], r["id"]) for r in got] == [("answer", "ehc-request-how"), ("fallback", None)]
    assert all(set(r) == KEYS for r in got)


def test_unknown_area_as_a_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SENDBOT_", "TELEGRAM_"))}
    env["SENDBOT_KNOWLEDGE"] = str(KB_SMALL)
    done = subprocess.run(
        [sys.executable, "-m", "sendbot.channels.cli", "ask", "--json", "--area", "atlantis", QUESTION],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "unknown area" in done.stderr


def test_explain_prints_each_signal_of_the_top_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--explain", QUESTION]) == 0
    out = capsys.readouterr().out
    assert "explain: " in out and "bm25" in out and "phrasing" in out and "features: confidence" in out
    assert "learned" in out  # the model's P(entry | message), which rule rerank weighs
    assert "ehc-request-how" in out


def test_explain_names_the_rule_that_declines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SENDBOT_KNOWLEDGE", str(KB_SMALL.parents[2] / "knowledge"))  # the real kinds and rules
    assert main(["ask", "--explain", "my son is 34 and adult social care want him to pay for his day centre"]) == 0
    assert "rule past_age_of: declined as adult-care" in capsys.readouterr().out
    assert main(["ask", "--explain", QUESTION]) == 0
    assert "rule " not in capsys.readouterr().out
