"""`sendbot eval`: judge answers by the facts a parent needs, not by entry ids.

Each item is a question, the acceptable entry ids, and (in the real-style set) the 1 to 3
facts a correct, complete answer must contain, each a list of acceptable alternatives
matched as case-insensitive substrings of the entry's title, answer and "more". Verdicts:

* in scope: ``right`` (answered, and the text holds every fact; without facts, the entry is
  one of the ids), ``wrong`` (answered without them), ``choices`` (a "did you mean" whose
  buttons include a right entry), ``missed`` (anything else);
* out of scope (no ids): ``declined`` (the honest fallback or a signpost) or ``wrong``.

The id-based top-1 stays as a secondary column."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from sendbot.answering.decide import Decider
from sendbot.knowledge.model import DEFAULT_LANG, Entry, KnowledgeBase
from sendbot.knowledge.problems import DataError, Problem
from sendbot.knowledge.yamlfile import LineDict, LineList, load_yaml

SPLITS = ("dev", "test")
KINDS = ("short", "medium", "long", "off-topic")


class Verdict(str, Enum):
    RIGHT = "right"
    WRONG = "wrong"
    CHOICES = "choices"
    MISSED = "missed"
    DECLINED = "declined"


@dataclass(frozen=True)
class EvalItem:
    question: str
    ids: tuple[str, ...]
    file: Path
    line: int
    facts: tuple[tuple[str, ...], ...] = ()
    split: str = ""
    kind: str = ""
    topic: str = ""
    source: str = ""
    lang: str = DEFAULT_LANG  # the language the parent asks in, and the answer's facts are judged in
    # The commit whose knowledge base the item was first asked of, before any change it prompted
    # (its file's `asked_of`; "" for items written with the knowledge base in view).
    asked_of: str = ""

    @property
    def in_scope(self) -> bool:
        return bool(self.ids)


def holds_facts(entry: Entry, facts: Iterable[Iterable[str]], lang: str = "en") -> bool:
    """Whether the entry's title, answer and more contain every fact (any alternative)."""
    parts = [entry.title.get_text(lang), entry.answer.get_text(lang)]
    if entry.more:
        parts.append(entry.more.get_text(lang))
    text = " ".join(parts).casefold()
    return all(any(alt.casefold() in text for alt in fact) for fact in facts)


def is_right(kb: KnowledgeBase, item: EvalItem, entry_id: str) -> bool:
    """An entry is right for an item when it holds the item's facts (or, for items without
    facts, when it is one of the labelled ids)."""
    entry = kb.entries.get(entry_id)
    if entry is None or not item.in_scope:
        return False
    return holds_facts(entry, item.facts, item.lang) if item.facts else entry_id in item.ids


@dataclass(frozen=True)
class Outcome:
    item: EvalItem
    verdict: Verdict
    status: str
    shown: tuple[str, ...]  # entries the parent sees (the answer first, or the choices)
    top1_id: bool  # the first entry shown is one of the labelled ids


@dataclass
class Tally:
    """Counts of verdicts for a group of items."""

    counts: Counter[str] = field(default_factory=Counter)
    off_topic_wrong: int = 0  # out-of-scope items answered or given choices (not declined)
    declined_with_button: int = 0  # out-of-scope items declined with a way back (`MatchResult.maybe`)
    in_scope: int = 0
    out_of_scope: int = 0
    top1_id: int = 0

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.verdict.value] += 1
        if outcome.item.in_scope:
            self.in_scope += 1
            self.top1_id += outcome.top1_id
        else:
            self.out_of_scope += 1
            self.off_topic_wrong += outcome.verdict is Verdict.WRONG
            self.declined_with_button += outcome.verdict is Verdict.DECLINED and bool(outcome.shown)

    def rate(self, verdict: Verdict) -> float:
        """Right, wrong, choices and missed are shares of the in-scope items (as a parent with a
        SEND question meets them); declined is a share of the out-of-scope ones."""
        if verdict is Verdict.DECLINED:
            return self.counts[verdict.value] / self.out_of_scope if self.out_of_scope else 0.0
        in_scope = self.counts[verdict.value] - (self.off_topic_wrong if verdict is Verdict.WRONG else 0)
        return in_scope / self.in_scope if self.in_scope else 0.0

    @property
    def right_or_choices(self) -> float:
        """Share of in-scope items where a right entry is the answer or among the choices."""
        good = self.counts[Verdict.RIGHT.value] + self.counts[Verdict.CHOICES.value]
        return good / self.in_scope if self.in_scope else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "items": self.in_scope + self.out_of_scope,
            "in_scope": self.in_scope,
            "out_of_scope": self.out_of_scope,
            **{v.value: self.counts[v.value] for v in Verdict},
            "right_rate": round(self.rate(Verdict.RIGHT), 4),
            "wrong_rate": round(self.rate(Verdict.WRONG), 4),
            "right_or_choices_rate": round(self.right_or_choices, 4),
            "declined_rate": round(self.rate(Verdict.DECLINED), 4),
            "declined_with_button": self.declined_with_button,
            "top1_id_rate": round(self.top1_id / self.in_scope, 4) if self.in_scope else 0.0,
        }


@dataclass
class EvalReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def tally(self, keep: Iterable[Outcome] | None = None) -> Tally:
        t = Tally()
        for outcome in self.outcomes if keep is None else keep:
            t.add(outcome)
        return t

    def by(self, attribute: str) -> dict[str, Tally]:
        groups: dict[str, Tally] = {}
        for outcome in self.outcomes:
            value = outcome.item.file.name if attribute == "file" else getattr(outcome.item, attribute) or "-"
            groups.setdefault(value, Tally()).add(outcome)
        return dict(sorted(groups.items()))

    @property
    def misses(self) -> list[str]:
        return [
            f"{o.item.file.name}:{o.item.line}: {o.verdict.value} ({o.status} {list(o.shown[:3])}), "
            f"expected {list(o.item.ids)}: {o.item.question[:90]!r}"
            for o in self.outcomes
            if o.verdict not in (Verdict.RIGHT, Verdict.DECLINED)
        ]

    def summary(self) -> str:
        def row(name: str, t: Tally) -> str:
            return (
                f"{name[:28]:<28} {t.in_scope + t.out_of_scope:>5} {t.rate(Verdict.RIGHT):>7.1%} "
                f"{t.rate(Verdict.WRONG):>7.1%} {t.rate(Verdict.CHOICES):>8.1%} {t.rate(Verdict.MISSED):>7.1%} "
                f"{t.right_or_choices:>10.1%} "
                + (f"{t.rate(Verdict.DECLINED):>9.1%}" if t.out_of_scope else f"{'-':>9}")
                + (f" {t.top1_id / t.in_scope:>8.1%}" if t.in_scope else f" {'-':>8}")
            )

        header = (
            f"{'':<28} {'items':>5} {'right':>7} {'wrong':>7} {'choices':>8} {'missed':>7} "
            f"{'right+ch':>10} {'declined':>9} {'top1-id':>8}"
        )
        everything = self.tally()
        lines = [header, row("all", everything)]
        if everything.declined_with_button:
            lines.append(f"{'':<28} declined with a way back: {everything.declined_with_button}")
        for attribute in ("lang", "split", "kind", "file", "topic"):
            groups = self.by(attribute)
            if len(groups) > 1 or attribute == "file":
                lines.append(f"-- by {attribute}")
                lines += [row(name, t) for name, t in groups.items()]
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps(
            {
                "all": self.tally().as_dict(),
                **{
                    f"by_{a}": {k: t.as_dict() for k, t in self.by(a).items()}
                    for a in ("lang", "split", "kind", "file", "topic")
                },
                "items": [
                    {
                        "file": o.item.file.name,
                        "line": o.item.line,
                        "question": o.item.question,
                        "split": o.item.split,
                        "lang": o.item.lang,
                        "verdict": o.verdict.value,
                        "status": o.status,
                        "shown": list(o.shown),
                        "ids": list(o.item.ids),
                    }
                    for o in self.outcomes
                ],
            },
            ensure_ascii=False,
        )


def _facts(raw: object) -> tuple[tuple[str, ...], ...] | None:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(
        isinstance(f, list) and f and all(isinstance(a, str) and a.strip() for a in f) for f in raw
    ):
        return None
    return tuple(tuple(a for a in f) for f in raw)


def load_eval(paths: list[Path], known_ids: set[str], split: str | None = None) -> list[EvalItem]:
    """Read eval files (or every *.yaml under a folder, recursively); unknown ids are errors,
    not silent misses. With ``split``, only that split's items."""
    files = [f for p in paths for f in (sorted(p.rglob("*.yaml")) if p.is_dir() else [p])]
    items: list[EvalItem] = []
    problems: list[Problem] = []
    for path in files:
        data, syntax = load_yaml(path)
        problems.extend(syntax)
        if syntax:
            continue
        questions = data.get("questions") if isinstance(data, LineDict) else None
        file_lang = data.get("lang", DEFAULT_LANG) if isinstance(data, LineDict) else DEFAULT_LANG
        asked_of = str(data.get("asked_of") or "") if isinstance(data, LineDict) else ""
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
            facts = _facts(raw.get("facts"))
            if facts is None:
                problems.append(
                    Problem(path, line, "'facts' must be a list of lists of text", "write facts: [[tribunal, appeal]]")
                )
                continue
            item_split = str(raw.get("split") or "")
            if item_split and item_split not in SPLITS:
                problems.append(Problem(path, line, f"unknown split {item_split!r}", "use dev or test"))
                continue
            if split and item_split != split:
                continue
            items.append(
                EvalItem(
                    raw["q"],
                    tuple(raw["ids"]),
                    path,
                    line,
                    facts,
                    item_split,
                    str(raw.get("kind") or ""),
                    str(raw.get("topic") or ""),
                    str(raw.get("source") or ""),
                    str(raw.get("lang") or file_lang),
                    asked_of,
                )
            )
    if problems:
        raise DataError(problems)
    return items


def judge(decider: Decider, item: EvalItem) -> Outcome:
    """What a parent would see for this item, and the verdict."""
    kb = decider.kb
    # The question's own reply: a message about danger gets the safety entry first and then this
    # reply, as in the chat (`Conversation.handle`), so the safety entry is not its answer.
    decision = decider.decide(item.question, None, item.lang)
    result = decision.match
    if result.status == "fallback":  # the "not me", and its way back (`Decision.maybe`) when there is one
        shown: tuple[str, ...] = (decision.maybe.entry_id,) if decision.maybe else ()
    else:
        shown = tuple(c.entry_id for c in result.candidates)
    if result.status == "answer":
        shown = shown[:1]
    top1 = bool(shown) and shown[0] in item.ids
    if not item.in_scope:
        verdict = Verdict.DECLINED if result.status == "fallback" else Verdict.WRONG
    elif result.status == "answer":
        verdict = Verdict.RIGHT if is_right(kb, item, shown[0]) else Verdict.WRONG
    elif any(is_right(kb, item, e) or e in item.ids for e in shown):
        # Choices: a "did you mean" with a right entry among its buttons, or a decline whose
        # one button (`MatchResult.maybe`) is a right entry.
        verdict = Verdict.CHOICES
    else:
        verdict = Verdict.MISSED
    return Outcome(item, verdict, result.status, shown, top1)


def evaluate(decider: Decider, items: list[EvalItem]) -> EvalReport:
    return EvalReport([judge(decider, item) for item in items])
