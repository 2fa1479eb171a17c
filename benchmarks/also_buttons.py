"""How apt the "You also asked about" buttons are, on buttons labelled blind by people.

    .venv/bin/python benchmarks/also_buttons.py [LABELS_FILE]

`benchmarks/data/also_labels.yaml` holds buttons SENDbot showed beside answers to eval questions
(`tests/eval/real`, by file and line), each labelled `apt: true` when two labellers (or, for a
fresh set, one) agreed the message raises that matter, without seeing which rule showed it.
For each group of labels it prints, side by side, the labelled rule's figures (every labelled
button was shown by it) and the code's: the share of apt buttons among those it shows, and how
many of the apt ones it keeps. A button the code shows that nobody labelled is counted apart,
as unlabelled: a sampled group labels some buttons of a question and not its others, and a rule
that shows new buttons needs new labels. Prints a table; tests never run this."""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sendbot.answering.decide import Decider  # noqa: E402
from sendbot.answering.evaluate import load_eval  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402

LABELS = ROOT / "benchmarks" / "data" / "also_labels.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description='How apt the "You also asked about" buttons are, on labelled buttons.')
    parser.add_argument("labels", nargs="?", type=Path, default=LABELS, help="a labels file (YAML)")
    path = parser.parse_args().labels
    if not path.is_file():
        parser.error(f"{path} is not a file: give a labels file like {LABELS.relative_to(ROOT)}")
    groups = yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
    kb = load_knowledge(ROOT / "knowledge")
    items = {(i.file.name, i.line): i for i in load_eval([ROOT / "tests" / "eval" / "real"], set(kb.entries))}
    decider = Decider(kb)
    print(f"{'labels':34} {'rule':20} {'shown':>6} {'apt among shown':>16} {'apt kept':>10} {'unlabelled':>11}")
    for group in groups:
        labels: dict[tuple[str, int], dict[str, bool]] = defaultdict(dict)
        for b in group["buttons"]:
            labels[(b["file"], b["line"])][b["also"]] = b["apt"]
        apt_total = sum(v for by in labels.values() for v in by.values())
        labelled = sum(len(by) for by in labels.values())
        shown = apt = unlabelled = 0
        for key, by in labels.items():
            item = items.get(key)
            if item is None:
                sys.exit(f"{path}: no eval question at {key[0]} line {key[1]}: relabel the group")
            decision = decider.decide(item.question, None, item.lang)
            also = [c.entry_id for c in decision.match.also] if decision.kind == "answer" else []
            for entry_id in also:
                if entry_id in by:
                    shown += 1
                    apt += by[entry_id]
                else:
                    unlabelled += 1
        rows = ((group["rule"], labelled, apt_total, 0), ("this code", shown, apt, unlabelled))
        for rule, n, good, new in rows:
            share = f"{good / n:.0%} ({good})" if n else "-"
            print(f"{group['name']:34} {rule:20} {n:>6} {share:>16} {f'{good}/{apt_total}':>10} {new:>11}")


if __name__ == "__main__":
    main()
