"""The real `sendbot telegram` process, started as parents' bot would be, against the fake
Bot API of the test (tests/fakebotapi.py) on 127.0.0.1: for fault injection (kill -9, flood
limits, refused formatting, dropped connections, locked or vanished databases)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from tests.conftest import KB_SMALL
from tests.fakebotapi import TOKEN, FakeBotAPI

QUESTION = "how do i ask for an EHC needs assessment?"
ANSWER_TITLE = "How to ask for an EHC needs assessment"
START_TIMEOUT = 20.0


class BotProcess:
    """One `sendbot telegram` subprocess; its stderr (the log) is kept in ``log``."""

    def __init__(self, api: FakeBotAPI, db: Path, **env: str) -> None:
        self.api = api
        self.db = db
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "SENDBOT_DB": str(db),
            "SENDBOT_KNOWLEDGE": str(KB_SMALL),
            "SENDBOT_REMINDER_INTERVAL": "0.2",
            **env,
        }
        self.proc: asyncio.subprocess.Process | None = None
        self.log = ""
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the process and wait until it polls for updates."""
        polls = len(self.api.get_updates_params)
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "sendbot.channels.cli",
            "telegram",
            env=self.env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.create_task(self._read_log())
        deadline = asyncio.get_running_loop().time() + START_TIMEOUT
        while len(self.api.get_updates_params) <= polls:
            if self.proc.returncode is not None or asyncio.get_running_loop().time() > deadline:
                await self._finish_log()
                raise AssertionError(f"the bot did not start polling:\n{self.log}")
            await asyncio.sleep(0.05)

    async def _read_log(self) -> None:
        if self.proc is None or self.proc.stderr is None:
            return
        async for line in self.proc.stderr:
            self.log += line.decode("utf-8", "replace")

    async def _finish_log(self) -> None:
        if self._reader is not None:
            try:
                await asyncio.wait_for(self._reader, 5)
            except asyncio.TimeoutError:
                self._reader.cancel()

    async def kill(self) -> None:
        """kill -9: no clean-up of any kind."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()
        await self._finish_log()

    async def stop(self) -> None:
        """A clean stop (SIGTERM, as systemd sends)."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        await self._finish_log()


def answers_per_chat(api: FakeBotAPI) -> Counter[int]:
    return Counter(int(c.params["chat_id"]) for c in api.calls_to("sendMessage"))


async def wait_until(condition: object, timeout: float, what: str) -> None:
    """Poll ``condition`` (a callable returning bool) until true; fail after ``timeout`` seconds."""
    if not callable(condition):
        raise TypeError("condition must be callable")
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
