"""Fit the matcher's decision (answer, offer choices, or decline) on the development questions.

    .venv/bin/python benchmarks/calibrate.py [EVAL_PATH ...] [--split dev] [--max-wrong 0.05]
        [--confidence 0.95] [--stricter] [--leave-out PATTERN] [--write]

For every item, the matcher's named `Features` of its best candidate, whether that candidate
is right (its text holds the item's facts, today and, for a fresh question, in the knowledge base
it was first asked of: `knowledge_then`) and whether the item is in scope at all. Two
logistic regressions (scikit-learn, a development dependency only: at run time each is a dot
product) give P(right) and P(scope), each without the features only the other uses (`only`). A
message is answered only when P(scope) says SEND as well (`Check.scoped`). The thresholds are
then chosen on the same items' out-of-fold probabilities (5-fold cross-validation), so that they
hold for questions the models have not seen:
``suggest_at`` (on P(scope)) as low as possible while at least ``--min-declined`` of the
out-of-scope items are declined, then ``answer_at`` (on P(right)) as low as possible while
wrong answers stay at or under ``--max-wrong`` of the in-scope items, with ``--confidence``: the
one-sided Clopper-Pearson upper bound of the wrong rate, not the dev figure itself, must be within
the limit. A small dev split flatters: with 193 in-scope items and some 20 wrong first entries,
thresholds for 2.6% wrong on dev gave 4.7% and then 6.3% on the test split, so the limit is asked
of what the dev items say the rate could be. Since stop 17 the dev split has 580 in-scope items,
about 100 of them with a wrong first entry. Each threshold is the median of those chosen so on
RESAMPLES bootstrap resamples of the dev items (`choose_thresholds`): chosen once, the pair for
short and other messages jumped between near-equal optima (dropping any one of the 12 dev files
moved the short threshold between 0.60 and 0.79, sd 0.069; the median's sd is 0.014).
``--write`` stores both models in `sendbot/answering/calibration.json`."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
from scipy.stats import beta
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold, cross_val_predict

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from train_question_model import question_tokens, train  # noqa: E402

from sendbot.answering.evaluate import EvalItem, is_right, load_eval  # noqa: E402
from sendbot.answering.matcher import (  # noqa: E402
    CALIBRATION,
    FEATURE_NAMES,
    NEUTRAL_FEATURES,
    REJECT_PREFIX,
    RIGHT_ONLY_FEATURES,
    SCOPE_ONLY_FEATURES,
    WORD_FOR_WORD,
    Features,
    Matcher,
    is_story,
    out_of_scope_explains_better,
    says_a_phrasing,
)
from sendbot.knowledge.loader import load_knowledge  # noqa: E402
from sendbot.knowledge.model import KnowledgeBase  # noqa: E402


@dataclass(frozen=True)
class Row:
    """One item as the decision sees it, and what would be right for it."""

    features: Features
    in_scope: bool
    best_right: bool  # the best entry holds the item's facts
    choices_right: bool  # one of the entries a "did you mean" offers does
    vague: bool  # the matcher's "vague short message" rule applies (the menu)
    explained_better: bool  # an out-of-scope kind explains it better than the best entries (declined)
    story: bool  # a long message, answered at its own threshold
    named_place: bool = False  # it names a place of an out-of-scope kind (always declined: `names_place_of`)


def knowledge_then(items: list[EvalItem]) -> dict[str, KnowledgeBase]:
    """The knowledge base of each commit items were first asked of (`EvalItem.asked_of`), from git.

    Each round of fresh questions prompts facts in the entries that lacked them, so asked again
    later the same questions find answers a new parent's question would not have found: of the
    dev stories written from stop 18 on whose first entry holds their facts today, one in five
    did not when they were written. Judged only against today's entries, the dev split put the
    stories answered wrongly at 2.6% at stop 24, and the test split at 10.3%."""
    found = {}
    for commit in sorted({i.asked_of for i in items if i.asked_of}):
        read = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "knowledge"], capture_output=True)
        if read.returncode:
            sys.exit(
                f"calibrate.py: cannot read the knowledge base of {commit} (an eval file's asked_of) from git: "
                f"{read.stderr.decode(errors='replace').strip()}. Run it in a full clone, or with --labels today."
            )
        archive = read.stdout
        with tempfile.TemporaryDirectory() as folder, tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            # Our own repository's files; the "data" filter where this Python has it (3.10.12 on).
            if hasattr(tarfile, "data_filter"):
                tar.extractall(folder, filter="data")
            else:
                tar.extractall(folder)
            found[commit] = load_knowledge(Path(folder) / "knowledge")
    return found


def right_as_written(kb: KnowledgeBase, then: Mapping[str, KnowledgeBase], item: EvalItem, entry_id: str) -> bool:
    """The entry holds the item's facts today and, for an item first asked of an older knowledge
    base (`knowledge_then`), held them then too: right as a new question would find it."""
    old = then.get(item.asked_of)
    return is_right(kb, item, entry_id) and (old is None or is_right(old, item, entry_id))


# Each item's matcher: one whose learnt model was trained without the item's fold (`fold_matchers`).
MatcherOf = Callable[[EvalItem], Matcher]


def rows(
    matcher_of: MatcherOf,
    kb: KnowledgeBase,
    items: list[EvalItem],
    then: Mapping[str, KnowledgeBase],
) -> list[Row]:
    """Every item its matcher has words for."""
    out = []
    for item in items:
        matcher = matcher_of(item)
        # One analysis gives the decision's features and the ranked candidates, best first.
        signals, features = matcher.explain(item.question)
        if features is None:
            continue
        ranked = [s for s in signals if not s.entry_id.startswith(REJECT_PREFIX)]
        rejects = [s for s in signals if s.entry_id.startswith(REJECT_PREFIX)]
        entries = [s.entry_id for s in ranked]
        explained_better = out_of_scope_explains_better(rejects[0] if rejects else None, ranked)
        closest = max(0.0, features.confidence + features.off_topic)
        vague = (
            bool(features.short)
            and features.phrasing < WORD_FOR_WORD
            and max(features.confidence, closest) < matcher.calibration.also_at
        )
        out.append(
            Row(
                features,
                item.in_scope,
                bool(entries) and right_as_written(kb, then, item, entries[0]),
                any(right_as_written(kb, then, item, e) for e in entries[: matcher.settings.max_suggestions]),
                vague,
                explained_better,
                is_story(item.question),
                matcher.names_place_of(item.question) is not None,
            )
        )
    return out


def without(kb: KnowledgeBase, dropped: set[tuple[str, str]]) -> KnowledgeBase:
    """The knowledge base without these (entry or out-of-scope id, English phrasing) pairs."""
    entries = {
        eid: replace(e, questions={**e.questions, "en": tuple(q for q in e.questions["en"] if (eid, q) not in dropped)})
        for eid, e in kb.entries.items()
    }
    topics = {
        tid: replace(t, questions=tuple(q for q in t.questions if (REJECT_PREFIX + tid, q) not in dropped))
        for tid, t in kb.out_of_scope.items()
    }
    return replace(kb, entries=entries, out_of_scope=topics)


# The eval files whose dev questions the knowledge base's phrasings and facts were written from
# (stops 13 to 16). The files added at stop 17 were written after the phrasings, from pages not used
# before, and no phrasing was written from them: they are asked as they are, as a new parent's are.
PHRASED_FROM = frozenset({"assessment-plans.yaml", "school-disputes.yaml"})


def unseen_rows(
    matcher_of: MatcherOf,
    kb: KnowledgeBase,
    items: list[EvalItem],
    then: Mapping[str, KnowledgeBase],
    closest: int,
) -> list[Row]:
    """Every item asked of a matcher built without the ``closest`` phrasings nearest to it
    (items of files not in PHRASED_FROM as they are).

    The knowledge base's phrasings were written with the dev questions in view, so a dev
    question usually meets a phrasing made from it: on the dev split the first entry was right
    for 94% of questions and for nearly every short and medium one, against about 81% on the
    test split, and a model fitted on that learnt "short or medium: right" and answered the
    test split's wrongly. Asked without its nearest phrasings, a dev question looks to the
    matcher as a new parent's question will."""
    out = []
    for item in items:
        if item.file.name not in PHRASED_FROM:
            out += rows(matcher_of, kb, [item], then)
            continue
        matcher = matcher_of(item)
        dropped = set(matcher.closest_phrasings(item.question, closest))
        alone = Matcher(
            without(kb, dropped), matcher.settings, calibration=matcher.calibration, learned=matcher.learned or False
        )
        out += rows(lambda _, alone=alone: alone, kb, [item], then)
    return out


# The question model (`learned.py`) is trained on the dev questions themselves: fitted with what it
# says of questions it was trained on, P(right) would trust it far more than a new parent's
# question deserves, and rule "rerank" would order their entries better than a new question's. So
# each item is asked of a matcher whose model was trained without its file's fold: the features
# `learned` and the order of its first entries (rule "rerank") are as a new question finds them.
LEARNED_FOLDS = 5


def fold_matchers(kb: KnowledgeBase, items: list[EvalItem]) -> MatcherOf:
    """Each item's matcher, with a model trained on the other folds' files (grouped by file, as
    questions of one file often share a page's topic)."""
    files = np.array([item.file.name for item in items])
    plain = Matcher(kb, learned=False)
    tokens = question_tokens(plain, items)
    matcher_of: dict[str, Matcher] = {}
    for train_rows, test_rows in GroupKFold(n_splits=LEARNED_FOLDS).split(files, groups=files):
        fold = [i for i in train_rows if items[i].in_scope]
        model = train([tokens[i] for i in fold], [items[i] for i in fold], set(kb.entries))
        matcher = Matcher(kb, learned=model)
        matcher_of.update({str(name): matcher for name in set(files[test_rows])})
    return lambda item: matcher_of[item.file.name]


def outcome(
    data: list[Row], p_right: np.ndarray, p_scope: np.ndarray, answer_at: float | np.ndarray, suggest_at: float
) -> dict[str, float]:
    """The figures the matcher's decision (`Matcher._decide`) gives with these thresholds."""
    c = Check.of(data, p_right, p_scope, suggest_at)
    in_scope, best_right, choices_right = c.in_scope, c.best_right, c.choices_right
    answered = (((p_right >= answer_at) & c.scoped) | c.says) & c.eligible
    suggested = c.suggestable & ~answered
    n = max(int(in_scope.sum()), 1)  # right, wrong and choices are shares of the in-scope items
    return {
        "right": float((answered & best_right & in_scope).sum() / n),
        "wrong": float((answered & ~best_right & in_scope).sum() / n),
        "choices": float((suggested & choices_right & in_scope).sum() / n),
        "right_or_choices": float(((answered & best_right) | (suggested & choices_right))[in_scope].mean()),
        "declined": float((~answered & ~suggested)[~in_scope].mean()) if (~in_scope).any() else 1.0,
    }


# Each group of messages gets its own answer threshold (Calibration.answer_at_for): stories,
# short messages and the rest. (Short and medium messages shared one until stop 18, when 244 new
# dev questions put the medium ones' wrong answers at 7.8% and raised it for the short ones too.)
GROUPS = ("other", "story", "short")
GRID = np.round(np.linspace(1.0, 0.0, 101), 2)  # the short and other thresholds, strictest first


def group_of(row: Row) -> str:
    return "story" if row.story else "short" if row.features.short else "other"


# L2 strength (scikit-learn's C, smaller is stronger) of each model. P(right) learns from some 20
# wrong first entries among the dev questions asked as new: with C=1 its 13 weights fitted noise
# (cross-validated AUC 0.58 there, under the margin alone's 0.68); at 0.03 the AUC was 0.62 and
# the right answers at the same wrong-answer bound 45% instead of 38%. P(scope) separates well.
RIGHT_C = 0.03
SCOPE_C = 1.0


@dataclass(frozen=True)
class Check:
    """One view of the items (asked as new, or as they are) with its P(right) and P(scope), as
    arrays: which items an answer threshold would answer, and whether rightly."""

    in_scope: np.ndarray
    best_right: np.ndarray
    choices_right: np.ndarray  # one of the entries a "did you mean" offers is right
    eligible: np.ndarray  # neither the menu nor the out-of-scope rule stops an answer
    says: np.ndarray  # answered whatever P(right) says (`says_a_phrasing`)
    suggestable: np.ndarray  # offered choices unless answered
    scoped: np.ndarray  # P(scope) says it is a SEND question: answered when P(right) is high enough
    guarded: np.ndarray  # off-topic items declined when nothing is answered on P(right)
    p_right: np.ndarray

    @classmethod
    def of(cls, data: list[Row], p_right: np.ndarray, p_scope: np.ndarray, suggest_at: float) -> Check:
        vague = np.array([r.vague for r in data])
        short = np.array([bool(r.features.short) for r in data])
        named_place = np.array([r.named_place for r in data])  # always declined
        rule = (np.array([r.explained_better for r in data]) & ~vague) | named_place  # never answered
        scoped = p_scope >= suggest_at
        # ... declined unless P(scope) says it is a SEND question (a named place: always)
        declined_rule = (rule & (short | ~scoped)) | named_place
        in_scope = np.array([r.in_scope for r in data])
        says = np.array([says_a_phrasing(r.features) for r in data])
        eligible = ~rule & ~vague
        suggestable = ((scoped & ~vague) | short) & ~declined_rule
        answered = says & eligible
        guarded = ~in_scope & ~answered & ~(suggestable & ~answered)
        best_right = np.array([r.best_right for r in data])
        choices_right = np.array([r.choices_right for r in data])
        return cls(in_scope, best_right, choices_right, eligible, says, suggestable, scoped, guarded, p_right)

    def counts(self, at: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each threshold in ``at``: the items (counted ``weights`` times) answered rightly,
        answered wrongly, and whether an off-topic item that would be declined is answered."""
        answered = (
            ((self.p_right[:, None] >= at[None, :]) & self.scoped[:, None]) | self.says[:, None]
        ) & self.eligible[:, None]
        w = weights[:, None]
        right = (answered & (self.in_scope & self.best_right)[:, None]) * w
        wrong = (answered & (self.in_scope & ~self.best_right)[:, None]) * w
        loses = (answered & (self.guarded & (weights > 0))[:, None]).any(axis=0)
        return right.sum(axis=0), wrong.sum(axis=0), loses


def wrong_bounds(wrong: np.ndarray, in_scope: float, confidence: float) -> np.ndarray:
    """The one-sided Clopper-Pearson upper bound of the wrong rate behind each of these
    wrong-answer counts out of ``in_scope`` items (the rate itself when ``confidence`` is 0)."""
    if confidence <= 0:
        return np.asarray(wrong / max(in_scope, 1.0))
    bound = beta.ppf(confidence, wrong + 1, np.maximum(in_scope - wrong, 1e-9))
    return np.where(wrong >= in_scope, 1.0, bound)


def choose_thresholds(
    checks: list[Check], group: np.ndarray, story_at: np.ndarray, weights: np.ndarray, args: argparse.Namespace
) -> dict[str, float] | None:
    """The answer threshold of each group (GROUPS) for the items counted ``weights`` times, in
    every check at once: for stories, the lowest of ``story_at`` that keeps their wrong answers
    within --max-wrong-story; for short messages and the rest, the pair (on GRID) that answers the
    most of them rightly while their wrong answers together stay within --max-wrong. Neither
    answers an off-topic item that would otherwise be declined. None when no threshold does."""
    story, short = group == "story", group == "short"
    ok_story = np.ones(len(story_at), dtype=bool)
    ok_pair = np.ones((len(GRID), len(GRID)), dtype=bool)
    right_pair = np.zeros((len(GRID), len(GRID)))
    for check in checks:
        w = weights * story
        _, wrong, loses = check.counts(story_at, w)
        n = float((w * check.in_scope).sum())
        ok_story &= (wrong_bounds(wrong, n, args.confidence) <= args.max_wrong_story) & ~loses
        w_other, w_short = weights * (group == "other"), weights * short
        right_o, wrong_o, loses_o = check.counts(GRID, w_other)
        right_s, wrong_s, loses_s = check.counts(GRID, w_short)
        n = float(((w_other + w_short) * check.in_scope).sum())
        wrong_both = wrong_o[:, None] + wrong_s[None, :]
        ok_pair &= (wrong_bounds(wrong_both, n, args.confidence) <= args.max_wrong) & ~(
            loses_o[:, None] | loses_s[None, :]
        )
        right_pair += (right_o[:, None] + right_s[None, :]) / max(n, 1.0)
    if not ok_story.any() or not ok_pair.any():
        return None
    # The first best pair in GRID order (strictest first) keeps the stricter of equal pairs.
    best = int(np.argmax(np.where(ok_pair, right_pair, -1.0)))
    at_other, at_short = np.unravel_index(best, ok_pair.shape)
    return {"story": float(story_at[ok_story][0]), "other": float(GRID[at_other]), "short": float(GRID[at_short])}


# Thresholds are the median of those chosen on this many resamples of the dev items (drawn with
# replacement, seed 0): chosen once on the dev items, the thresholds jumped between near-equal
# optima with small changes (at stop 19, five small knowledge-base edits moved the story threshold
# from 0.678 to 0.646 and the short one from 0.63 to 0.79).
RESAMPLES = 200


def fit_model(strength: float) -> LogisticRegression:
    return LogisticRegression(C=strength, max_iter=1000, class_weight="balanced")


def fit(x: np.ndarray, y: np.ndarray, strength: float) -> LogisticRegression:
    return fit_model(strength).fit(x, y)


# Out-of-fold probabilities are averaged over this many shuffles of the 5 folds: with some 20
# wrong first entries among the dev items, one split alone moved the chosen threshold, and the
# right answers with it, by several points from one run of a change to the next.
REPEATS = 10


def out_of_fold(x: np.ndarray, y: np.ndarray, strength: float) -> np.ndarray:
    """Each item's probability from models fitted without it (5 folds), averaged over REPEATS shuffles."""
    runs = [
        cross_val_predict(
            fit_model(strength),
            x,
            y,
            cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=seed),
            method="predict_proba",
        )[:, 1]
        for seed in range(REPEATS)
    ]
    return np.mean(runs, axis=0)


def neutral(data: list[Row]) -> dict[str, float]:
    """The value another language's index takes for each feature it cannot compute
    (`NEUTRAL_FEATURES`): its mean over the English dev items in scope (Calibration.neutral)."""
    in_scope = [r.features for r in data if r.in_scope]
    return {name: round(float(np.mean([getattr(f, name) for f in in_scope])), 6) for name in NEUTRAL_FEATURES}


def only(x: np.ndarray, left_out: tuple[str, ...]) -> np.ndarray:
    """The features with those the model does not use set to 0, so that their weight is 0:
    P(right) is fitted without SCOPE_ONLY_FEATURES, P(scope) without RIGHT_ONLY_FEATURES."""
    out = x.copy()
    out[:, [FEATURE_NAMES.index(name) for name in left_out]] = 0.0
    return out


def logistic(model: LogisticRegression) -> dict[str, object]:
    return {"weights": [round(float(w), 6) for w in model.coef_[0]], "bias": round(float(model.intercept_[0]), 6)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "tests" / "eval" / "real"])
    parser.add_argument("--split", default="dev")
    # Files left out of the fit (fnmatch patterns on the file name, e.g. 'stop28*'): fresh sets kept to judge
    # the refit on questions it was not fitted on (stop 28).
    parser.add_argument("--leave-out", action="append", default=[], metavar="PATTERN")
    # The limit on wrong answers is 5%; until stop 23 the dev split asked 4% of the 95% bound, a margin
    # for the gap between dev and test stories. At stop 17 two thirds of the dev questions are new
    # (written after the phrasings, PHRASED_FROM) and 5% was tried: the dev rate was 2.8%, but the
    # test split's 6.3% (stories 9.2%), so the limit went back to 4% (test 4.7%). A likely reason
    # for the gap: 42 of the test split's 87 stories share a page with a dev question the phrasings
    # were written from, which the new dev questions never do (not checked item by item: that would
    # be reading the test split's misses).
    # Stop 23: back to the 5% (upper bound at 95%), stories 4%. The dev split is now 1,843
    # items, most written after the phrasings, and at stop 22 its wrong rate asked as new (1.9%)
    # and the test split's (1.6%) no longer showed the old gap. On stop 22's knowledge base the
    # dev questions asked as new went from 28.5% right, 1.9% wrong to 37.6% and 2.8%.
    parser.add_argument("--max-wrong", type=float, default=0.05)
    # Stories are held to a stricter limit (3% until stop 23): at stops 16 to 18 their wrong rate on the test split
    # (8.0% at stop 18) was three to four times the dev split's (2.2%), while short and medium
    # questions kept theirs within the target.
    parser.add_argument("--max-wrong-story", type=float, default=0.04)
    # How sure the dev items must make us that wrong answers stay within --max-wrong (0: the dev rate itself).
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--min-declined", type=float, default=0.95)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    # Fit on each dev question asked without its this many nearest phrasings (0: as they are).
    parser.add_argument("--unseen", type=int, default=3)
    # Each threshold the stricter (higher) of the one chosen once and the resamples' median. Set
    # before stop 20's look at the test split as the fallback if the median's wrong answers there
    # went over 5%: they did (5.8%, against 4.2% at stop 19), so the committed calibration uses it.
    parser.add_argument("--stricter", action="store_true")
    # Whose answers are also judged against the knowledge base they were first asked of (`knowledge_then`):
    # every fresh item's, only the fresh stories', or none (today's entries only). Chosen at stop 25 on two
    # fresh sets, each asked before any change it prompted and fitted without it: on the first, the stop 24
    # calibration (today's labels) gave 55 right and 7 wrong answers of 96, a refit on today's labels 56 and
    # 8, as written 43 and 3; on the second, today's 42 and 9, as written 22 and 6, stories only 24 and 5
    # (none within 5%, so the fewest wrong: the rule written before that look).
    parser.add_argument("--labels", choices=("as-written", "stories-as-written", "today"), default="stories-as-written")
    args = parser.parse_args()

    kb = load_knowledge(args.knowledge)
    items = [
        item
        for item in load_eval(args.paths, set(kb.entries), args.split or None)
        if not any(fnmatch(item.file.name, pattern) for pattern in args.leave_out)
    ]
    matcher = Matcher(kb)
    # Labels as a new question would find them (`knowledge_then`), unless --labels today.
    if args.labels == "stories-as-written":
        items = [item if is_story(item.question) else replace(item, asked_of="") for item in items]
    then = {} if args.labels == "today" else knowledge_then(items)
    matcher_of = fold_matchers(kb, items)
    data = rows(matcher_of, kb, items, then)
    # P(right) and answer_at: on each question asked as if new (`unseen_rows`). P(scope) and
    # suggest_at: on the questions as they are, where the out-of-scope rule and P(scope) together
    # decline what the out-of-scope phrasings foresee (asked as new, 95% declined by P(scope)
    # would have turned away a third of the SEND questions as well).
    asked_new = unseen_rows(matcher_of, kb, items, then, args.unseen) if args.unseen else data
    x = np.array([r.features.vector() for r in data])
    x_new = np.array([r.features.vector() for r in asked_new])
    # Each model's features (without those only the other uses) and labels, for the fit and the
    # out-of-fold probabilities alike.
    x_right, y_right = only(x_new, SCOPE_ONLY_FEATURES), np.array([r.best_right for r in asked_new])
    x_scope, y_scope = only(x, RIGHT_ONLY_FEATURES), np.array([r.in_scope for r in data])
    right_model = fit(x_right, y_right, RIGHT_C)
    scope_model = fit(x_scope, y_scope, SCOPE_C)
    # Thresholds are chosen on out-of-fold probabilities (5-fold cross-validation on the dev
    # items), so that they carry over to questions the models were not fitted on.
    p_right = out_of_fold(x_right, y_right, RIGHT_C)
    p_scope = out_of_fold(x_scope, y_scope, SCOPE_C)
    p_scope_new = scope_model.predict_proba(x_new)[:, 1]
    # The lowest P(scope) that still declines enough off-topic messages, both with the matcher's
    # "an out-of-scope kind explains it better" rule and by P(scope) alone: on the dev items the
    # rule declined every off-topic one, which put suggest_at at the very bottom, and off-topic
    # questions the out-of-scope phrasings do not foresee (other languages', the test split's)
    # then got choices instead of the honest "not me".
    # (Messages that name a place of an out-of-scope kind are declined by the rule
    # `names_place_of` whatever their P(scope), foreseen by a phrasing or not: they are left out of
    # "by P(scope) alone".)
    off_topic = np.array([not r.in_scope and not r.named_place for r in data])
    for suggest_at in np.unique(np.round(p_scope, 4)):
        by_scope = float(np.mean(p_scope[off_topic] < suggest_at)) if off_topic.any() else 1.0
        declined = outcome(data, np.zeros(len(data)), p_scope, 1.01, suggest_at)["declined"]
        if by_scope >= args.min_declined and declined >= args.min_declined:
            break
    # ...and, for stories, short messages and the others each (GROUPS), the lowest P(right) that
    # keeps their wrong answers within the limit, asked as new and as they are, answering no more of the
    # off-topic questions than none. One threshold for all let the stories' wrong answers
    # (6.8% of the dev stories as they are) hide behind the short questions' few.
    p_right_fitted = right_model.predict_proba(x)[:, 1]
    p_scope_fitted = scope_model.predict_proba(x)[:, 1]
    checks = [
        Check.of(asked_new, p_right, p_scope_new, suggest_at),
        Check.of(data, p_right_fitted, p_scope_fitted, suggest_at),
    ]
    group = np.array([group_of(r) for r in asked_new])
    stories = group == "story"
    story_at = np.unique(np.round(np.concatenate([p_right[stories], p_right_fitted[stories], [1.0]]), 4))
    once = choose_thresholds(checks, group, story_at, np.ones(len(group)), args)
    rng = np.random.default_rng(0)
    chosen = [
        t
        for _ in range(RESAMPLES)
        if (
            t := choose_thresholds(
                checks,
                group,
                story_at,
                np.bincount(rng.integers(0, len(group), len(group)), minlength=len(group)).astype(float),
                args,
            )
        )
    ]
    if once is None or len(chosen) < RESAMPLES / 2:
        print("no thresholds meet the limits", file=sys.stderr)
        return 1
    median = {g: round(float(np.median([t[g] for t in chosen])), 4) for g in GROUPS}
    thresholds = {g: max(median[g], once[g]) for g in GROUPS} if args.stricter else median
    for g in GROUPS:
        spread = np.percentile([t[g] for t in chosen], [5, 95])
        print(
            f"{g:<6} once {once[g]:.4f}  median of {len(chosen)} resamples {median[g]:.4f}"
            f"  (5-95%: {spread[0]:.4f}-{spread[1]:.4f})"
        )
    answer_at, answer_at_story, answer_at_short = thresholds["other"], thresholds["story"], thresholds["short"]
    per_row = np.array([thresholds[group_of(r)] for r in asked_new])
    res = outcome(asked_new, p_right, p_scope_new, per_row, suggest_at)
    as_they_are = outcome(data, p_right_fitted, p_scope_fitted, per_row, suggest_at)
    print(
        f"items {len(data)} ({sum(r.in_scope for r in data)} in scope); "
        f"answer_at {answer_at:.4f} answer_at_story {answer_at_story:.4f} answer_at_short {answer_at_short:.4f} "
        f"suggest_at {suggest_at:.4f}"
    )
    print("asked as new (out of fold): " + "  ".join(f"{k} {v:.1%}" for k, v in res.items()))
    print("as they are (fitted):       " + "  ".join(f"{k} {v:.1%}" for k, v in as_they_are.items()))
    print(f"  {'feature':<16} {'P(right)':>9} {'P(scope)':>9}")
    for name, w, v in zip(FEATURE_NAMES, right_model.coef_[0], scope_model.coef_[0], strict=True):
        print(f"  {name:<16} {w:+9.3f} {v:+9.3f}")
    print(f"  {'bias':<16} {right_model.intercept_[0]:+9.3f} {scope_model.intercept_[0]:+9.3f}")
    if args.write:
        old = matcher.calibration
        data_out = {
            "fitted_on": f"{', '.join(str(p.resolve().relative_to(ROOT)) for p in args.paths)} (split {args.split}"
            f"{''.join(f', without {pattern}' for pattern in args.leave_out)}, "
            f"{len(data)} items) by benchmarks/calibrate.py{' --stricter' if args.stricter else ''}",
            "features": list(FEATURE_NAMES),
            "right": logistic(right_model),
            "scope": logistic(scope_model),
            "answer_at": round(answer_at, 6),
            "answer_at_story": round(answer_at_story, 6),
            "answer_at_short": round(answer_at_short, 6),
            "suggest_at": round(suggest_at, 6),
            "also_at": old.also_at,
            "also_topic_at": old.also_topic_at,
            "also_learned_at": old.also_learned_at,
            "maybe_at": old.maybe_at,
            # Kept: each other language's answer threshold (benchmarks/calibrate_lang.py, run after).
            "answer_at_by_lang": dict(old.answer_at_by_lang),
            "neutral": neutral(data),
        }
        CALIBRATION.write_text(json.dumps(data_out, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION.resolve().relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
