"""Measure how well the matcher generalises, without the evaluation set: each phrasing of
the knowledge base is asked of a matcher built without it (5 folds), and must come back as
its own entry. A matcher change that helps here is not merely fitting tests/eval.

Run: .venv/bin/python benchmarks/heldout_phrasings.py [--match]
`--match` counts what a parent would see first (answer or suggestion, after thresholds);
the default counts the raw ranking. Reports figures only."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sendbot.answering.matcher import REJECT_PREFIX, Matcher  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402
from sendbot.knowledge.model import DEFAULT_LANG  # noqa: E402

FOLDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description="Each phrasing asked of a matcher built without it (5 folds).")
    parser.add_argument("--match", action="store_true", help="count what a parent would see first, not the ranking")
    through_match = parser.parse_args().match
    kb = load_knowledge(ROOT / "knowledge")
    start = time.perf_counter()
    hits = total = 0
    reciprocal = 0.0
    for fold in range(FOLDS):
        entries, held = {}, []
        for entry_id, entry in kb.entries.items():
            offset = zlib.crc32(entry_id.encode())  # a stable spread of each entry's phrasings
            phrasings = entry.questions[DEFAULT_LANG]
            keep = tuple(q for i, q in enumerate(phrasings) if (i + offset) % FOLDS != fold)
            held += [(entry_id, q) for i, q in enumerate(phrasings) if (i + offset) % FOLDS == fold]
            entries[entry_id] = dataclasses.replace(entry, questions={**entry.questions, DEFAULT_LANG: keep})
        matcher = Matcher(dataclasses.replace(kb, entries=entries))
        for entry_id, question in held:
            if through_match:
                ranked = [c.entry_id for c in matcher.match(question).candidates]
            else:
                ranked = [c.entry_id for c in matcher.rank(question) if not c.entry_id.startswith(REJECT_PREFIX)]
            total += 1
            hits += bool(ranked) and ranked[0] == entry_id
            if entry_id in ranked:
                reciprocal += 1 / (ranked.index(entry_id) + 1)
    seconds = time.perf_counter() - start
    kind = "first shown (match)" if through_match else "first ranked"
    print(f"held-out phrasings, {kind}: {hits}/{total} = {hits / total:.2%}", end="; ")
    print(f"MRR {reciprocal / total:.3f} ({seconds:.0f} s)")


if __name__ == "__main__":
    main()
