"""`sendbot case`: the family's case file on the command line (scripts rely on these forms)::

    sendbot case add EVENT DATE [--case NAME]
    sendbot case show [--case NAME] [--today DATE] [--json]
    sendbot case letter LETTER [--case NAME] [--today DATE] [--out FILE.docx] [--parent-name ...]
    sendbot case chronology [--case NAME] [--today DATE] [--out FILE.docx] [--ics FILE.ics]
    sendbot case read [FILE] [--today DATE]      (a council letter: .txt or .pdf, or stdin)
    sendbot case list
    sendbot case forget [--case NAME]

The terminal user's cases live in the bot's database (``SENDBOT_DB``) under the terminal
chat's id. Exit codes: 0 done, 1 the data files have problems, 2 bad input (one line on
stderr saying what is wrong; nothing is written)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from sendbot.case import chronology
from sendbot.case.data import CaseKnowledge, load_case_knowledge
from sendbot.case.events import EVENT_SPECS
from sendbot.case.letters import fitting, render, to_docx
from sendbot.case.reader import pdf_text, read_letter
from sendbot.case.record import check_new_event, read_day, read_event, today_in_london
from sendbot.case.store import DEFAULT_CASE_NAME, CaseError, CaseStore
from sendbot.case.timeline import CaseTimeline, case_timeline
from sendbot.deadlines import format_day
from sendbot.knowledge.problems import DataError

PROG = "sendbot case"
CLI_CHAT_ID = 0  # the terminal chat's id (sendbot.terminal.TERMINAL_CHAT_ID): one local user
EXIT_DATA = 1
EXIT_INPUT = 2


def add_case_parser(subparsers: Any) -> None:
    """Add ``case`` and its subcommands to the ``sendbot`` parser."""
    parser = subparsers.add_parser("case", help="your child's case: events, legal dates, letters, chronology")
    sub = parser.add_subparsers(dest="case_command", required=True)

    def common(p: argparse.ArgumentParser, today: bool = True) -> None:
        p.add_argument("--case", dest="case_name", metavar="NAME", help="the case (a nickname or initial)")
        if today:
            p.add_argument("--today", metavar="DATE", help="work as if today were DATE (YYYY-MM-DD)")

    add = sub.add_parser("add", help="record an event with its date")
    add.add_argument("event", help="event id, e.g. assessment-requested")
    add.add_argument("date", help="the date, e.g. 2026-03-03 or '3 March 2026'")
    common(add)
    show = sub.add_parser("show", help="the case's events, legal dates and letters that fit")
    common(show)
    show.add_argument("--json", action="store_true", help="one JSON object")
    letter = sub.add_parser("letter", help="write a letter from the case")
    letter.add_argument("letter", help="letter id, e.g. chase-assessment-decision")
    common(letter)
    letter.add_argument("--out", type=Path, metavar="FILE.docx", help="also write the letter as a .docx")
    for name in ("parent-name", "child-name", "council", "school", "provision"):
        letter.add_argument(f"--{name}", metavar="TEXT", help=f"the {name.replace('-', ' ')} (not stored)")
    chron = sub.add_parser("chronology", help="the dated history of the case")
    common(chron)
    chron.add_argument("--out", type=Path, metavar="FILE.docx", help="also write it as a .docx")
    chron.add_argument("--ics", type=Path, metavar="FILE.ics", help="also write every legal date as a calendar file")
    read = sub.add_parser("read", help="recognise a council letter (.txt or .pdf; stdin without FILE)")
    read.add_argument("file", nargs="?", type=Path, help="the letter; it is read, never stored")
    read.add_argument("--today", metavar="DATE", help="work as if today were DATE (YYYY-MM-DD)")
    sub.add_parser("list", help="your cases")
    forget = sub.add_parser("forget", help="delete one case, or all of them")
    common(forget, today=False)


def _today(text: str | None) -> date:
    if text is None:
        return today_in_london()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CaseError(f"--today {text}: write the date as YYYY-MM-DD") from None


def run_case(args: argparse.Namespace, db_path: Path, knowledge_dir: Path) -> int:
    """Run ``sendbot case ...`` on the bot's database and knowledge folder (from the settings)."""
    try:
        knowledge = load_case_knowledge(knowledge_dir)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_DATA
    store = CaseStore(db_path)
    try:
        return _run(args, store, knowledge)
    except CaseError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_INPUT
    finally:
        store.close()


def _run(args: argparse.Namespace, store: CaseStore, knowledge: CaseKnowledge) -> int:
    command = args.case_command
    if command == "list":
        names = store.case_names(CLI_CHAT_ID)
        print("\n".join(names) if names else "No cases yet. Start one with: sendbot case add EVENT DATE")
        return 0
    if command == "forget":
        return _forget(args, store)
    today = _today(args.today)
    if command == "read":
        return _read(args, knowledge, today)
    if command == "add":
        return _add(args, store, knowledge, today)
    timeline = case_timeline(store.find(CLI_CHAT_ID, args.case_name), knowledge.timelines, today)
    if command == "show":
        print(
            json.dumps(show_json(timeline, knowledge), ensure_ascii=False)
            if args.json
            else show_text(timeline, knowledge)
        )
        return 0
    if command == "letter":
        return _letter(args, store, knowledge, timeline)
    return _chronology(args, knowledge, timeline)


def _add(args: argparse.Namespace, store: CaseStore, knowledge: CaseKnowledge, today: date) -> int:
    kind = read_event(args.event)
    day = read_day(args.date, kind, today)
    names = store.case_names(CLI_CHAT_ID)
    name = args.case_name or (names[0] if len(names) == 1 else None)
    if name is None and names:
        raise CaseError(f"there are several cases ({', '.join(names)}): say which with --case NAME")
    name = name or DEFAULT_CASE_NAME
    existing = store.find(CLI_CHAT_ID, name) if name.lower() in (n.lower() for n in names) else None
    check_new_event(existing, kind, day)
    case = store.add_event(CLI_CHAT_ID, name, kind, day, today)
    print(f"Added to {case.name}: {EVENT_SPECS[kind].label}, {format_day(day)}.")
    upcoming = case_timeline(case, knowledge.timelines, today).next
    if upcoming is not None:
        print(f"Next date the council must meet: {upcoming.event.label}: {format_day(upcoming.date)}.")
    return 0


def show_json(timeline: CaseTimeline, knowledge: CaseKnowledge) -> dict[str, object]:
    """The stable `case show --json` record."""
    upcoming = timeline.next
    return {
        "case": timeline.case.name,
        "events": [{"event": e.kind.value, "date": e.date.isoformat()} for e in timeline.case.events],
        "dates": [
            {
                "id": d.id,
                "label": d.event.label,
                "date": d.date.isoformat(),
                "status": d.status.value,
                "source": d.source.cite,
                "url": d.source.url,
            }
            for d in timeline.dates
        ],
        "next": {"id": upcoming.id, "label": upcoming.event.label, "date": upcoming.date.isoformat()}
        if upcoming
        else None,
        "letters": fitting(knowledge.letters, timeline),
    }


def show_text(timeline: CaseTimeline, knowledge: CaseKnowledge) -> str:
    lines = [f"Case: {timeline.case.name} (today {format_day(timeline.today)})", "", "What has happened:"]
    lines += [f"  {format_day(e.date)}: {EVENT_SPECS[e.kind].label}" for e in timeline.case.events]
    lines += ["", "Legal dates:"]
    for d in timeline.dates:
        lines.append(f"  {format_day(d.date)} [{d.status.value}] {d.event.label} ({d.source.cite})")
    if not timeline.dates:
        lines.append("  none yet: record when the council received your request, or a decision letter")
    upcoming = timeline.next
    lines += ["", f"Next: {upcoming.event.label}: {format_day(upcoming.date)}" if upcoming else "Next: nothing due"]
    for d in timeline.missed:
        lines.append(f"Missed: {d.event.label} ({format_day(d.date)}). {d.event.if_missed}")
    letters = fitting(knowledge.letters, timeline)
    if letters:
        lines += ["", "Letters for now (sendbot case letter ID):"]
        lines += [f"  {letter_id}: {knowledge.letters[letter_id].title}" for letter_id in letters]
    return "\n".join(lines)


def _write_atomically(path: Path, content: bytes) -> None:
    """Write the whole file or nothing: a temporary file in the same folder, then rename."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CaseError(f"cannot write {path}: the folder {folder} does not exist")
    handle, temp = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # as an ordinary new file (mkstemp makes it 0600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _check_out(path: Path | None, suffix: str) -> None:
    if path is not None and path.suffix.lower() != suffix:
        raise CaseError(f"--out {path}: the file name must end in {suffix}")


def _letter(args: argparse.Namespace, store: CaseStore, knowledge: CaseKnowledge, timeline: CaseTimeline) -> int:
    template = knowledge.letters.get(args.letter)
    if template is None:
        raise CaseError(f"unknown letter '{args.letter}': use one of {', '.join(knowledge.letters)}")
    _check_out(args.out, ".docx")
    personal = {
        "parent_name": args.parent_name,
        "child_name": args.child_name,
        "council": args.council,
        "school": args.school,
        "provision": args.provision,
    }
    letter = render(template, timeline, personal)
    if args.out is not None:
        _write_atomically(args.out, to_docx(letter))
    store.record_letter(timeline.case.id, template.id, timeline.today)
    print(letter.text)
    if letter.blanks:
        print(
            f"\n(Fill in the parts marked [fill in: ...] before sending: {len(letter.blanks)} left.)", file=sys.stderr
        )
    return 0


def _chronology(args: argparse.Namespace, knowledge: CaseKnowledge, timeline: CaseTimeline) -> int:
    _check_out(args.out, ".docx")
    if args.ics is not None and args.ics.suffix.lower() != ".ics":
        raise CaseError(f"--ics {args.ics}: the file name must end in .ics")
    if args.out is not None:
        _write_atomically(args.out, chronology.as_docx(timeline, knowledge.letters))
    if args.ics is not None:
        _write_atomically(args.ics, chronology.as_ics(timeline))
    print(chronology.as_text(timeline, knowledge.letters))
    return 0


def _read(args: argparse.Namespace, knowledge: CaseKnowledge, today: date) -> int:
    if args.file is None:
        text = sys.stdin.read()
    elif not args.file.is_file():
        raise CaseError(f"cannot read {args.file}: no such file")
    elif args.file.suffix.lower() == ".pdf":
        text = pdf_text(args.file.read_bytes())
    else:
        text = args.file.read_text(encoding="utf-8", errors="replace")
    reading = read_letter(text, knowledge.patterns, today)
    if reading.kind is None:
        print("Not recognised: I could not tell what kind of letter this is. What does the letter decide?")
        return 0
    print(reading.kind.says)
    when = format_day(reading.date) if reading.date else "no clear date found: check the date on the letter"
    print(f"Date of the letter: {when}.")
    date_arg = reading.date.isoformat() if reading.date else "DATE"
    print(f"To add it to your case: sendbot case add {reading.kind.event.value} {date_arg}")
    return 0


def _forget(args: argparse.Namespace, store: CaseStore) -> int:
    if args.case_name is not None:
        name = store.delete_case(CLI_CHAT_ID, args.case_name)
        print(f"Deleted the case {name} and everything recorded in it.")
        return 0
    count = len(store.case_names(CLI_CHAT_ID))
    store.forget(CLI_CHAT_ID)
    print(f"Deleted {count} case(s) and everything recorded in them.")
    return 0
