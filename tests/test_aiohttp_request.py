"""The bot's HTTP client (sendbot/channels/aiohttp_request.py) keeps PTB's contract: answers
and Telegram's errors come back as PTB's, a time-out is `TimedOut`, a dead connection
`NetworkError`, parameters go up as JSON and a file as multipart."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from sendbot.channels.aiohttp_request import AiohttpRequest
from tests.fakebotapi import BOT_USER, TOKEN, FakeBotAPI

SLOW_SECONDS = 2.0  # the stalled server answers after this; the request gives up long before


async def _bot(base_url: str, request: AiohttpRequest) -> Bot:
    bot = Bot(TOKEN, base_url=base_url, request=request, get_updates_request=AiohttpRequest(1))
    await bot.initialize()
    return bot


async def test_messages_and_files_reach_the_api(fake_api: FakeBotAPI) -> None:
    bot = await _bot(fake_api.base_url, AiohttpRequest(4))
    try:
        sent = await bot.send_message(42, "Hello & welcome")
        await bot.send_document(42, InputFile(b"BEGIN:VCALENDAR", filename="dates.ics"))
    finally:
        await bot.shutdown()
    assert sent.text == "Hello & welcome"
    document = fake_api.calls_to("sendDocument")[0]
    assert int(document.params["chat_id"]) == 42
    assert document.files["document"] == b"BEGIN:VCALENDAR"


async def test_telegram_refusals_are_ptb_errors(fake_api: FakeBotAPI) -> None:
    fake_api.parse_errors = 1
    bot = await _bot(fake_api.base_url, AiohttpRequest(4))
    try:
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(42, "<b>", parse_mode="HTML")
    finally:
        await bot.shutdown()


async def test_parameters_go_up_as_json(unused_tcp_port: int) -> None:
    seen: list[tuple[str, object]] = []

    async def record(request: web.Request) -> web.Response:
        if request.match_info["method"] == "getMe":
            return web.json_response({"ok": True, "result": BOT_USER})
        seen.append((request.content_type, await request.json()))
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", record)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    bot = await _bot(f"http://127.0.0.1:{unused_tcp_port}/bot", AiohttpRequest(4))
    try:
        await bot.send_chat_action(42, "typing")
        await bot.set_my_description("Zażółć & <b>", language_code="pl")
    finally:
        await bot.shutdown()
        await runner.cleanup()
    assert seen == [
        ("application/json", {"chat_id": 42, "action": "typing"}),
        ("application/json", {"description": "Zażółć & <b>", "language_code": "pl"}),
    ]


def test_answers_orjson_refuses_are_read_as_ptb_reads_them() -> None:
    assert AiohttpRequest.parse_json_payload(b'{"ok": true, "result": "\\ud800"}') == {"ok": True, "result": "\ud800"}


def test_an_unreadable_answer_is_an_error_that_logs_nothing_of_it(caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(TelegramError, match="Invalid server response"):
        AiohttpRequest.parse_json_payload(b'{"ok": true, "result": {"text": "my son Sam')
    assert "Sam" not in caplog.text


@pytest.fixture
async def stalled_url() -> AsyncIterator[str]:
    async def stall(request: web.Request) -> web.Response:
        await asyncio.sleep(SLOW_SECONDS)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", stall)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/bot"
    await runner.cleanup()


async def _post(url: str, request: AiohttpRequest) -> None:
    await request.initialize()
    try:
        await request.post(f"{url}{TOKEN}/sendMessage")
    finally:
        await request.shutdown()


async def test_a_time_out_is_timed_out(stalled_url: str) -> None:
    with pytest.raises(TimedOut):
        await _post(stalled_url, AiohttpRequest(4, read_timeout=0.1))


async def test_no_server_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError) as caught:
        await _post(f"http://127.0.0.1:{port}/bot", AiohttpRequest(4))
    assert not isinstance(caught.value, TimedOut)  # a subclass of NetworkError in PTB
