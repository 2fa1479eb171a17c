"""Closeness in meaning between a message and each entry, from static word vectors.

The matcher's other signals count shared words: "meltdowns" and "distressed", or "kicked out"
and "exclusion", share none. Word vectors distilled from a sentence model
(`benchmarks/build_word_vectors.py`: model2vec from all-MiniLM-L6-v2, one vector per word as the
matcher sees words) place such words close. A text's vector is the mean of its words' vectors;
an entry's is the mean of its phrasings' (each made unit length first, so a long phrasing
counts as much as a short one). Closeness is the cosine. At run time this is numpy alone: a
table lookup, a mean and one small matrix product.

The vectors are English (`VECTOR_LANGS`): another language's index goes without them, and its
decision takes the English questions' mean of these features (`Calibration.neutral`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from sendbot.knowledge.problems import DataError, Problem

VECTORS = Path(__file__).with_name("word_vectors.npy")
WORDS_FILE = Path(__file__).with_name("word_vectors.txt")

FloatArray = NDArray[np.float64]
VECTOR_LANGS = frozenset({"en"})  # the languages the vectors are of: other indexes go without


@dataclass(frozen=True)
class WordVectors:
    """One vector per word (a stem, as the matcher's tokeniser makes it)."""

    rows: dict[str, int]
    vectors: FloatArray

    @staticmethod
    @cache
    def load(vectors: Path = VECTORS, words: Path = WORDS_FILE) -> WordVectors:
        """The vectors and their words; a missing, broken or mismatched file stops start-up
        with the file and the fix (`DataError`), never a traceback."""
        fix = "rebuild both files with benchmarks/build_word_vectors.py, or restore them from git"
        try:
            table = np.load(vectors, allow_pickle=False).astype(np.float64)  # stored as float16
            names = words.read_text(encoding="utf-8").split()
        except (OSError, ValueError) as err:
            raise DataError([Problem(vectors, 1, f"the word vectors cannot be read: {err}", fix)]) from err
        if table.ndim != 2 or len(names) != table.shape[0]:
            message = f"{len(names)} words for {table.shape[0] if table.ndim else 0} vectors in {vectors.name}"
            raise DataError([Problem(words, 1, message, fix)])
        return WordVectors({w: i for i, w in enumerate(names)}, table)

    def text_vector(self, tokens: Sequence[str]) -> FloatArray:
        """A text's unit-length mean word vector (zeros when it has no known word): for one
        message, a gather and a mean, a quarter of the time of `text_vectors`' sparse product."""
        known = [i for t in tokens if (i := self.rows.get(t)) is not None]
        if not known:
            return np.zeros(self.vectors.shape[1])
        vector: FloatArray = _unit(self.vectors[known].mean(axis=0, keepdims=True))[0]
        return vector

    def text_vectors(self, token_lists: Sequence[Sequence[str]]) -> FloatArray:
        """Each text's `text_vector`, for many texts at once (building an index): one sparse
        product of the texts' word rows, each weighted 1 / its text's known words."""
        found = [[i for t in tokens if (i := self.rows.get(t)) is not None] for tokens in token_lists]
        counts = np.fromiter((len(f) for f in found), dtype=np.int64, count=len(found))
        weights = np.repeat(1.0 / np.maximum(counts, 1), counts)
        cols = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=int(counts.sum()))
        indptr = np.concatenate(([0], np.cumsum(counts)))
        texts = sparse.csr_matrix((weights, cols, indptr), shape=(len(found), len(self.rows)))
        return _unit(np.asarray(texts @ self.vectors))


def _unit(m: FloatArray) -> FloatArray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    out: FloatArray = np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)
    return out


class Meaning:
    """Each key's vector (the unit mean of its phrasings' vectors), built once per index."""

    def __init__(self, words: WordVectors, keys: Sequence[str], phrasings: Sequence[tuple[str, Sequence[str]]]):
        self.words = words
        row_of = {k: i for i, k in enumerate(keys)}
        per_phrasing = words.text_vectors([tokens for _, tokens in phrasings])
        key_rows = [row_of[k] for k, _ in phrasings]
        shape = (len(keys), len(key_rows))
        of_key = sparse.csr_matrix((np.ones(len(key_rows)), (key_rows, range(len(key_rows)))), shape)
        self.key_vectors = _unit(np.asarray(of_key @ per_phrasing))

    def similarity(self, tokens: Sequence[str]) -> FloatArray:
        """The message's closeness in meaning to every key (cosine, 0 where nothing is known)."""
        out: FloatArray = self.key_vectors @ self.words.text_vector(tokens)
        return out
