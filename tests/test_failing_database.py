"""A database that fails while the bot runs: an error in the log (without the message) and a
kind reply in the parent's language, never silence (issue 11)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sendbot.store.sqlite import SqliteStore
from tests.conftest import small_app
from tests.fakebotapi import FakeBotAPI, bot_settings


async def test_a_failing_database_gets_a_kind_reply_and_an_error_logged(
    fake_api: FakeBotAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = bot_settings(fake_api, tmp_path / "bot.db")
    store = SqliteStore(settings.db_path)
    app = small_app(store, settings)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        fake_api.push_text(1, "/start")
        await fake_api.wait_for("sendMessage")
        with store._lock:  # not under a worker thread's feet (closing a connection in use crashes)
            store._conn.close()  # every database call now fails
        with caplog.at_level(logging.ERROR):
            fake_api.push_text(1, "a private question about my son")
            calls = await fake_api.wait_for("sendMessage", 2)
        await app.updater.stop()
        await app.stop()
    assert "went wrong" in calls[-1].params["text"]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("sendbot")]
    assert any("database failed" in e for e in errors)
    assert not any("private question" in e for e in errors)
