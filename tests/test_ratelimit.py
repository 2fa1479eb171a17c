"""Telegram's per-chat limit for private chats (sendbot/channels/ratelimit.py): a burst goes
out at once, the next message of that chat waits for its bucket, other chats, groups and
"typing..." are not held back. The buckets drain so slowly here that nothing depends on time."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from sendbot.channels.ratelimit import MAX_IDLE_BUCKETS, ChatRateLimiter
from sendbot.config import Settings

SLOW = 0.001  # messages a second: a held-back call stays held for the whole test
UNLIMITED = 1_000_000.0


def limiter(burst: int = 3) -> ChatRateLimiter:
    return ChatRateLimiter(SLOW, burst, overall_max_rate=UNLIMITED, group_max_rate=0)


async def _send(rl: ChatRateLimiter, sent: list[Any], endpoint: str, chat_id: Any) -> None:
    async def call() -> bool:
        sent.append((endpoint, chat_id))
        return True

    await rl.process_request(call, (), {}, endpoint, {"chat_id": chat_id}, None)


async def _settle() -> None:
    for _ in range(20):  # let every call that can go through go through
        await asyncio.sleep(0)


async def test_a_burst_goes_out_then_the_chat_waits_and_others_do_not() -> None:
    rl, sent = limiter(burst=3), []
    tasks = [asyncio.create_task(_send(rl, sent, "sendMessage", 42)) for _ in range(4)]
    await _settle()
    assert sent == [("sendMessage", 42)] * 3  # the answer's three messages at once; the fourth waits
    others = [
        asyncio.create_task(_send(rl, sent, "sendMessage", 43)),  # another parent
        asyncio.create_task(_send(rl, sent, "sendChatAction", 42)),  # "typing..." is not a message
        asyncio.create_task(_send(rl, sent, "sendMessage", -100123)),  # a group: PTB's own limit
        asyncio.create_task(_send(rl, sent, "sendMessage", "@channel")),
    ]
    await asyncio.gather(*others)
    assert sent[3:] == [
        ("sendMessage", 43),
        ("sendChatAction", 42),
        ("sendMessage", -100123),
        ("sendMessage", "@channel"),
    ]
    assert not tasks[3].done()
    for task in tasks:
        task.cancel()


async def test_typing_passes_the_overall_limit_too() -> None:
    rl, sent = ChatRateLimiter(SLOW, 3, overall_max_rate=1, overall_time_period=1000, group_max_rate=0), []
    await _send(rl, sent, "sendMessage", 42)  # the whole bot's allowance for a long while
    held = asyncio.create_task(_send(rl, sent, "sendMessage", 43))
    await _settle()
    await _send(rl, sent, "sendChatAction", 43)  # "typing..." is not a message: not held
    assert sent == [("sendMessage", 42), ("sendChatAction", 43)]
    assert not held.done()
    held.cancel()


def test_only_private_messages_have_a_bucket() -> None:
    rl = limiter()
    assert rl.chat_limiter("sendMessage", {"chat_id": 42}) is rl.chat_limiter("editMessageText", {"chat_id": "42"})
    assert rl.chat_limiter("sendChatAction", {"chat_id": 42}) is None
    assert rl.chat_limiter("sendMessage", {"chat_id": -5}) is None
    assert rl.chat_limiter("answerCallbackQuery", {"callback_query_id": "1"}) is None


async def test_buckets_of_quiet_chats_are_dropped() -> None:
    rl = limiter()
    for chat in range(1, MAX_IDLE_BUCKETS + 2):
        rl.chat_limiter("sendMessage", {"chat_id": chat})
    assert len(rl._chats) <= MAX_IDLE_BUCKETS


def test_settings_read_the_per_chat_limit() -> None:
    settings = Settings.from_env({"SENDBOT_MAX_MESSAGES_PER_CHAT_PER_SECOND": "0.5", "SENDBOT_CHAT_BURST": "5"})
    assert (settings.max_messages_per_chat_per_second, settings.chat_burst) == (0.5, 5)
    default = Settings.from_env({})
    assert (default.max_messages_per_chat_per_second, default.chat_burst) == (1.0, 3)


@pytest.mark.parametrize(("rate", "burst"), [(0.0, 3), (1.0, 0)])
def test_a_chat_limit_that_would_never_send_is_refused(rate: float, burst: int) -> None:
    with pytest.raises(ValueError):
        ChatRateLimiter(rate, burst)
