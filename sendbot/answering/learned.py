"""Which entry a message is about, as parents' own questions say it: a model learnt from them.

The matcher compares a message with the phrasings we wrote, and parents write differently: a
story of 150 words names its worry in their words, not ours. `benchmarks/train_question_model.py`
fits a multinomial logistic regression on the development questions of `tests/eval/real` (each
labelled with the entries that answer it; never the test split): TF-IDF over a message's words
as the matcher sees them (normalised, synonyms folded, typos corrected, stemmed).
It is stored as data (`question_model.npz`); at run time it is numpy alone: a gather, one small
product and a softmax.

Its probability for the matcher's best entry is the feature `learned` of P(right) (`Features`):
out of fold on the development questions (the model trained without each fold's files), right
answers at the same limits on wrong ones rose from 47.5% to 48.8% (docs/benchmarks.md, stop 31).

The questions are English (`LEARNED_LANGS`): another language's index goes without the model,
and its decision takes the English questions' mean of the feature (`Calibration.neutral`)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from zipfile import BadZipFile

import numpy as np
from numpy.typing import NDArray

from sendbot.knowledge.problems import DataError, Problem

MODEL = Path(__file__).with_name("question_model.npz")
LEARNED_LANGS = frozenset({"en"})  # the language of the questions it learnt from

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class TermVector:
    """A message in the model's terms: the columns it has, and their unit-length weights."""

    columns: IntArray
    values: FloatArray


def terms(tokens: Sequence[str]) -> list[str]:
    """What the model reads of a message: its words. (Word pairs as well gave the same out of
    fold on the dev questions, right 48.6% against 48.9%, with 16 times the terms: 42,734.)"""
    return list(tokens)


@dataclass(frozen=True)
class QuestionModel:
    """P(entry | message) over the entries it was trained on (`classes`)."""

    columns: dict[str, int]  # term -> column
    idf: FloatArray  # per column
    weights: FloatArray  # classes x columns
    bias: FloatArray  # per class
    classes: tuple[str, ...]

    @staticmethod
    @cache
    def load(path: Path = MODEL) -> QuestionModel:
        """The stored model; a missing, broken or mismatched file stops start-up with the file
        and the fix (`DataError`), never a traceback."""
        fix = "rebuild it with benchmarks/train_question_model.py --write, or restore it from git"
        try:
            with np.load(path, allow_pickle=False) as data:
                names = [str(t) for t in data["terms"]]
                model = QuestionModel(
                    {t: i for i, t in enumerate(names)},
                    data["idf"].astype(np.float64),
                    data["weights"].astype(np.float64),
                    data["bias"].astype(np.float64),
                    tuple(str(c) for c in data["classes"]),
                )
        except (OSError, ValueError, KeyError, EOFError, BadZipFile) as err:
            raise DataError([Problem(path, 1, f"the question model cannot be read: {err}", fix)]) from err
        shape = (len(model.classes), len(names))
        if model.weights.shape != shape or model.idf.shape != (shape[1],) or model.bias.shape != (shape[0],):
            raise DataError([Problem(path, 1, f"its arrays do not fit {shape[0]} entries and {shape[1]} terms", fix)])
        return model

    @cached_property
    def rows(self) -> dict[str, int]:
        """Each class's row in `weights`."""
        return {c: i for i, c in enumerate(self.classes)}

    def vector(self, tokens: Sequence[str]) -> TermVector:
        """A message's tokens as the model reads them: sublinear TF-IDF over its terms, unit
        length (as scikit-learn's TfidfVectorizer); empty when it has none of them."""
        counts = Counter(c for t in terms(tokens) if (c := self.columns.get(t)) is not None)
        cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
        values = np.fromiter((1.0 + math.log(n) for n in counts.values()), dtype=np.float64, count=len(counts))
        if counts:
            values *= self.idf[cols]
            values /= np.linalg.norm(values)
        return TermVector(cols, values)

    def probabilities(self, vector: TermVector) -> FloatArray:
        """P(each of `classes`) for a message's `vector`: the softmax of the linear scores (as
        scikit-learn's LogisticRegression)."""
        scores = self.bias.copy()
        if len(vector.columns):
            scores += self.weights[:, vector.columns] @ vector.values
        scores = np.exp(scores - scores.max())
        out: FloatArray = scores / scores.sum()
        return out
