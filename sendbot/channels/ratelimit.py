"""Telegram's per-chat limit for private chats, on top of PTB's `AIORateLimiter`.

Telegram's bot FAQ: about one message a second in a particular chat, short bursts allowed
(a 429 with `retry_after` beyond that). PTB's AIORateLimiter keeps the bot under the limit
for all chats together and for each group, but leaves a private chat alone. `ChatRateLimiter`
adds a leaky bucket per private chat: ``burst`` messages at once (an answer of two or three
messages goes out at once), then ``per_second`` a second. "typing..." is not a message: it
passes both limits (each answer is preceded by one, so counting them would halve the answers
a second), and one refused is only logged by the caller. A chat's calls wait for its own
bucket before they take a place in the overall one, so a chat held back holds no one up."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

NOT_MESSAGES = frozenset({"sendChatAction"})  # put nothing in the chat: past both limits
MAX_IDLE_BUCKETS = 512  # past this many buckets, those of chats at rest (full capacity) are dropped

Result = bool | dict[str, Any] | list[dict[str, Any]]


class ChatRateLimiter(AIORateLimiter):
    """AIORateLimiter (all chats together, groups, waiting out RetryAfter) plus a bucket per
    private chat: ``burst`` messages at once, then ``per_second`` a second."""

    def __init__(self, per_second: float, burst: int, **limits: Any) -> None:
        if per_second <= 0 or burst < 1:
            raise ValueError("a chat's rate must be positive and its burst at least 1")
        super().__init__(**limits)
        self._chat_burst = burst
        self._chat_period = burst / per_second  # the bucket drains ``per_second`` a second
        self._chats: dict[int, AsyncLimiter] = {}

    def chat_limiter(self, endpoint: str, data: dict[str, Any]) -> AsyncLimiter | None:
        """The bucket a call waits for: its private chat's, or None (a group, no chat, not a message)."""
        if endpoint in NOT_MESSAGES:
            return None
        try:
            chat_id = int(data.get("chat_id"))  # type: ignore[arg-type]  # None is caught
        except (TypeError, ValueError):  # no chat, or a channel's @name
            return None
        if chat_id <= 0:  # a group's or a channel's id is negative
            return None
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if len(self._chats) >= MAX_IDLE_BUCKETS:
                self._chats = {k: v for k, v in self._chats.items() if not v.has_capacity(self._chat_burst)}
            bucket = self._chats[chat_id] = AsyncLimiter(self._chat_burst, self._chat_period)
        return bucket

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        if endpoint in NOT_MESSAGES:
            return await callback(*args, **kwargs)
        bucket = self.chat_limiter(endpoint, data)
        if bucket is None:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        async with bucket:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
