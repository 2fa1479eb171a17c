"""Webhook mode end to end: PTB's own webhook server, our options, the secret token enforced."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import aiohttp
import pytest

from sendbot.channels.telegram import WEBHOOK_PATH, build_application, webhook_options
from sendbot.config import Settings
from sendbot.conversation.dialogue import Conversation
from sendbot.i18n import I18n
from sendbot.knowledge.loader import load_knowledge
from sendbot.store.sqlite import SqliteStore
from tests.conftest import KB_SMALL, LOCALES
from tests.fakebotapi import TOKEN, FakeBotAPI

SECRET = "s3cret-token_for-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def update(text: str) -> dict[str, object]:
    return {
        "update_id": 1,
        "message": {
            "message_id": 5,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": 77, "type": "private"},
            "from": {"id": 77, "is_bot": False, "first_name": "Parent"},
        },
    }


async def test_webhook_accepts_only_the_secret(fake_api: FakeBotAPI, tmp_path: Path) -> None:
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
    conversation = Conversation(load_knowledge(KB_SMALL), SqliteStore(settings.db_path), I18n(LOCALES))
    app = build_application(conversation, settings)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(**webhook_options(settings))
        (set_webhook,) = await fake_api.wait_for("setWebhook")
        assert set_webhook.params["url"] == "https://bot.example.org/telegram"
        assert set_webhook.params["secret_token"] == SECRET
        url = f"http://127.0.0.1:{port}/{WEBHOOK_PATH}"
        body = json.dumps(update("how do i ask for an ehc needs assessment"))
        async with aiohttp.ClientSession(headers={"Content-Type": "application/json"}) as http:
            async with http.post(url, data=body) as forged:
                assert forged.status == 403  # no secret: refused
            async with http.post(url, data=body, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as real:
                assert real.status == 200
        (sent,) = await fake_api.wait_for("sendMessage")
        assert "How to ask for an EHC needs assessment" in sent.params["text"]
        await app.updater.stop()
        await app.stop()


def test_webhook_without_secret_refuses_to_start() -> None:
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "SENDBOT_WEBHOOK_URL": "https://bot.example.org/t"})
    with pytest.raises(SystemExit, match="SENDBOT_WEBHOOK_SECRET"):
        webhook_options(settings)
