"""Choose the stories' answer threshold on fresh questions as first asked, and judge it on others.

    .venv/bin/python benchmarks/story_threshold.py --choose 'stop26b-*' 'stop26c-*' 'stop26d-*' \
        --judge 'stop27-*' 'stop27b-*' [--max-wrong-choose 0.04] [--max-wrong-judge 0.05] [--write]

`calibrate.py` fits P(right) and its thresholds on every development question. Fresh sets of
questions, each asked before any change it prompted (`asked_of` names the commit), measure what a
new parent finds; from stop 26's second set to stop 27's last they gave 2.1% to 5.2% wrong
answers (20 of 672), under the 5% limit, while stories got choices far more often than answers.
This script asks each fresh file again with today's code and the knowledge base of its
`asked_of` commit (`knowledge_then`), with the committed decision except the stories' threshold,
at each candidate threshold; judged as a new question was then (`sendbot eval`'s verdicts against
that knowledge base).

The rule: the lowest candidate whose wrong answers on the ``--choose`` sets are at most
``--max-wrong-choose`` of their in-scope items is chosen; it is kept only if, on the ``--judge``
sets (which played no part in choosing), wrong answers stay at most ``--max-wrong-judge``.
``--write`` then stores it as ``answer_at_story`` in `sendbot/answering/calibration.json`; run it
after `calibrate.py --write` (which sets its own) and `calibrate_lang.py --write`. Needs the git
history, as `calibrate.py` does."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from calibrate import knowledge_then  # noqa: E402

from sendbot.answering.decide import Decider  # noqa: E402
from sendbot.answering.evaluate import EvalItem, Verdict, judge, load_eval  # noqa: E402
from sendbot.answering.matcher import CALIBRATION  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402

EVAL = ROOT / "tests" / "eval" / "real"
CANDIDATES = (0.50, 0.52, 0.54, 0.56, 0.58, 0.60, 0.62, 0.64)


@dataclass
class Tally:
    """Verdicts at one threshold: in-scope items' right, wrong, choices and missed; off-topic declined."""

    in_scope: int = 0
    off_topic: int = 0
    verdicts: Counter[Verdict] = field(default_factory=Counter)  # in-scope items only
    declined: int = 0

    def add(self, item: EvalItem, verdict: Verdict) -> None:
        if item.in_scope:
            self.in_scope += 1
            self.verdicts[verdict] += 1
        else:
            self.off_topic += 1
            self.declined += verdict == Verdict.DECLINED

    def share(self, verdict: Verdict) -> float:
        return self.verdicts[verdict] / self.in_scope if self.in_scope else 0.0


def fresh_items(patterns: list[str]) -> list[EvalItem]:
    """The dev items of the fresh files these patterns name; each file must name its `asked_of`."""
    files = sorted({path for pattern in patterns for path in EVAL.glob(f"{pattern}.yaml")})
    if not files:
        sys.exit(f"story_threshold.py: no eval file matches {patterns} in {EVAL}")
    items = load_eval(files, set(load_knowledge(ROOT / "knowledge").entries), "dev")
    unasked = sorted({i.file.name for i in items if not i.asked_of})
    if unasked:
        sys.exit(f"story_threshold.py: {', '.join(unasked)} name no asked_of commit: not fresh sets")
    return items


def tallies(items: list[EvalItem], thresholds: list[float]) -> dict[float, Tally]:
    """Each threshold's verdicts over the items, each asked with its `asked_of` knowledge base."""
    out = {t: Tally() for t in thresholds}
    for commit, kb in knowledge_then(items).items():
        decider = Decider(kb)
        committed = decider.matcher.calibration
        asked = [i for i in items if i.asked_of == commit]
        for t in thresholds:
            decider.matcher.calibration = replace(committed, answer_at_story=t)
            for item in asked:
                out[t].add(item, judge(decider, item).verdict)
    return out


def report(name: str, table: dict[float, Tally]) -> None:
    first = next(iter(table.values()))
    print(f"{name}: {first.in_scope} in scope, {first.off_topic} off-topic")
    print(f"  {'story at':>9} {'right':>7} {'wrong':>7} {'choices':>8} {'missed':>7} {'declined':>9}")
    for t, tally in table.items():
        print(
            f"  {t:9.4f} {tally.share(Verdict.RIGHT):7.1%} {tally.share(Verdict.WRONG):7.1%} "
            f"{tally.share(Verdict.CHOICES):8.1%} {tally.share(Verdict.MISSED):7.1%} "
            f"{tally.declined:4d} of {tally.off_topic}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--choose", nargs="+", required=True, help="eval file patterns to choose on")
    parser.add_argument("--judge", nargs="+", required=True, help="eval file patterns to judge on")
    parser.add_argument("--max-wrong-choose", type=float, default=0.04)
    parser.add_argument("--max-wrong-judge", type=float, default=0.05)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    committed = float(data["answer_at_story"])
    thresholds = sorted({*CANDIDATES, committed})
    choose = tallies(fresh_items(args.choose), thresholds)
    judged = tallies(fresh_items(args.judge), thresholds)
    report("choose on " + " ".join(args.choose), choose)
    report("judge on " + " ".join(args.judge), judged)
    within = [t for t in thresholds if choose[t].share(Verdict.WRONG) <= args.max_wrong_choose]
    chosen = min(within, default=committed)
    kept = judged[chosen].share(Verdict.WRONG) <= args.max_wrong_judge
    if chosen == committed:
        print(f"no candidate under the committed {committed:.4f} is within the limit: it stays")
    else:
        verdict = "kept" if kept else "not kept: the committed threshold stays"
        print(f"chosen {chosen:.4f}; on the judging sets wrong {judged[chosen].share(Verdict.WRONG):.1%}: {verdict}")
    if args.write and kept and chosen != committed:
        data["answer_at_story"] = chosen
        data["answer_at_story_chosen_by"] = (
            f"benchmarks/story_threshold.py --choose {' '.join(args.choose)} --judge {' '.join(args.judge)}"
        )
        CALIBRATION.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote answer_at_story {chosen:.4f} to {CALIBRATION.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
