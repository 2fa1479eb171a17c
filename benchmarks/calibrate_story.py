"""Fit rule "story_neighbours"'s decision for stories (`StoryRule` in `sendbot/answering/matcher.py`).

    .venv/bin/python benchmarks/calibrate_story.py [--leave-out PATTERN] [--write]

Every English development story of `tests/eval/real` that was asked as new (`asked_of`), asked
again of the knowledge base it was first asked of and forced to an answer, as `calibrate.py`
does: its P(right), and its best entry's agreement with the closest past stories
(`StoryNeighbours.agreement`), the stories of its own set left out (`build_story_neighbours.py`'s
`group_of`), so that each is judged as a new story would be. A logistic regression over logit
P(right) and the agreement gives the weights; the threshold is the lowest at which the dev
stories get no more wrong answers than P(right) gave at `answer_at_story` (S40's rule). Since
S41 (docs/prereg41.md) the matcher uses it only as a second chance, for stories P(right) leaves
to the choices. ``--answer-at`` sets the threshold by hand instead (stop 43 made 0.80, candidate
A43 in docs/prereg43.md: chosen on held-out sets, judged on fresh ones). ``--write`` stores them
under "story" in `sendbot/answering/calibration.json`.
Run it after build_story_neighbours.py. Needs the bench extras and the git history (`calibrate.knowledge_then`)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from build_story_neighbours import EVAL, build, group_of  # noqa: E402
from calibrate import knowledge_then  # noqa: E402

from sendbot.answering.decide import Decider  # noqa: E402
from sendbot.answering.evaluate import is_right, load_eval  # noqa: E402
from sendbot.answering.learned import QuestionModel  # noqa: E402
from sendbot.answering.matcher import CALIBRATION, Calibration, is_story, logit  # noqa: E402
from sendbot.answering.neighbours import NEIGHBOURS_K, StoryNeighbours  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leave-out", action="append", default=[], help="eval files (glob) kept out of the fit")
    parser.add_argument("--answer-at", type=float, help="the threshold to store, instead of S40's rule")
    parser.add_argument("--write", action="store_true", help=f"store the rule in {CALIBRATION.name}")
    args = parser.parse_args()
    kb = load_knowledge(ROOT / "knowledge")
    model = QuestionModel.load()
    pool = build(kb, model)
    neighbours = StoryNeighbours(pool.by_term.tocsr(), pool.holds, {e: i for i, e in enumerate(pool.entries)})
    pool_groups = np.asarray([group_of(i) for i in pool.items])
    items = [
        i
        for i in load_eval([EVAL], set(kb.entries), "dev")
        if i.asked_of and i.in_scope and i.lang == "en" and is_story(i.question)
        if not any(fnmatch(i.file.name, pattern) for pattern in args.leave_out)
    ]
    base = Calibration.load()
    x: list[list[float]] = []
    y: list[bool] = []
    p_right: list[float] = []
    for commit, then in knowledge_then(items).items():
        decider = Decider(then)
        matcher = decider.matcher
        matcher.calibration = replace(matcher.calibration, answer_at_story=0.0, story=None)
        for item in (i for i in items if i.asked_of == commit):
            match = decider.decide(item.question, None, item.lang).match
            if match.status != "answer" or match.features is None or not match.candidates:
                continue
            first = match.candidates[0].entry_id
            closeness = neighbours.closeness(model.vector((matcher.message_tokens(item.question) or [[]])[0]))
            closeness[pool_groups == group_of(item)] = -1.0  # its own set is not "the past"
            p = base.right.probability(match.features)
            x.append([logit(p), neighbours.agreement(closeness, first, NEIGHBOURS_K)])
            y.append(is_right(then, item, first))
            p_right.append(p)
    xs, ys, ps = np.asarray(x), np.asarray(y), np.asarray(p_right)
    fit = LogisticRegression().fit(xs, ys)
    combined = fit.predict_proba(xs)[:, 1]
    wrong_today = int((~ys[ps >= base.answer_at_story]).sum())
    order = np.argsort(-combined)
    wrong_so_far = np.cumsum(~ys[order])
    last = int(np.searchsorted(wrong_so_far, wrong_today, side="right")) - 1
    answer_at = float(combined[order][last]) if args.answer_at is None else args.answer_at
    answered = combined >= answer_at
    print(
        f"{len(ys)} stories forced to an answer: P(right) >= {base.answer_at_story}: "
        f"right {int(ys[ps >= base.answer_at_story].sum())}, wrong {wrong_today}; "
        f"story rule >= {answer_at:.4f}: right {int(ys[answered].sum())}, wrong {int((~ys[answered]).sum())}"
    )
    weights = [round(float(w), 6) for w in fit.coef_[0]]
    print(f"weights {weights} bias {float(fit.intercept_[0]):.6f}")
    if args.write:
        data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
        options = "".join(f" --leave-out '{p}'" for p in args.leave_out)
        if args.answer_at is not None:
            options += f" --answer-at {args.answer_at}"
        data["story"] = {
            "weights": weights,
            "bias": round(float(fit.intercept_[0]), 6),
            "answer_at": round(answer_at, 6),
            "fitted_on": f"benchmarks/calibrate_story.py{options}: {len(ys)} dev stories as first asked",
        }
        CALIBRATION.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
