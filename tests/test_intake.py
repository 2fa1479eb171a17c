"""A getUpdates batch is kept in the inbox, in one transaction, before PTB's Updater sees it
(and so before the next offset confirms it to Telegram); the queue then dispatches each
update once, without writing it again (sendbot/channels/intake.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from sendbot.channels.intake import DurableQueue, KeepingBot
from sendbot.channels.telegram import QUEUE_KEY
from sendbot.store.sqlite import SqliteStore
from tests.conftest import small_app
from tests.fakebotapi import FakeBotAPI, bot_settings


def test_a_batch_is_kept_in_one_go_and_only_new_updates_count(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "bot.db")
    assert store.inbox_add(1, 42, "{}")
    assert store.inbox_add_all([(1, 42, "{}"), (2, 42, "{}"), (3, 43, "{}")]) == {2, 3}
    assert [row.update_id for row in store.inbox_pending()] == [1, 2, 3]
    assert store.inbox_add_all([]) == set()


async def test_get_updates_keeps_the_batch_before_returning_it(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    settings = bot_settings(fake_api, tmp_path / "bot.db")
    store = SqliteStore(settings.db_path)
    app = small_app(store, settings)
    assert isinstance(app.bot, KeepingBot)
    ids = [fake_api.push_text(chat, "hello") for chat in (1, 2, 2)]
    async with app:  # initialised, not started: nothing takes the updates from the queue
        updates = await app.bot.get_updates(timeout=0)
        assert [u.update_id for u in updates] == ids
        assert [row.update_id for row in store.inbox_pending()] == ids  # on disk already
        queue = app.bot_data[QUEUE_KEY]
        assert isinstance(queue, DurableQueue)
        again = await app.bot.get_updates(timeout=0)  # not confirmed yet: Telegram sends them again
        assert not any(queue._kept[u.update_id] for u in again)  # kept before: not handled twice


async def test_the_inbox_keeps_each_update_as_telegram_sent_it(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    settings = bot_settings(fake_api, tmp_path / "bot.db")
    store = SqliteStore(settings.db_path)
    app = small_app(store, settings)
    fake_api.push_text(1, "hello")
    fake_api.push_text(2, "zdravím")
    sent = [json.loads(json.dumps(update)) for update in fake_api._updates]
    async with app:
        await app.bot.get_updates(timeout=0)
    assert [json.loads(row.body) for row in store.inbox_pending()] == sent


async def test_updates_answered_together_are_marked_handled_together(
    fake_api: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = bot_settings(fake_api, tmp_path / "bot.db")
    store = SqliteStore(settings.db_path)
    app = small_app(store, settings)
    queue = app.bot_data[QUEUE_KEY]
    assert isinstance(queue, DurableQueue)
    writes: list[list[int]] = []
    mark = store.inbox_handled_all

    def recorded(update_ids: Sequence[int]) -> None:
        writes.append(list(update_ids))
        mark(update_ids)

    monkeypatch.setattr(store, "inbox_handled_all", recorded)
    # Edited messages: no handler takes them, so all are done in the same turn of the event loop.
    updates = [Update.de_json({"update_id": n, "edited_message": _message(n)}, app.bot) for n in range(1, 21)]
    async with app:
        await queue.keep(updates)
        for update in updates:
            await queue.put(update)
        await queue.drain(10)
    assert store.inbox_pending() == []
    assert sorted(n for ids in writes for n in ids) == list(range(1, 21))
    assert len(writes) < len(updates)


def _message(chat: int) -> dict[str, Any]:
    user = {"id": chat, "is_bot": False, "first_name": "Parent"}
    return {
        "message_id": 1,
        "date": 0,
        "edit_date": 1,
        "chat": {"id": chat, "type": "private"},
        "from": user,
        "text": "x",
    }
