"""End to end (issue 11): updates per second answered through the real `sendbot telegram`
process, against the fake Bot API (tests/fakebotapi.py) on loopback, with 1, 10 and 100
chats, and the latency from an update being offered to its answer arriving (p50, p99).

The bot serves the real knowledge base (`knowledge/`), as deployed; the tests' small one
(the harness's default) answered about a third faster before the matcher's numpy scoring.

Two settings of the fake API:
- unlimited: no flood limit (the bot's own limits raised out of the way with
  SENDBOT_MAX_MESSAGES_PER_SECOND and SENDBOT_MAX_MESSAGES_PER_CHAT_PER_SECOND), a burst of
  updates all offered at once;
- 30 msg/s: the fake API answers 429 (retry_after 1) above Telegram's 30 messages a
  second, the bot at its defaults (30/s overall; 1/s per chat after a burst of 3), and
  updates offered at a steady 20 a second, spread over 50 to 200 chats (a parent asks at
  most every 2.5 s: one chat cannot get 20 answers a second within Telegram's limit).

Each row also gives the CPU time per update, from the first update offered until every one
was answered: the bot process's (from /proc, on Linux) and this process's (the fake API and
the driver), which are steadier than updates/s on a shared machine.

With --pin (Linux, two CPUs or more) the bot runs on one CPU and the fake API and driver on
another, as in a deployment, where Telegram's side is another machine and the bot has its
CPU to itself (a one-vCPU server); without it all three share the machine's CPUs.

Run: .venv/bin/python benchmarks/e2e.py [--burst 1000] [--steady-seconds 10] [--pin]
Every update must be answered exactly once; the figures are printed as a Markdown table.
Tests never assert on time."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakebotapi import FakeBotAPI  # noqa: E402
from tests.harness import QUESTION, BotProcess, answers_per_chat, wait_until  # noqa: E402

TELEGRAM_CAP = 30  # messages a second
STEADY_RATE = 20.0  # updates a second offered under the cap (the p99 target: < 1 s)
STEADY_CHATS = (50, 100, 200)  # 20 updates/s over these: a question every 2.5 to 10 s per chat
UNLIMITED = "1000000"  # the bot's own limiters out of the way
ANSWER_TIMEOUT = 300.0
BOT_CPU, DRIVER_CPU = 0, 1  # --pin


@dataclass
class Run:
    setting: str
    chats: int
    updates: int
    seconds: float
    latencies: list[float]
    answered: int
    doubled: int
    refused: int
    bot_cpu: float | None  # seconds, None without /proc
    own_cpu: float

    def row(self) -> str:
        ordered = sorted(self.latencies)
        p50 = statistics.median(ordered)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return (
            f"| {self.setting} | {self.chats} | {self.updates} | {self.updates / self.seconds:.0f} | "
            f"{p50 * 1000:.0f} | {p99 * 1000:.0f} | {self.answered}/{self.updates} | {self.doubled} | {self.refused} | "
            f"{_per_update(self.bot_cpu, self.updates)} | {_per_update(self.own_cpu, self.updates)} |"
        )


def _per_update(seconds: float | None, updates: int) -> str:
    return "?" if seconds is None else f"{seconds * 1000 / updates:.2f}"


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process so far (Linux's /proc; None elsewhere)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _all_answered(api: FakeBotAPI, offered: dict[int, list[float]]) -> bool:
    """Every chat has as many answers as questions. The answers are counted once per check: counted
    again for each chat, the check took a fifth of the benchmark process's CPU, beside the bot."""
    answers = answers_per_chat(api)
    return all(answers[chat] >= len(times) for chat, times in offered.items())


def pin(bot_pid: int) -> None:
    """The bot's threads on the first CPU, this process (the fake API and the driver) on the
    second, as when Telegram's side is another machine (Linux only)."""
    for thread in os.listdir(f"/proc/{bot_pid}/task"):
        os.sched_setaffinity(int(thread), {BOT_CPU})
    os.sched_setaffinity(0, {DRIVER_CPU})


async def run(
    setting: str, chats: int, updates: int, rate: float | None, limit: float | None, pinned: bool = False
) -> Run:
    api = FakeBotAPI()
    await api.start()
    api.rate_limit = limit
    with tempfile.TemporaryDirectory() as folder:
        env = {"SENDBOT_REMINDER_INTERVAL": "60", "SENDBOT_KNOWLEDGE": str(ROOT / "knowledge")}
        if limit is None:
            env["SENDBOT_MAX_MESSAGES_PER_SECOND"] = UNLIMITED
            env["SENDBOT_MAX_MESSAGES_PER_CHAT_PER_SECOND"] = UNLIMITED
        bot = BotProcess(api, Path(folder) / "bench.db", **env)
        await bot.start()
        pid = bot.proc.pid if bot.proc else 0
        if pinned:
            pin(pid)
        try:
            offered: dict[int, list[float]] = defaultdict(list)
            bot_before, own_before = cpu_seconds(pid), time.process_time()
            started = time.monotonic()
            for n in range(updates):
                chat = 5_000_000 + n % chats
                offered[chat].append(time.monotonic())
                api.push_text(chat, QUESTION)
                if rate is not None:
                    await asyncio.sleep(max(0.0, started + (n + 1) / rate - time.monotonic()))
            await wait_until(lambda: _all_answered(api, offered), ANSWER_TIMEOUT, "every update answered")
            bot_after, own_cpu = cpu_seconds(pid), time.process_time() - own_before
            await asyncio.sleep(0.5)  # any second copy would arrive meanwhile
        finally:
            await bot.stop()
            await api.stop()
    answers: dict[int, list[float]] = defaultdict(list)
    for call in api.calls_to("sendMessage"):
        answers[int(call.params["chat_id"])].append(call.at)
    latencies = [
        answered - asked
        for chat, times in offered.items()
        for asked, answered in zip(times, answers[chat], strict=False)
    ]
    last = max(max(times) for times in answers.values())
    doubled = sum(max(0, len(answers[c]) - len(t)) for c, t in offered.items())
    answered = sum(min(len(answers[c]), len(t)) for c, t in offered.items())
    bot_cpu = bot_after - bot_before if bot_after is not None and bot_before is not None else None
    return Run(
        setting, chats, updates, last - started, latencies, answered, doubled, len(api.refused), bot_cpu, own_cpu
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--burst", type=int, default=1000, help="updates offered at once (unlimited setting)")
    parser.add_argument("--steady-seconds", type=float, default=10.0, help="seconds of 20 updates/s (30 msg/s)")
    parser.add_argument(
        "--pin", action="store_true", help="the bot on one CPU, the fake API and driver on another (Linux, 2+ CPUs)"
    )
    args = parser.parse_args()
    if args.pin and (not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2):
        parser.error("--pin needs Linux and two CPUs")
    runs = []
    for chats in (1, 10, 100):
        runs.append(await run("unlimited, burst", chats, args.burst, None, None, args.pin))
    steady = int(STEADY_RATE * args.steady_seconds)
    for chats in STEADY_CHATS:
        runs.append(
            await run(f"30 msg/s, {STEADY_RATE:.0f} updates/s", chats, steady, STEADY_RATE, TELEGRAM_CAP, args.pin)
        )
    runs.append(await run("30 msg/s, burst", 100, steady, None, TELEGRAM_CAP, args.pin))
    print(
        "| fake API, offered | chats | updates | answered/s | p50 ms | p99 ms | answered | doubled | 429s "
        "| bot CPU ms/update | fake API + driver CPU ms/update |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for result in runs:
        print(result.row())


if __name__ == "__main__":
    asyncio.run(main())
