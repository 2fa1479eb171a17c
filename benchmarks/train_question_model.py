"""Train the model learnt from parents' questions (`sendbot/answering/learned.py`).

    .venv/bin/python benchmarks/train_question_model.py [EVAL_PATH ...] [--split dev]
        [--leave-out PATTERN] [--write]

Every in-scope development question of `tests/eval/real` (never the test split), once per entry
that answers it (its `ids`), as the matcher's tokens; TF-IDF over words (`terms`; those in at
least MIN_DF questions), then a multinomial logistic regression (scikit-learn, a
`bench` dependency only). ``--write`` stores it in `sendbot/answering/question_model.npz`;
`benchmarks/calibrate.py` trains the same model without each fold's files, so that P(right) is
fitted on what the model says of questions it has not seen. Run it, then calibrate.py, after
adding evaluation questions or entries (`tests/test_learned.py` fails on an entry it lacks)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sendbot.answering.evaluate import EvalItem, load_eval  # noqa: E402
from sendbot.answering.learned import MODEL, QuestionModel, terms  # noqa: E402
from sendbot.answering.matcher import Matcher  # noqa: E402
from sendbot.knowledge.loader import load_knowledge  # noqa: E402

# A term must be in at least this many questions: rarer ones are names, dates and typos.
MIN_DF = 2
# L2 strength (scikit-learn's C). Out of fold on the development questions (5 folds by file),
# C=10 put the model's first choice among a story's right entries for 78% of them, about as
# often as the matcher's first entry, and often a different one.
STRENGTH = 10.0


def question_tokens(matcher: Matcher, items: Sequence[EvalItem]) -> list[list[str]]:
    """Each question's words as the matcher sees them (the whole message)."""
    return [(matcher.message_tokens(item.question) or [[]])[0] for item in items]


def train(tokens: Sequence[Sequence[str]], items: Sequence[EvalItem], entries: set[str]) -> QuestionModel:
    """The model, from these in-scope questions' tokens and entry ids (those still in the
    knowledge base)."""
    texts, labels = [], []
    for words, item in zip(tokens, items, strict=True):
        for entry_id in item.ids:
            if entry_id in entries:
                texts.append(list(words))
                labels.append(entry_id)
    vectoriser = TfidfVectorizer(analyzer=terms, sublinear_tf=True, min_df=MIN_DF)
    x = vectoriser.fit_transform(texts)
    model = LogisticRegression(C=STRENGTH, max_iter=3000).fit(x, labels)
    names = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.__getitem__)
    return QuestionModel(
        {t: i for i, t in enumerate(names)},
        np.asarray(vectoriser.idf_, dtype=np.float64),
        np.asarray(model.coef_, dtype=np.float64),
        np.asarray(model.intercept_, dtype=np.float64),
        tuple(str(c) for c in model.classes_),
    )


def save(model: QuestionModel, path: Path = MODEL) -> None:
    """As numpy arrays (float32: the same probabilities to 6 decimals)."""
    names = sorted(model.columns, key=model.columns.__getitem__)
    with path.open("wb") as out:
        np.savez_compressed(
            out,
            terms=np.asarray(names),
            idf=model.idf.astype(np.float32),
            weights=model.weights.astype(np.float32),
            bias=model.bias.astype(np.float32),
            classes=np.asarray(model.classes),
        )


def training_items(paths: Sequence[Path], entries: set[str], split: str, leave_out: Sequence[str]) -> list[EvalItem]:
    """The in-scope questions of the split, without the files left out."""
    return [
        item
        for item in load_eval(list(paths), entries, split)
        if item.in_scope and not any(fnmatch(item.file.name, pattern) for pattern in leave_out)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "tests" / "eval" / "real"])
    parser.add_argument("--split", default="dev", choices=("dev",))
    parser.add_argument("--leave-out", action="append", default=[], metavar="PATTERN")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    kb = load_knowledge(args.knowledge)
    matcher = Matcher(kb, learned=False)
    items = training_items(args.paths, set(kb.entries), args.split, args.leave_out)
    model = train(question_tokens(matcher, items), items, set(kb.entries))
    missing = sorted(set(kb.entries) - set(model.classes))
    print(f"{len(items)} questions, {len(model.classes)} entries, {len(model.columns)} terms")
    if missing:
        print(f"entries no question names (the decision takes the neutral value for them): {', '.join(missing)}")
    if args.write:
        save(model)
        print(f"wrote {MODEL.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
