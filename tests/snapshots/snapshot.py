"""The behaviour snapshot: what `sendbot ask --json` says to every eval question and what
`sendbot deadline` prints for every worked example, produced in this one process through the
command line's own entry point (so the snapshot sees exactly what a script would see).

`update.py` writes the files; `tests/test_snapshots.py` regenerates them in memory and lists
every answer that changed."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
HERE = Path(__file__).resolve().parent
EVAL_DIR = ROOT / "tests" / "eval"
ASK_FILE = HERE / "ask.jsonl"
DEADLINE_FILE = HERE / "deadline.jsonl"
DEADLINE_CASES = HERE / "deadline_cases.txt"
TODAY = "2026-11-22"
UPDATE = "python tests/snapshots/update.py"


def _main(argv: list[str]) -> int:
    from sendbot.channels.cli import main

    return main(argv)


@contextlib.contextmanager
def _environment() -> Iterator[None]:
    """The repository's own data, whatever the caller's environment says."""
    saved = {key: os.environ.get(key) for key in ("SENDBOT_KNOWLEDGE", "SENDBOT_LOCALES", "TELEGRAM_BOT_TOKEN")}
    os.environ["SENDBOT_KNOWLEDGE"] = str(ROOT / "knowledge")
    os.environ["SENDBOT_LOCALES"] = str(ROOT / "locales")
    os.environ.pop("TELEGRAM_BOT_TOKEN", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    import sys

    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with _environment(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = _main(argv)
    finally:
        sys.stdin = saved_stdin
    return code, out.getvalue(), err.getvalue()


def eval_questions() -> list[str]:
    """Every question of every English file under tests/eval (subfolders too), in path order
    (files in another language, `lang: pl`, are pinned by their own figures, tests/test_eval_lang.py)."""
    questions: list[str] = []
    files = sorted(p for p in EVAL_DIR.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if data.get("lang", "en") != "en":
            continue
        for item in data.get("questions") or []:
            question = str(item["q"])
            if question.strip():
                questions.append(question)
    return questions


def ask_lines() -> list[str]:
    """`sendbot ask --json` over every eval question: one JSON line each, as printed. One-line
    questions go through standard input in one run; a question of several lines (which
    standard input would split) is asked on its own, as the command-line argument."""
    questions = eval_questions()
    one_line = [q for q in questions if "\n" not in q and "\r" not in q]
    batched = set(one_line)
    code, out, err = _run(["ask", "--json"], stdin="".join(q + "\n" for q in one_line))
    if code != 0 or err:
        raise RuntimeError(f"sendbot ask --json exited {code}: {err}")
    answers = iter(out.splitlines())
    lines = []
    for question in questions:
        if question in batched:
            lines.append(next(answers))
            continue
        code, out, err = _run(["ask", "--json", question])
        if code != 0 or err:
            raise RuntimeError(f"sendbot ask --json exited {code}: {err}")
        lines.append(out.rstrip("\n"))
    if next(answers, None) is not None:
        raise RuntimeError("sendbot ask --json gave more answers than questions")
    return lines


def deadline_cases() -> list[list[str]]:
    cases = []
    for line in DEADLINE_CASES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            argv = shlex.split(line)
            cases.append(argv if "--today" in argv else [*argv, "--today", TODAY])
    return cases


def deadline_lines() -> list[str]:
    """`sendbot deadline` over every case, with --json and as text: one JSON record each."""
    lines = []
    for case in deadline_cases():
        for argv in ([*case, "--json"], case):
            code, out, err = _run(["deadline", *argv])
            record = {"argv": argv, "exit": code, "stdout": out, "stderr": err}
            lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def write() -> None:
    ASK_FILE.write_text("".join(line + "\n" for line in ask_lines()), encoding="utf-8")
    DEADLINE_FILE.write_text("".join(line + "\n" for line in deadline_lines()), encoding="utf-8")


# --- readable differences ------------------------------------------------------------------


def _brief(record: dict[str, Any]) -> str:
    score = record.get("score")
    score_text = f" {score:.3f}" if isinstance(score, (int, float)) else ""
    return f"{record.get('status')} {record.get('id')}{score_text}"


def ask_differences(old_lines: list[str], new_lines: list[str]) -> list[str]:
    """One line per changed answer: the question, old status/id/score -> new, and which fields changed."""
    old = [json.loads(line) for line in old_lines]
    new = [json.loads(line) for line in new_lines]
    old_by_q: dict[str, list[dict[str, Any]]] = {}
    for record in old:
        old_by_q.setdefault(record["question"], []).append(record)
    report = []
    seen: dict[str, int] = {}
    for record in new:
        question = record["question"]
        index = seen.get(question, 0)
        seen[question] = index + 1
        before = old_by_q.get(question, [])
        if index >= len(before):
            report.append(f"NEW QUESTION {question!r}: {_brief(record)}")
            continue
        previous = before[index]
        if previous == record:
            continue
        fields = [key for key in sorted(set(previous) | set(record)) if previous.get(key) != record.get(key)]
        report.append(f"{question!r}: {_brief(previous)} -> {_brief(record)} (changed: {', '.join(fields)})")
    for question, before in old_by_q.items():
        for record in before[seen.get(question, 0) :]:
            report.append(f"QUESTION GONE {question!r}: was {_brief(record)}")
    return report


def deadline_differences(old_lines: list[str], new_lines: list[str]) -> list[str]:
    old = {tuple(json.loads(line)["argv"]): json.loads(line) for line in old_lines}
    new = {tuple(json.loads(line)["argv"]): json.loads(line) for line in new_lines}
    report = []
    for argv, record in new.items():
        command = "sendbot deadline " + shlex.join(argv)
        previous = old.get(argv)
        if previous is None:
            report.append(f"NEW CASE {command}")
        elif previous != record:
            fields = [key for key in ("exit", "stdout", "stderr") if previous[key] != record[key]]
            detail = ""
            if "--json" in argv and previous["exit"] == record["exit"] == 0 and "stdout" in fields:
                detail = " " + _event_changes(previous["stdout"], record["stdout"])
            report.append(f"{command}: {', '.join(fields)} changed{detail}")
    for argv in old.keys() - new.keys():
        report.append(f"CASE GONE sendbot deadline {shlex.join(argv)}")
    return report


def _event_changes(old_text: str, new_text: str) -> str:
    try:
        old = {e["id"]: e for e in json.loads(old_text).get("events", [])}
        new = {e["id"]: e for e in json.loads(new_text).get("events", [])}
    except (ValueError, AttributeError):
        return ""
    changes = []
    for event_id in sorted(old.keys() | new.keys()):
        a, b = old.get(event_id), new.get(event_id)
        if a != b:
            if a and b and a.get("date") != b.get("date"):
                changes.append(f"{event_id} {a.get('date')} -> {b.get('date')}")
            else:
                changes.append(f"{event_id} {'added' if a is None else 'removed' if b is None else 'text'}")
    return f"({'; '.join(changes)})" if changes else ""
