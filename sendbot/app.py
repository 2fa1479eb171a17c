"""Assembling the parts from settings: what `sendbot` runs, whichever the transport."""

from __future__ import annotations

from sendbot.config import Settings
from sendbot.core import Conversation
from sendbot.i18n import I18n
from sendbot.knowledge import load_knowledge
from sendbot.storage import Store


def build_conversation(settings: Settings) -> Conversation:
    """Load and check the knowledge base (raising DataError if broken), open the store."""
    kb = load_knowledge(settings.knowledge_dir)
    return Conversation(kb, Store(settings.db_path), I18n(settings.locales_dir))
