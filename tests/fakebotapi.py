"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests.

The real python-telegram-bot `Application` talks to it over HTTP (it is the Bot's
`base_url`), exactly as it would to Telegram: long-polling `getUpdates`, then `sendMessage`,
`editMessageText`, `answerCallbackQuery`, `sendDocument`, `getFile` and the file download.
Tests push updates in and assert on the calls that come out. Nothing of PTB is mocked.

Faults can be injected, as Telegram produces them: a messages-per-second limit answered
with 429 and `retry_after` (`rate_limit`; `chat_rate_limit` for one chat), 400 "can't
parse entities" (`parse_errors`), a connection dropped after the message was delivered
(`drop_after_delivery`: the sender cannot know it arrived), and sends held unanswered
(`hold_sends`, for killing the bot with replies in flight; a held send is not delivered).
`calls` holds what was delivered; `refused` what was answered with an error."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from sendbot.config import Settings

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuv"
BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "SENDbot",
    "username": "sendbot_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)  # when it arrived, for benchmarks/e2e.py
    result: Any = None  # what the fake answered (a sent message carries its message_id)


class FakeBotAPI:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.fail_next: dict[str, int] = {}  # method -> HTTP error count to inject
        self.files: dict[str, bytes] = {}  # file_id -> content, for getFile and the download
        self.refused: list[Call] = []
        self.rate_limit: float | None = None  # sends per second over all chats, then 429
        self.parse_errors = 0  # next HTML sends refused with "can't parse entities"
        self.drop_after_delivery = 0  # next sends delivered, then the connection is dropped
        self.hold_sends = False  # sends wait unanswered (and undelivered) while True
        self._released = asyncio.Event()
        self._sent_times: list[float] = []
        self.chat_rate_limit: int | None = None  # sends to one chat in any second, then 429
        self._chat_sent: dict[Any, list[float]] = {}
        self.get_updates_params: list[dict[str, Any]] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("POST", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path}", self._download)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what tests use -------------------------------------------------------------------

    def release_sends(self) -> None:
        self.hold_sends = False
        self._released.set()

    def push_edited(self, chat_id: int, text: str) -> None:
        self.push_text(chat_id, text, kind="edited_message")

    def push_text(
        self, chat_id: int, text: str, language_code: str = "en", chat_type: str = "private", kind: str = "message"
    ) -> int:
        """Queue a message for getUpdates; returns its update_id."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": chat_type, "first_name": "Parent", "title": "A group"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Parent", "language_code": language_code},
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if kind == "edited_message":
            message["edit_date"] = int(time.time())
        return self._push({kind: message})

    def push_sticker(self, chat_id: int) -> None:
        self._push(
            {
                "message": {
                    "message_id": next(self._message_ids),
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "from": {"id": chat_id, "is_bot": False, "first_name": "Parent"},
                    "sticker": {
                        "file_id": "s1",
                        "file_unique_id": "u1",
                        "type": "regular",
                        "width": 512,
                        "height": 512,
                        "is_animated": False,
                        "is_video": False,
                    },
                }
            }
        )

    def push_document(self, chat_id: int, filename: str, content: bytes, mime_type: str) -> None:
        """A file the parent sends (its content is served to getFile and the download)."""
        file_id = f"file{len(self.files) + 1}"
        self.files[file_id] = content
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        self._push(
            {
                "message": {
                    "message_id": next(self._message_ids),
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private", "first_name": "Parent"},
                    "from": {"id": chat_id, "is_bot": False, "first_name": "Parent", "language_code": "en"},
                    "document": document,
                }
            }
        )

    def push_button(self, chat_id: int, data: str, message_id: int | None = None) -> str:
        query_id = f"cq{next(self._update_ids)}"
        message = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "text": "an earlier message",
        }
        self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "chat_instance": "ci",
                    "from": {"id": chat_id, "is_bot": False, "first_name": "Parent", "language_code": "en"},
                    "message": message,
                    "data": data,
                }
            }
        )
        return query_id

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until `method` has been called `count` times in all; return those calls."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.calls_to(method)) < count:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                made = [c.method for c in self.calls]
                raise AssertionError(f"expected {count} call(s) to {method}; calls made: {made}")
            self._new_call.clear()
            try:
                await asyncio.wait_for(self._new_call.wait(), remaining)
            except TimeoutError:
                continue
        return self.calls_to(method)

    # --- the server -----------------------------------------------------------------------

    def _push(self, update: dict[str, Any]) -> int:
        update["update_id"] = next(self._update_ids)
        self._updates.append(update)
        self._new_update.set()
        return int(update["update_id"])

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            params = await request.json()
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = value.file.read()
                    params[f"{key}_filename"] = value.filename
                    continue
                try:
                    params[key] = json.loads(value)
                except (TypeError, ValueError):
                    params[key] = value
        return params, files

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params, files = await self._params(request)
        if method == "getUpdates":
            self.get_updates_params.append(params)
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        call = Call(method, params, files)
        if method in SEND_METHODS:
            fault = await self._send_fault(request, call)
            if fault is not None:
                return fault
        self.calls.append(call)
        self._new_call.set()
        if method in SEND_METHODS and self.drop_after_delivery:
            self.drop_after_delivery -= 1
            if request.transport is not None:
                request.transport.close()  # delivered, but the bot never hears so
            raise ConnectionResetError("dropped after delivery")
        if self.fail_next.get(method):
            self.fail_next[method] -= 1
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: injected"}, status=400
            )
        call.result = self._result(method, params, files)
        return web.json_response({"ok": True, "result": call.result})

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN or request.match_info["path"] not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[request.match_info["path"]])

    async def _send_fault(self, request: web.Request, call: Call) -> web.Response | None:
        """The error Telegram would answer this send with, if any (and it is not delivered)."""
        while self.hold_sends:
            self._released.clear()
            await self._released.wait()
        if request.transport is None or request.transport.is_closing():
            return web.Response(status=499)  # the sender is gone (killed): never delivered
        if self.parse_errors and call.params.get("parse_mode"):
            self.parse_errors -= 1
            self.refused.append(call)
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: can't parse entities: injected"},
                status=400,
            )
        if self.chat_rate_limit is not None:
            now = time.monotonic()
            chat = call.params.get("chat_id")
            recent = [t for t in self._chat_sent.get(chat, []) if now - t < 1.0]
            if len(recent) >= self.chat_rate_limit:
                self.refused.append(call)
                return _too_many()
            self._chat_sent[chat] = [*recent, now]
        if self.rate_limit is not None:
            now = time.monotonic()
            self._sent_times = [t for t in self._sent_times if now - t < 1.0]
            if len(self._sent_times) >= self.rate_limit:
                self.refused.append(call)
                return _too_many()
            self._sent_times.append(now)
        return None

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), float(params.get("timeout") or 0))
        return [u for u in self._updates if u["update_id"] >= offset]

    def _result(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getFile":
            file_id = str(params.get("file_id"))
            return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_path": file_id}
        if method in ("sendMessage", "editMessageText", "sendDocument"):
            message: dict[str, Any] = {
                "message_id": params.get("message_id") or next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                "from": BOT_USER,
            }
            if method == "sendDocument":
                message["document"] = {
                    "file_id": "doc1",
                    "file_unique_id": "udoc1",
                    "file_name": params.get("document_filename", "file"),
                }
            else:
                message["text"] = params.get("text", "")
            return message
        return True


def _too_many() -> web.Response:
    """Telegram's flood-control answer."""
    return web.json_response(
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
        status=429,
    )


SEND_METHODS = frozenset({"sendMessage", "editMessageText", "sendDocument"})


TEST_CHAT_RATE = "1000"


def bot_settings(api: FakeBotAPI, db: Path, **extra: str) -> Settings:
    """Settings for a bot that talks to this fake server, on the small test knowledge base."""
    from tests.conftest import KB_SMALL

    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "SENDBOT_DB": str(db),
        "SENDBOT_KNOWLEDGE": str(KB_SMALL),
        # One parent's whole conversation, typed faster than any parent types: Telegram's
        # per-chat limit (1 a second after a burst) would only make these tests wait. It is
        # tested in tests/test_ratelimit.py and kept in tests/harness.py's real process.
        "SENDBOT_MAX_MESSAGES_PER_CHAT_PER_SECOND": TEST_CHAT_RATE,
        **extra,
    }
    return Settings.from_env(env)
