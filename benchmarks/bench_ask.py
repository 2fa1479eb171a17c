"""Measure how fast SENDbot answers: knowledge-base load, per-question matching, and the
whole `sendbot ask --json` process for 100 questions (the evaluation interface).

Run: .venv/bin/python benchmarks/bench_ask.py
Reports figures only; tests never assert on time."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sendbot.answering.decide import Decider  # noqa: E402
from sendbot.answering.evaluate import load_eval  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402


def main() -> None:
    start = time.perf_counter()
    kb = load_knowledge(ROOT / "knowledge")
    loaded = time.perf_counter()
    answerer = Decider(kb)
    indexed = time.perf_counter()
    items = load_eval([ROOT / "tests" / "eval"], set(kb.entries))
    questions = [item.question for item in items]
    timings = []
    for question in questions:
        t0 = time.perf_counter()
        answerer.decide(question, None, "en")
        timings.append((time.perf_counter() - t0) * 1000)
    long_timings = [t for q, t in zip(questions, timings, strict=True) if len(q) > 200]
    print(f"entries: {len(kb.entries)}, phrasings: {len(answerer.matcher.phrasings)}")
    print(
        f"load and check knowledge base: {(loaded - start) * 1000:.0f} ms; "
        f"build index: {(indexed - loaded) * 1000:.0f} ms"
    )
    print(
        f"per question over {len(timings)} eval questions: median {statistics.median(timings):.1f} ms, "
        f"p95 {sorted(timings)[int(len(timings) * 0.95)]:.1f} ms, max {max(timings):.1f} ms"
    )
    if long_timings:
        print(f"long messages (>200 chars, {len(long_timings)}): median {statistics.median(long_timings):.1f} ms")
    hundred = "\n".join((questions * 2)[:100]) + "\n"
    t0 = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "sendbot"), "ask", "--json"],
        input=hundred.encode(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"`sendbot ask --json` for 100 questions, whole process: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
