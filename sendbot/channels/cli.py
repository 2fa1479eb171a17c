"""Command line: `sendbot` starts the bot (terminal chat without a token, Telegram with one);
`chat`, `telegram`, `ask`, `check`, `eval` and `deadline` select a task explicitly."""

from __future__ import annotations

import argparse
import io
import json
import logging
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

from sendbot.answering.collisions import phrasing_collisions
from sendbot.answering.decide import Decider, Decision
from sendbot.answering.matcher import Signal
from sendbot.case.cli import add_case_parser, run_case
from sendbot.case.data import check_case_data
from sendbot.channels.deadline_cli import add_deadline_parser, run_deadline
from sendbot.clock import london_today
from sendbot.config import Settings
from sendbot.conversation.presenter import Presenter
from sendbot.deadlines import check_entry_links, load_timelines
from sendbot.deadlines.translations import translate_timelines
from sendbot.i18n import LANGUAGES, REQUIRED, I18n, check_locales
from sendbot.knowledge.loader import check_knowledge, load_knowledge, stale_entries
from sendbot.knowledge.model import KnowledgeBase
from sendbot.knowledge.problems import DataError
from sendbot.store.errors import StorageError, open_error

log = logging.getLogger("sendbot")


def _parser(timelines_dir: Path | None) -> argparse.ArgumentParser:
    """The whole command line; ``timelines_dir`` gives `deadline` its per-timeline options
    (None when another command runs, so it need not read the timeline files)."""
    parser = argparse.ArgumentParser(prog="sendbot", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    chat = sub.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--lang", choices=LANGUAGES, default=None, help="the language to chat in (remembered)")
    sub.add_parser("telegram", help="run on Telegram (needs TELEGRAM_BOT_TOKEN)")
    ask = sub.add_parser("ask", help="answer questions from the command line or standard input")
    ask.add_argument("question", nargs="*", help="the question; without it, one question per line from stdin")
    ask.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the answers (default: en)")
    ask.add_argument("--area", default=None, help="area id, e.g. derby or derbyshire")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.add_argument("--explain", action="store_true", help="also print each matching signal of the top candidates")
    sub.add_parser("check", help="check every knowledge and locale file")
    ev = sub.add_parser("eval", help="measure answer accuracy on labelled questions")
    ev.add_argument("files", nargs="+", type=Path, help="eval YAML files or folders")
    ev.add_argument("--quiet", action="store_true", help="print the figures only, not the misses")
    ev.add_argument("--split", choices=("dev", "test"), default=None, help="only the items of this split")
    ev.add_argument("--json", action="store_true", help="the figures and every item's verdict as JSON")
    add_deadline_parser(sub, timelines_dir)
    add_case_parser(sub)
    backup = sub.add_parser("backup", help="copy the database, safely while the bot runs")
    backup.add_argument("file", type=Path, help="the new file to write (it must not exist)")
    return parser


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    words = sys.argv[1:] if argv is None else argv
    args = _parser(settings.timelines_dir if "deadline" in words[:1] else None).parse_args(argv)
    command = args.command or ("telegram" if settings.token else "chat")
    if isinstance(sys.stdin, io.TextIOWrapper):  # a bad byte must not cost the lines around it
        sys.stdin.reconfigure(errors="replace")
    try:
        if command == "check":
            return _check(settings)
        if command == "ask":
            return _ask(settings, args)
        if command == "eval":
            return _eval(settings, args)
        if command == "deadline":
            return run_deadline(args)
        if command == "case":
            return run_case(args, settings.db_path, settings.knowledge_dir)
        if command == "telegram":
            return _telegram(settings)
        if command == "backup":
            return _backup(settings, args.file)
        return _chat(settings, getattr(args, "lang", None))
    except DataError as exc:
        print("SENDbot cannot start: the knowledge base has problems.", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except StorageError as exc:
        print(exc, file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # the same one line from every command that opens the database
        print(open_error(settings.db_path, exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `sendbot ask ... | head`: the reader has gone, which is fine
        sys.stderr.close()
        return 0


def _check(settings: Settings) -> int:
    kb, problems = check_knowledge(settings.knowledge_dir, collisions=phrasing_collisions)
    timelines_dir = settings.timelines_dir
    timelines, timeline_problems = load_timelines(timelines_dir) if timelines_dir.exists() else ({}, [])
    notes = kb.not_translated_notes if kb is not None else {}
    translate_timelines(settings.knowledge_dir, timelines, notes, timeline_problems)
    problems += timeline_problems + check_locales(settings.locales_dir, REQUIRED)
    problems += check_case_data(settings.knowledge_dir)
    if kb is not None:
        problems += check_entry_links(timelines, kb.entries) + stale_entries(kb, london_today())
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    for problem in errors:
        print(problem)
    if warnings:
        print(f"{len(warnings)} warning(s):")
        for problem in warnings:
            print(problem)
    if errors or kb is None:
        print(f"{len(errors)} error(s).")
        return 1
    print(
        f"OK: {len(kb.entries)} entries, {len(kb.areas)} areas, {len(kb.contacts)} contacts, "
        f"{len(timelines)} timelines."
    )
    return 0


def _questions(args: argparse.Namespace) -> Iterable[str]:
    if args.question:
        yield " ".join(args.question)
        return
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\n")


def answer_json(decision: Decision, text: str, kb: KnowledgeBase, lang: str) -> dict[str, object]:
    """The stable `ask --json` record: ``text`` is what the parent is told."""
    result = decision.shown
    entry = decision.first
    answered = entry if result.status == "answer" else None
    return {
        "question": decision.question,
        "status": result.status,
        "id": entry.id if entry else None,
        "title": entry.title.get_text(lang) if entry else None,
        "score": result.best.score if result.best and entry else None,
        "answer": text,
        "more": answered.more.get_text(lang) if answered and answered.more else None,
        "sources": [str(s) for s in answered.sources] if answered else [],
        "suggestions": [
            {"id": c.entry_id, "title": kb.entries[c.entry_id].title.get_text(lang), "score": c.score}
            for c in result.candidates
        ]
        if result.status != "fallback"
        else [],
        "also": [
            {"id": c.entry_id, "title": kb.entries[c.entry_id].title.get_text(lang), "score": c.score}
            for c in result.also
            if c.entry_id in kb.entries
        ],
        "menu": result.menu,
        # A decline's way back (`MatchResult.maybe`): the one entry offered beside the "not me".
        "maybe": {"id": maybe.entry_id, "title": kb.entries[maybe.entry_id].title.get_text(lang), "score": maybe.score}
        if (maybe := decision.maybe) is not None
        else None,
    }


def explain_text(decider: Decider, question: str, area: str | None, lang: str) -> str:
    """`ask --explain`: every signal of the top candidates, the decision's features, and a
    rule that declines the message before any entry is offered."""
    matcher = decider.matcher_for(lang)
    signals, features = matcher.explain(question, area)
    names = [f.name for f in fields(Signal)][1:]
    lines = [f"explain: {question}", f"  {'candidate':<32}" + "".join(f"{n:>13}" for n in names)]
    lines += [f"  {s.entry_id:<32}" + "".join(f"{getattr(s, n):>13.4f}" for n in names) for s in signals]
    if features is not None:
        lines.append("  features: " + ", ".join(f"{f.name} {getattr(features, f.name):.3f}" for f in fields(features)))
    rules = {"names_place_of": matcher.names_place_of(question), "past_age_of": matcher.past_age_of(question)}
    lines += [f"  rule {rule}: declined as {kind}" for rule, kind in rules.items() if kind]
    return "\n".join(lines)


def _ask(settings: Settings, args: argparse.Namespace) -> int:
    kb = load_knowledge(settings.knowledge_dir)
    decider = Decider(kb)
    presenter = Presenter(kb, I18n(settings.locales_dir))
    if args.area and args.area not in kb.areas and args.area != "england":
        print(f"unknown area '{args.area}'; use one of: {', '.join([*kb.areas, 'england'])}", file=sys.stderr)
        return 2
    for question in _questions(args):
        if args.explain:
            print(explain_text(decider, question, args.area, args.lang), flush=True)
        decision = decider.decide(question, args.area, args.lang)
        text = presenter.text(decision, args.area, args.lang)
        if args.json:
            print(json.dumps(answer_json(decision, text, kb, args.lang), ensure_ascii=False), flush=True)
        else:
            entry, shown = decision.first, decision.shown
            title = entry.title.get_text(args.lang) if entry else "-"
            score = shown.best.score if shown.best else 0.0
            print(f"Q: {question}\n[{shown.status}] {title} ({score:.2f})\n{text}\n", flush=True)
    return 0


def _eval(settings: Settings, args: argparse.Namespace) -> int:
    from sendbot.answering.evaluate import evaluate, load_eval

    kb = load_knowledge(settings.knowledge_dir)
    report = evaluate(Decider(kb), load_eval(args.files, set(kb.entries), args.split))
    if args.json:
        print(report.as_json())
        return 0
    print(report.summary())
    if not args.quiet and report.misses:
        print(f"misses ({len(report.misses)}):")
        for miss in report.misses:
            print(f"  {miss}")
    return 0


def _backup(settings: Settings, target: Path) -> int:
    from sendbot.store.sqlite import SqliteStore

    if not settings.db_path.exists():
        print(f"there is no database at {settings.db_path} (set SENDBOT_DB to the bot's database)", file=sys.stderr)
        return 2
    if target.exists():
        print(f"{target} exists already; choose a new file name", file=sys.stderr)
        return 2
    store = SqliteStore(settings.db_path)
    try:
        store.backup(target)
    finally:
        store.close()
    print(f"Backed up {settings.db_path} to {target}.")
    return 0


def _chat(settings: Settings, lang: str | None = None) -> int:
    from sendbot.app import build_conversation
    from sendbot.channels.terminal import run_terminal

    conversation = build_conversation(settings)
    return run_terminal(conversation, sys.stdin, sys.stdout, lang=lang)


def _telegram(settings: Settings) -> int:
    from sendbot.logsetup import configure_logging

    if not settings.token:
        print("Set TELEGRAM_BOT_TOKEN to run on Telegram, or run `sendbot chat`.", file=sys.stderr)
        return 2
    configure_logging(settings.token)
    from sendbot.app import build_conversation
    from sendbot.channels.telegram import run_telegram

    run_telegram(build_conversation(settings), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
