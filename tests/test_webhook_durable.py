"""Webhook mode answers Telegram's POST with 200 only once the update is in the inbox, so a
crash after the 200 cannot lose it (issue 11)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import aiohttp

from sendbot.channels.telegram import ALLOWED_UPDATES, WEBHOOK_PATH, webhook_options
from sendbot.config import Settings
from sendbot.store.sqlite import SqliteStore
from tests.conftest import small_app
from tests.fakebotapi import TOKEN, FakeBotAPI
from tests.test_e2e_webhook import SECRET, free_port, update


async def test_webhook_200_comes_after_the_update_is_stored(fake_api: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake_api.base_url,
            "SENDBOT_DB": str(tmp_path / "db.sqlite"),
            "SENDBOT_WEBHOOK_URL": "https://bot.example.org/telegram",
            "SENDBOT_WEBHOOK_SECRET": SECRET,
            "SENDBOT_WEBHOOK_PORT": str(port),
        }
    )
    store = SqliteStore(settings.db_path)
    app = small_app(store, settings)
    options = webhook_options(settings)
    assert options["allowed_updates"] == ALLOWED_UPDATES
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(**options)
        url = f"http://127.0.0.1:{port}/{WEBHOOK_PATH}"
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with (
            aiohttp.ClientSession(headers=headers) as http,
            http.post(url, data=json.dumps(update("how do i ask for an ehc needs assessment"))) as response,
        ):
            assert response.status == 200
            with sqlite3.connect(settings.db_path) as conn:
                assert conn.execute("SELECT COUNT(*) FROM inbox WHERE update_id = 1").fetchone()[0] == 1
        await fake_api.wait_for("sendMessage")
        await app.updater.stop()
        await app.stop()
    store.close()
