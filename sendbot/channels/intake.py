"""Durable intake: every update is written to the inbox before Telegram is told it arrived,
and handled once, in order within its chat, concurrently across chats.

PTB's Updater (polling or webhook) puts each update into the Application's `update_queue`
and only then confirms it: in polling the next `getUpdates` offset moves past it, in webhook
mode the HTTP request is answered 200. `DurableQueue` is that queue: its `put` writes the
update to the inbox first (off the event loop), so a crash at any moment leaves every
unanswered update either unconfirmed at Telegram (sent again) or in the inbox (handled at
start-up). In polling, `KeepingBot.get_updates` keeps a whole batch in one transaction
before the Updater sees it (one flush to disk per batch, not per update), each update as
Telegram sent it (`UpdatesRequest`), and `put` then only dispatches. Updates are not handed
to PTB's own fetcher: each chat gets a worker that runs `Application.process_update` on its
updates one at a time, so one chat's messages stay in order while different chats are
answered at the same time. The handlers keep the replies they worked out with the update and
count them as they are sent (channels/outbox.py); once all are sent the update is marked
handled. After a crash, an update whose replies were already worked out is not handled
again: only its unsent replies are sent (``replay``). An update seen again (Telegram
resending it) is skipped."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from telegram import Update
from telegram.ext import Application, ExtBot

from sendbot.channels.aiohttp_request import AiohttpRequest, JSONDict
from sendbot.store.base import Inbox, PendingUpdate

log = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 64  # updates handled at once across all chats (threads do the work)
NO_CHAT = 0  # the queue for updates without a chat (none are in allowed_updates today)

App = Application[Any, Any, Any, Any, Any, Any]
# Sends the replies of a kept update from the first not yet sent: (update, its inbox row).
Replay = Callable[[Update, PendingUpdate], Awaitable[None]]


def chat_of(update: Update) -> int | None:
    chat = update.effective_chat
    return chat.id if chat is not None else None


@dataclass
class _ChatLine:
    """One chat's updates waiting their turn, and the worker handling them."""

    waiting: deque[tuple[Update, PendingUpdate | None]] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None


class DurableQueue(asyncio.Queue[object]):
    """The Application's update queue: stores, then dispatches per chat (see the module doc).
    ``attach`` must be called with the Application (and the replay) before updates arrive."""

    def __init__(self, inbox: Inbox, max_concurrent: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__()
        self.inbox = inbox
        self._app: App | None = None
        self._replay: Replay | None = None
        self._lines: dict[int, _ChatLine] = {}
        self._slots = asyncio.Semaphore(max_concurrent)
        self._idle = asyncio.Event()
        self._idle.set()
        self._kept: dict[int, bool] = {}  # update_id -> new: kept by `keep`, not yet `put`
        # The ids waiting to be marked handled, and the task that will write them.
        self._marks: tuple[list[int], asyncio.Task[None]] | None = None

    def attach(self, application: App, replay: Replay) -> None:
        self._app = application
        self._replay = replay

    async def keep(self, updates: Sequence[Update], received: Mapping[int, JSONDict] | None = None) -> None:
        """Write a batch of updates to the inbox in one transaction (one flush), before PTB
        can confirm any of them; their `put` then only dispatches them. ``received``: the
        updates as Telegram sent them, by id (PTB's `to_dict` for any other)."""
        if not updates:
            return
        received = received or {}
        try:
            rows = [
                (u.update_id, chat_of(u), orjson.dumps(received.get(u.update_id) or u.to_dict()).decode())
                for u in updates
            ]
            new = await asyncio.to_thread(self.inbox.inbox_add_all, rows)
        except Exception as error:  # a failing database (or an unwritable update) must not silence the bot
            # Handled all the same: the parent is told something went wrong (the handlers
            # fail on the database too) rather than hearing nothing while Telegram resends.
            log.error("could not keep updates in the database (%s); handling them without", type(error).__name__)
            new = {u.update_id for u in updates}
        for update in updates:
            self._kept[update.update_id] = update.update_id in new

    async def put(self, item: object) -> None:
        """Keep an update (unless `keep` did), then queue it for its chat; anything else (PTB's
        stop signal) goes to PTB's fetcher as usual. Returns only once the update is on disk."""
        if not isinstance(item, Update):
            await super().put(item)
            return
        new = self._kept.pop(item.update_id, None)
        if new is None:  # a webhook's update: one at a time
            await self.keep([item])
            new = self._kept.pop(item.update_id)
        if new:
            self._dispatch(item, None)

    async def resume(self) -> int:
        """Queue the updates kept but not handled before the last stop or crash; how many."""
        if self._app is None:
            raise RuntimeError("DurableQueue.attach was not called")
        pending = await asyncio.to_thread(self.inbox.inbox_pending)
        for row in pending:
            try:
                update = Update.de_json(json.loads(row.body), self._app.bot)
            except (ValueError, TypeError, KeyError):
                log.error("update %d in the inbox cannot be read; dropping it", row.update_id)
                await asyncio.to_thread(self.inbox.inbox_handled, row.update_id)
                continue
            self._dispatch(update, row if row.replies is not None else None)
        if pending:
            log.info("handling %d update(s) kept from before the restart", len(pending))
        return len(pending)

    def _dispatch(self, update: Update, kept: PendingUpdate | None) -> None:
        key = chat_of(update) or NO_CHAT
        line = self._lines.setdefault(key, _ChatLine())
        line.waiting.append((update, kept))
        if line.worker is None:
            self._idle.clear()
            line.worker = asyncio.create_task(self._work(key, line), name=f"chat-worker-{len(self._lines)}")

    async def _work(self, key: int, line: _ChatLine) -> None:
        app, replay = self._app, self._replay
        if app is None or replay is None:
            raise RuntimeError("DurableQueue.attach was not called")
        try:
            while line.waiting:
                update, kept = line.waiting.popleft()
                async with self._slots:
                    try:
                        if kept is None:
                            await app.process_update(update)  # errors go to the error handler
                        else:
                            await replay(update, kept)
                    except Exception:
                        log.exception("an update could not be handled")
                try:
                    await self._mark_handled(update.update_id)
                except Exception as error:  # the chat's next updates still go on
                    log.error("could not mark an update handled (%s)", type(error).__name__)
        finally:
            line.worker = None
            if not line.waiting:
                self._lines.pop(key, None)
            if not self._lines:
                self._idle.set()

    async def _mark_handled(self, update_id: int) -> None:
        """Mark an update handled, together with the others answered in the same turn of the
        event loop: one thread hop and one commit for all of them (a hop and a commit for each
        were 3 to 5% of the bot's CPU in a burst; 8 marks a write with 100 chats, 3 with 10).
        Returns once the mark is written: the chat's next update waits for it, so a crash
        resends at most the reply just sent, as before."""
        marks = self._marks
        if marks is None:
            ids: list[int] = []
            marks = self._marks = (ids, asyncio.create_task(self._write_marks(ids)))
        marks[0].append(update_id)
        await asyncio.shield(marks[1])

    async def _write_marks(self, ids: list[int]) -> None:
        self._marks = None  # from here on, marks go to the next write
        await asyncio.to_thread(self.inbox.inbox_handled_all, ids)

    async def drain(self, timeout: float) -> None:
        """Wait (up to ``timeout`` seconds) for the updates being handled, at shutdown; any
        left stay in the inbox for the next start."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
            log.warning("stopping with updates still being handled; they are kept for the next start")


class UpdatesRequest(AiohttpRequest):
    """The connection `getUpdates` goes over, which also holds on to the updates of its last
    answer as Telegram sent them (`take`): the inbox keeps those, rather than PTB's objects
    written out again with `to_dict` (a walk over every attribute of every object: about 3% of
    the bot's CPU in a burst, docs/benchmarks.md)."""

    __slots__ = ("_received",)

    def __init__(self) -> None:
        super().__init__(1)  # one long poll at a time
        self._received: list[Any] = []

    # PTB's documented hook, declared static there but called on the instance (self.parse_json_payload).
    def parse_json_payload(self, payload: bytes) -> JSONDict:  # type: ignore[override]
        answer = AiohttpRequest.parse_json_payload(payload)
        result = answer.get("result")
        self._received = result if isinstance(result, list) else []
        return answer

    def take(self) -> dict[int, JSONDict]:
        """The updates of the last answer, by id (PTB copies what it reads: these are untouched)."""
        received, self._received = self._received, []
        return {u["update_id"]: u for u in received if isinstance(u, dict) and isinstance(u.get("update_id"), int)}


class KeepingBot(ExtBot[None]):
    """PTB's bot, whose `get_updates` keeps each batch in the inbox (`DurableQueue.keep`)
    before the Updater puts it into the queue and, at its next call, confirms it."""

    __slots__ = ("_intake", "_updates_request")

    def __init__(self, intake: DurableQueue, updates_request: UpdatesRequest, **kwargs: Any) -> None:
        super().__init__(get_updates_request=updates_request, **kwargs)
        self._intake = intake
        self._updates_request = updates_request

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        updates = await super().get_updates(*args, **kwargs)
        await self._intake.keep(updates, self._updates_request.take())
        return updates
