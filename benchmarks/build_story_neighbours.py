"""Build the stories that rule "story_neighbours" compares a new story with
(`sendbot/answering/neighbours.py`).

    .venv/bin/python benchmarks/build_story_neighbours.py [--write]

Every in-scope English development story of `tests/eval/real` that has facts (never the test
split), as a vector in the question model's terms (`QuestionModel.vector` of the matcher's
tokens), with the entries that hold every fact it needs in today's knowledge base (`holders`).
``--write`` stores them in `sendbot/answering/story_neighbours.npz`. Run it after
train_question_model.py (the vectors are in that model's terms), then calibrate_story.py."""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sendbot.answering.evaluate import EvalItem, holds_facts, load_eval  # noqa: E402
from sendbot.answering.learned import QuestionModel  # noqa: E402
from sendbot.answering.matcher import Matcher, is_story  # noqa: E402
from sendbot.answering.neighbours import NEIGHBOURS  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402
from sendbot.knowledge.model import KnowledgeBase  # noqa: E402

EVAL = ROOT / "tests" / "eval" / "real"
MAX_HOLDERS = 8  # facts so common that more entries hold them say nothing about this story: its ids instead


def holders(kb: KnowledgeBase, item: EvalItem) -> set[str]:
    """The entries that hold every fact the story needs; its labelled ids when more than
    `MAX_HOLDERS` do (none, when no entry holds them)."""
    found = {e for e, entry in kb.entries.items() if holds_facts(entry, item.facts, item.lang)}
    return found if len(found) <= MAX_HOLDERS else set(item.ids)


def group_of(item: EvalItem) -> str:
    """The set a question came in ("stop38" for stop38b-post16-care.yaml; an older file its own),
    which `calibrate_story.py` leaves out together."""
    found = re.match(r"stop\d+", item.file.name)
    return found.group(0) if found else item.file.stem


@dataclass(frozen=True)
class Pool:
    items: list[EvalItem]
    by_term: csr_matrix  # terms x stories
    holds: np.ndarray  # stories x entries (bool)
    entries: list[str]


def build(kb: KnowledgeBase, model: QuestionModel) -> Pool:
    matcher = Matcher(kb, learned=model)
    items = [
        i
        for i in load_eval([EVAL], set(kb.entries), "dev")
        if i.in_scope and i.facts and i.lang == "en" and is_story(i.question)
    ]
    entries = sorted(kb.entries)
    column = {e: c for c, e in enumerate(entries)}
    data: list[float] = []
    rows: list[int] = []
    cols: list[int] = []
    holds = np.zeros((len(items), len(entries)), dtype=bool)
    for story, item in enumerate(items):
        vector = model.vector((matcher.message_tokens(item.question) or [[]])[0])
        data += vector.values.tolist()
        rows += vector.columns.tolist()
        cols += [story] * len(vector.columns)
        for entry_id in holders(kb, item):
            holds[story, column[entry_id]] = True
    by_term = csr_matrix((np.asarray(data, dtype=np.float32), (rows, cols)), shape=(len(model.columns), len(items)))
    return Pool(items, by_term, holds, entries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help=f"store the stories in {NEIGHBOURS.name}")
    args = parser.parse_args()
    kb = load_knowledge(ROOT / "knowledge")
    pool = build(kb, QuestionModel.load())
    print(f"{len(pool.items)} stories, {pool.by_term.nnz} term weights, {int(pool.holds.sum())} holding entries")
    if args.write:
        by_term = pool.by_term.tocsr()
        by_term.sort_indices()
        np.savez_compressed(
            NEIGHBOURS,
            data=by_term.data,
            indices=by_term.indices.astype(np.int32),
            indptr=by_term.indptr.astype(np.int32),
            shape=np.asarray(by_term.shape),
            holds=pool.holds,
            entries=np.asarray(pool.entries),
        )
        print(f"wrote {NEIGHBOURS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
