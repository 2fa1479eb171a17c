"""Choose each language's answer threshold on its own development questions.

    .venv/bin/python benchmarks/calibrate_lang.py [tests/eval/lang/pl.yaml ...] [--max-wrong 0.05] [--write]

Another language's index (its phrasings and the English ones) scores with the English-fitted
model (`benchmarks/calibrate.py`), but fewer phrasings stand behind each of its words, so a right
best entry gets a lower probability. As in calibrate.py, ``answer_at`` is the lowest value at
which wrong answers stay at or under ``--max-wrong`` of the dev items; never above the English
one, and never under LOWEST (so that the unsure still get "did you mean" choices). P(right) and
P(scope) are two models: a floor tied to ``suggest_at`` moved with the scope threshold, which
says nothing about how sure a right answer is. ``--write`` stores it under
``answer_at_by_lang`` in `sendbot/answering/calibration.json`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sendbot.answering.decide import Decider  # noqa: E402
from sendbot.answering.evaluate import Verdict, evaluate, load_eval  # noqa: E402
from sendbot.answering.matcher import CALIBRATION, Calibration  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402

STEP = 0.01
LOWEST = 0.3  # answer_at never goes under this, so "did you mean" choices remain for the unsure


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, default=sorted((ROOT / "tests/eval/lang").glob("*.yaml")))
    parser.add_argument("--max-wrong", type=float, default=0.05)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    kb = load_knowledge(ROOT / "knowledge")
    english = Calibration.load()
    decider = Decider(kb)
    found: dict[str, float] = {}
    for path in args.paths:
        items = load_eval([path], set(kb.entries), "dev")
        lang = items[0].lang
        matcher = decider.matcher_for(lang)
        best = english.answer_at
        for answer_at in np.arange(english.answer_at, LOWEST - 1e-9, -STEP):
            matcher.calibration = english.with_one_threshold(float(answer_at))
            tally = evaluate(decider, items).tally()
            if tally.rate(Verdict.WRONG) > args.max_wrong:
                break
            best = float(answer_at)
        matcher.calibration = english.with_one_threshold(best)
        tally = evaluate(decider, items).tally()
        print(
            f"{lang}: answer_at {best:.2f} (English {english.answer_at:.4f}); dev right {tally.rate(Verdict.RIGHT):.1%}"
            f" wrong {tally.rate(Verdict.WRONG):.1%} ({len(items)} items)"
        )
        found[lang] = round(best, 4)
    if args.write:
        data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
        data["answer_at_by_lang"] = {**data.get("answer_at_by_lang", {}), **found}
        CALIBRATION.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"written to {CALIBRATION}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
