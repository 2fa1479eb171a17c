"""Assembling the parts from settings: what `sendbot` runs, whichever the transport."""

from __future__ import annotations

from sendbot.case.data import load_case_knowledge
from sendbot.case.store import CaseStore
from sendbot.clock import Clock, utc_now
from sendbot.config import Settings
from sendbot.conversation.dialogue import Conversation
from sendbot.conversation.mycase import CaseFiles
from sendbot.deadlines import check_entry_links, load_timelines
from sendbot.deadlines.translations import translate_timelines
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.knowledge.problems import DataError
from sendbot.store.sqlite import SqliteStore


def build_conversation(settings: Settings, clock: Clock = utc_now) -> Conversation:
    """Load and check the knowledge base, its timelines and the case data (raising DataError
    if any is broken, as `sendbot check` would report), open the store."""
    kb = load_knowledge(settings.knowledge_dir)
    timelines_dir = settings.timelines_dir
    timelines, problems = load_timelines(timelines_dir) if timelines_dir.exists() else ({}, [])
    translated = translate_timelines(settings.knowledge_dir, timelines, kb.not_translated_notes, problems)
    errors = [p for p in problems + check_entry_links(timelines, kb.entries) if not p.warning]
    if errors:
        raise DataError(errors)
    return Conversation(
        kb,
        SqliteStore(settings.db_path, clock),
        I18n(settings.locales_dir),
        clock=clock,
        timelines=timelines,
        case_files=case_files(settings),
        translated_timelines=translated,
    )


def case_files(settings: Settings) -> CaseFiles | None:
    """The "My case" tables (in the bot's database) and data, passed in (the case package
    reads no settings). None for a knowledge folder without letters (a test fixture)."""
    if not (settings.knowledge_dir / "letters").is_dir():
        return None
    return CaseFiles(CaseStore(settings.db_path), load_case_knowledge(settings.knowledge_dir))
