"""The bot's calls to the Bot API over aiohttp: `AiohttpRequest`, a python-telegram-bot
`BaseRequest` (PTB's documented way to use another HTTP library).

Why not PTB's own `HTTPXRequest`: httpx, httpcore and anyio are pure Python, and httpcore
checks every pooled connection's socket (two system calls each) whenever a request starts
or ends; a call cost about 1 ms of CPU here against 0.15 ms with aiohttp, whose HTTP parser
is compiled. Every answer takes two calls ("typing...", then the answer), so this was most
of the bot's CPU per update (docs/benchmarks.md, "End to end").

Parameters go up as a JSON body (the Bot API takes application/json as well as forms): PTB's
form encoding (`urlencode`, character by character in Python) cost about 50 microseconds of
CPU a message against 6 for `json.dumps`, and under 1 for orjson, which also reads the
answers (`parse_json_payload`). Files still go up as multipart.

The contract is HTTPXRequest's: the status and body come back and PTB turns them into its
errors; a time-out raises `TimedOut`, any other failure of the connection `NetworkError`.
aiohttp never resends a POST by itself, so a reply is sent at most once per call."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import orjson
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUT_SECONDS = 5.0  # PTB's defaults for reading and connecting
MEDIA_WRITE_TIMEOUT_SECONDS = 20.0  # PTB's default for uploads (a .docx or .ics)
JSON_TYPE = "application/json"
JSONDict = dict[str, Any]  # a JSON object of the Bot API's


def _seconds(value: object, default: float | None) -> float | None:
    """A time-out passed to `do_request`: a number, None (no limit), or PTB's "not given"."""
    if value is None or isinstance(value, (int, float)):
        return value
    return default


def _sum(*parts: float | None) -> float | None:
    """Time-outs added up; None (no limit) if any part has none."""
    return None if any(part is None for part in parts) else sum(part or 0.0 for part in parts)


class AiohttpRequest(BaseRequest):
    """PTB's requests on one aiohttp session, at most ``connection_pool_size`` at once;
    a request waits up to ``pool_timeout`` seconds for a free connection."""

    __slots__ = ("_connect_timeout", "_pool_size", "_pool_timeout", "_read_timeout", "_session")

    def __init__(
        self,
        connection_pool_size: int,
        read_timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
        connect_timeout: float | None = DEFAULT_TIMEOUT_SECONDS,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """Telegram's answer, read by orjson (a quarter of `json.loads`'s time); what orjson
        refuses and the standard library reads (an unpaired surrogate escape) is read as PTB
        reads it. Unlike PTB's own, an answer that cannot be read is not logged: Telegram
        echoes every message sent, and those hold what parents wrote."""
        try:
            answer: JSONDict = orjson.loads(payload)
            return answer
        except orjson.JSONDecodeError:
            pass
        try:
            answer = json.loads(payload.decode("utf-8", "replace"))
        except ValueError:
            raise TelegramError("Invalid server response") from None
        return answer

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none: nothing to keep
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        headers = {"User-Agent": self.USER_AGENT}
        body: aiohttp.FormData | bytes | None = None
        if files and request_data:
            body = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                body.add_field(name, value)
            for name, (filename, content, mime_type) in files.items():
                body.add_field(name, content, filename=filename, content_type=mime_type)
        elif request_data:
            # Encoded here: given a dict, aiohttp builds a multipart writer (and a uuid4) first.
            body = orjson.dumps(request_data.parameters)
            headers["Content-Type"] = JSON_TYPE
        connect = _seconds(connect_timeout, self._connect_timeout)
        read = _seconds(read_timeout, self._read_timeout)
        if files:  # aiohttp has no time-out for writing: an upload's is added to the wait for the answer
            read = _sum(read, _seconds(write_timeout, MEDIA_WRITE_TIMEOUT_SECONDS))
        timeout = aiohttp.ClientTimeout(
            connect=_sum(_seconds(pool_timeout, self._pool_timeout), connect), sock_connect=connect, sock_read=read
        )
        try:
            async with session.request(method, url, data=body, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except (asyncio.TimeoutError, TimeoutError) as error:  # distinct classes before Python 3.11
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
