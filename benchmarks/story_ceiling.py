"""How far lowering the stories' answer threshold can go: every fresh story forced to an answer.

    .venv/bin/python benchmarks/story_ceiling.py 'stop37*' 'stop38*'

Each in-scope story (`is_story`) of the eval files named by the globs (under `tests/eval/real`)
is asked again as first asked (the knowledge base of its `asked_of` commit, `knowledge_then`) with
today's code, with `answer_at_story` at 0, so it is answered whenever the rest of the decision
allows. It prints:

- how often the first entry holds every fact (right), and what the others are: a labelled
  acceptable entry that lacks a fact, or another entry;
- how well P(right) and each feature separate right first entries from wrong ones (AUC: 0.5 is
  chance, 1 perfect);
- at P(right) thresholds 0.3 to 0.7, how many stories would be answered and how many of them rightly.

Stop 38 (`docs/benchmarks.md`): the first entry holds the facts for about 85% of stories, and the
share right among the answered stories stays about 88 to 91% at every threshold, because P(right)
barely separates them (AUC about 0.6). Needs the git history, as `calibrate.py` does. Prints a
report; tests never run this."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, fields, replace
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from calibrate import knowledge_then  # noqa: E402

from sendbot.answering.decide import Decider  # noqa: E402
from sendbot.answering.evaluate import is_right, load_eval  # noqa: E402
from sendbot.answering.matcher import FEATURE_NAMES, is_story  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402

EVAL = ROOT / "tests" / "eval" / "real"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


@dataclass(frozen=True)
class Story:
    """One story forced to an answer: whether its first entry is right, and why not."""

    right: bool
    labelled: bool  # the first entry is one of the item's acceptable ids
    p_right: float
    features: dict[str, float]


def auc(scores: np.ndarray, right: np.ndarray) -> float:
    """Area under the ROC curve: P(a right story scores above a wrong one); NaN with one class only."""
    return float(roc_auc_score(right, scores)) if 0 < right.sum() < len(right) else float("nan")


def forced_stories(globs: list[str]) -> list[Story]:
    """The in-scope stories of these files, each answered as first asked with no story threshold."""
    kb = load_knowledge(ROOT / "knowledge")
    items = [
        i
        for i in load_eval([EVAL], set(kb.entries), "dev")
        if i.asked_of and i.in_scope and is_story(i.question) and any(fnmatch(i.file.name, g) for g in globs)
    ]
    stories = []
    for commit, then in knowledge_then(items).items():
        decider = Decider(then)
        committed = decider.matcher.calibration
        decider.matcher.calibration = replace(committed, answer_at_story=0.0)
        for item in (i for i in items if i.asked_of == commit):
            match = decider.decide(item.question, None, item.lang).match
            if match.status != "answer" or match.features is None:
                continue  # declined or a menu even so
            first = match.candidates[0].entry_id
            values = {f.name: float(getattr(match.features, f.name)) for f in fields(match.features)}
            p = committed.right.probability(match.features)
            stories.append(Story(is_right(then, item, first), first in item.ids, p, values))
    return stories


def main() -> None:
    parser = argparse.ArgumentParser(description="Every fresh story forced to an answer: how right, how separable.")
    parser.add_argument("globs", nargs="+", help="eval file names under tests/eval/real, e.g. 'stop38*'")
    args = parser.parse_args()
    stories = forced_stories(args.globs)
    if not stories:
        parser.error(f"no in-scope story with an asked_of in {EVAL} matches {' '.join(args.globs)}")
    right = np.array([s.right for s in stories])
    lacking = sum(not s.right and s.labelled for s in stories)
    other = int((~right).sum()) - lacking
    print(f"stories answered: {len(stories)}; first entry right {right.sum()} ({right.mean():.1%})")
    print(f"  not right: {lacking} an acceptable entry lacking a fact, {other} another entry")
    separation = {name: auc(np.array([s.features[name] for s in stories]), right) for name in FEATURE_NAMES}
    separation["P(right)"] = auc(np.array([s.p_right for s in stories]), right)
    ranked = sorted(((v, k) for k, v in separation.items() if not np.isnan(v)), reverse=True)
    print("AUC, right first entries against wrong ones: " + ", ".join(f"{k} {v:.3f}" for v, k in ranked))
    p = np.array([s.p_right for s in stories])
    for threshold in THRESHOLDS:
        answered = p >= threshold
        count = int(answered.sum())
        share = f"{right[answered].mean():.1%}" if count else "-"
        print(f"  P(right) >= {threshold}: answered {count}, right {int(right[answered].sum())} ({share})")


if __name__ == "__main__":
    main()
