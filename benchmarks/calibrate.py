"""Fit the matcher's decision (answer, offer choices, or decline) on the development questions.

    .venv/bin/python benchmarks/calibrate.py [EVAL_PATH ...] [--split dev] [--max-wrong 0.05] [--write]

For every item, the matcher's named `Features` of its best candidate, and whether that
candidate is right (its text holds the item's facts; out-of-scope items never have a right
entry). A logistic regression (scikit-learn, a development dependency only: at run time the
model is a dot product) gives P(right). The thresholds are then chosen on the same items:
``answer_at`` as low as possible while wrong answers stay at or under ``--max-wrong`` of all
items, ``suggest_at`` as low as possible while at least ``--min-declined`` of the out-of-scope
items are still declined. ``--write`` stores the model in `sendbot/calibration.json`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sendbot.answering.evaluate import EvalItem, is_right, load_eval  # noqa: E402
from sendbot.answering.matcher import CALIBRATION, FEATURE_NAMES, Calibration, Features, Matcher  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402
from sendbot.knowledge.model import KnowledgeBase  # noqa: E402


def rows(
    matcher: Matcher, kb: KnowledgeBase, items: list[EvalItem]
) -> tuple[list[EvalItem], list[tuple[Features, bool, bool, bool]]]:
    """The items the matcher has words for, each with (features, best is right, a right entry
    is among the choices, declined by the out-of-scope rule)."""
    kept, out = [], []
    for item in items:
        result = matcher.match(item.question)
        ranked = result.candidates if result.status != "fallback" else matcher.rank(item.question)
        features = result.features
        if features is None:
            continue
        entries = [c.entry_id for c in ranked if not c.entry_id.startswith("~")]
        best_right = bool(entries) and is_right(kb, item, entries[0])
        choices_right = any(is_right(kb, item, e) for e in entries[:3])
        rule_declines = features.off_topic >= 0
        kept.append(item)
        out.append((features, best_right, choices_right, rule_declines))
    return kept, out


def outcome(
    p: np.ndarray,
    data: list[tuple[Features, bool, bool, bool]],
    in_scope: np.ndarray,
    answer_at: float,
    suggest_at: float,
) -> dict[str, float]:
    best_right = np.array([r[1] for r in data])
    choices_right = np.array([r[2] for r in data])
    declined_rule = np.array([r[3] for r in data])
    answered = (p >= answer_at) & ~declined_rule
    short_on_topic = np.array([bool(r[0].short and r[0].on_topic) for r in data])
    suggested = ((p >= suggest_at) | short_on_topic) & ~answered & ~declined_rule
    n = max(int(in_scope.sum()), 1)  # right, wrong and choices are shares of the in-scope items
    return {
        "right": float((answered & best_right & in_scope).sum() / n),
        "wrong": float((answered & ~best_right & in_scope).sum() / n),
        "choices": float((suggested & choices_right & in_scope).sum() / n),
        "right_or_choices": float(((answered & best_right) | (suggested & choices_right))[in_scope].mean()),
        "declined": float((~answered & ~suggested)[~in_scope].mean()) if (~in_scope).any() else 1.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "tests" / "eval" / "real"])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--max-wrong", type=float, default=0.05)
    parser.add_argument("--min-declined", type=float, default=0.95)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    args = parser.parse_args()

    kb = load_knowledge(args.knowledge)
    items = load_eval(args.paths, set(kb.entries), args.split or None)
    matcher = Matcher(kb)
    items, data = rows(matcher, kb, items)
    x = np.array([r[0].vector() for r in data])
    y = np.array([r[1] for r in data])
    in_scope = np.array([item.in_scope for item in items])
    model = LogisticRegression(C=1.0, max_iter=1000, class_weight="balanced").fit(x, y)
    p = model.predict_proba(x)[:, 1]
    grid = np.unique(np.round(p, 4))
    best: tuple[float, float, dict[str, float]] | None = None
    for answer_at in grid:
        base = outcome(p, data, in_scope, answer_at, 1.01)
        if base["wrong"] > args.max_wrong:
            continue
        for suggest_at in grid[grid <= answer_at]:
            res = outcome(p, data, in_scope, answer_at, suggest_at)
            if res["declined"] < args.min_declined:
                continue
            score = (res["right"], res["right_or_choices"])
            if best is None or score > (best[2]["right"], best[2]["right_or_choices"]):
                best = (float(answer_at), float(suggest_at), res)
            break  # the lowest suggest_at that keeps enough declines, for this answer_at
    if best is None:
        print("no thresholds meet the limits", file=sys.stderr)
        return 1
    answer_at, suggest_at, res = best
    print(f"items {len(data)} ({int(in_scope.sum())} in scope); answer_at {answer_at:.4f} suggest_at {suggest_at:.4f}")
    print("  ".join(f"{k} {v:.1%}" for k, v in res.items()))
    for name, w in zip(FEATURE_NAMES, model.coef_[0], strict=True):
        print(f"  {name:<12} {w:+.3f}")
    print(f"  {'bias':<12} {model.intercept_[0]:+.3f}")
    if args.write:
        old = Calibration.load()
        data_out = {
            "fitted_on": f"{', '.join(str(p.resolve().relative_to(ROOT)) for p in args.paths)} (split {args.split}, "
            f"{len(data)} items) by benchmarks/calibrate.py",
            "features": list(FEATURE_NAMES),
            "weights": [round(float(w), 6) for w in model.coef_[0]],
            "bias": round(float(model.intercept_[0]), 6),
            "answer_at": round(answer_at, 6),
            "suggest_at": round(suggest_at, 6),
            "also_at": old.also_at,
            "also_topic_at": old.also_topic_at,
        }
        CALIBRATION.write_text(json.dumps(data_out, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION.resolve().relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
