"""Shared fixtures: the real knowledge base, a real SQLite store, and the fake Bot API."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from sendbot.answering.decide import Decider
from sendbot.channels.telegram import App, build_application
from sendbot.config import Settings
from sendbot.conversation.dialogue import Conversation
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.knowledge.model import KnowledgeBase
from sendbot.store.base import Store
from sendbot.store.sqlite import SqliteStore
from tests.fakebotapi import FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
KB_SMALL = ROOT / "tests" / "fixtures" / "kb_small"
LOCALES = ROOT / "locales"


def small_app(store: Store, settings: Settings) -> App:
    """The real bot Application over the small test knowledge base, with this store."""
    return build_application(Conversation(load_knowledge(KB_SMALL), store, I18n(LOCALES)), settings)


def copy_knowledge(tmp_path: Path) -> Path:
    """A copy of the real knowledge base under ``tmp_path``, for a test to change."""
    root = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", root)
    return root


@pytest.fixture(scope="session")
def full_kb() -> KnowledgeBase:
    """The project's own knowledge base, loaded once (tests only read it)."""
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="session")
def full_decider(full_kb: KnowledgeBase) -> Decider:
    """The real answering path over the real knowledge base, built once."""
    return Decider(full_kb)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A real SQLite store in a fresh file, closed after the test."""
    store = SqliteStore(tmp_path / "db.sqlite")
    yield store
    store.close()


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotAPI]:
    server = FakeBotAPI()
    await server.start()
    yield server
    await server.stop()
