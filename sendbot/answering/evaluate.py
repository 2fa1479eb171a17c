"""`sendbot eval`: how well the matcher answers a labelled set of real-sounding questions.

An item labelled with ids must be answered (or suggested) with one of them; an item with no
ids is out of scope and must get the honest fallback. Top-1 counts the first answer or
suggestion a parent sees; top-3 counts any of the suggestions shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sendbot.answering.decide import Decider
from sendbot.knowledge.problems import DataError, Problem
from sendbot.knowledge.yamlfile import LineDict, LineList, load_yaml


@dataclass(frozen=True)
class EvalItem:
    question: str
    ids: tuple[str, ...]
    file: Path
    line: int


@dataclass
class EvalReport:
    in_scope: int = 0
    out_of_scope: int = 0
    top1: int = 0
    top3: int = 0
    rejected: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.in_scope if self.in_scope else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.in_scope if self.in_scope else 0.0

    @property
    def rejection_rate(self) -> float:
        return self.rejected / self.out_of_scope if self.out_of_scope else 0.0

    def summary(self) -> str:
        return (
            f"questions: {self.in_scope} in scope, {self.out_of_scope} out of scope\n"
            f"top-1 accuracy: {self.top1_rate:.1%} ({self.top1}/{self.in_scope})\n"
            f"top-3 accuracy: {self.top3_rate:.1%} ({self.top3}/{self.in_scope})\n"
            f"out-of-scope rejection: {self.rejection_rate:.1%} ({self.rejected}/{self.out_of_scope})"
        )


def load_eval(paths: list[Path], known_ids: set[str]) -> list[EvalItem]:
    """Read eval files (or every *.yaml in a folder); unknown ids are errors, not silent misses."""
    files = [f for p in paths for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])]
    items: list[EvalItem] = []
    problems: list[Problem] = []
    for path in files:
        data, syntax = load_yaml(path)
        problems.extend(syntax)
        if syntax:
            continue
        questions = data.get("questions") if isinstance(data, LineDict) else None
        if not isinstance(questions, LineList):
            problems.append(Problem(path, 1, "no 'questions' list", "start the file with 'questions:'"))
            continue
        for i, raw in enumerate(questions):
            line = questions.line_of(i)
            if (
                not isinstance(raw, LineDict)
                or not isinstance(raw.get("q"), str)
                or not isinstance(raw.get("ids"), list)
            ):
                problems.append(
                    Problem(
                        path, line, "an item needs 'q' (text) and 'ids' (a list)", 'write {q: "...", ids: [entry-id]}'
                    )
                )
                continue
            unknown = [i for i in raw["ids"] if i not in known_ids]
            if unknown:
                problems.append(
                    Problem(path, line, f"unknown id(s): {', '.join(map(str, unknown))}", "use ids of existing entries")
                )
                continue
            items.append(EvalItem(raw["q"], tuple(raw["ids"]), path, line))
    if problems:
        raise DataError(problems)
    return items


def evaluate(decider: Decider, items: list[EvalItem]) -> EvalReport:
    report = EvalReport()
    for item in items:
        result = decider.decide(item.question, None, "en").shown  # what a parent would see
        shown = [c.entry_id for c in result.candidates] if result.status != "fallback" else []
        where = f"{item.file.name}:{item.line}"
        if not item.ids:
            report.out_of_scope += 1
            if result.status == "fallback":
                report.rejected += 1
            else:
                report.misses.append(
                    f"{where}: out of scope but got {result.status} {shown[:1]} "
                    f"({result.best.score if result.best else 0:.2f}): {item.question[:90]!r}"
                )
            continue
        report.in_scope += 1
        if shown and shown[0] in item.ids:
            report.top1 += 1
        if any(entry_id in item.ids for entry_id in shown[:3]):
            report.top3 += 1
        if not shown or shown[0] not in item.ids:
            got = f"{result.status} {[(c.entry_id, round(c.score, 2)) for c in result.candidates[:3]]}"
            report.misses.append(f"{where}: expected {list(item.ids)}, got {got}: {item.question[:90]!r}")
    return report
