"""Rule "story_neighbours": did parents' past stories like this one need what the entry holds?

A story's best entry is often right for one of its worries but lacks a fact another needs, and
the matcher's signals cannot tell those apart (docs/benchmarks.md, stops 38 to 40: P(right)
separates right from wrong stories with an AUC of 0.60). The development stories can: each is
stored with the entries that hold every fact it needs (`benchmarks/build_story_neighbours.py`),
as a vector in the question model's terms. For a new story, the share of its `NEIGHBOURS_K`
closest past stories (weighted by closeness) whose facts the best entry holds is `agreement`;
the decision combines it with P(right) (`Calibration.story`) to answer a story that P(right)
alone leaves to the choices; it never takes an answer away (S41, docs/prereg41.md). Held out in
time (fitted on the stories before stop 38, checked on the 377 of stop38 to stop40b as first
asked), its AUC was 0.74, and 209 stories were answered rightly instead of 142, for 24 wrong
answers instead of 19. On stop 41's fresh sets, 108 right instead of 88, 7 wrong instead of 6.

Stored as data (`story_neighbours.npz`), numpy and scipy at run time: one sparse product over
the stories that share a term with the message, then the closest `NEIGHBOURS_K`. English only,
like the question model whose terms it uses (`LEARNED_LANGS`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zipfile import BadZipFile

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from sendbot.answering.learned import TermVector
from sendbot.knowledge.problems import DataError, Problem

NEIGHBOURS = Path(__file__).with_name("story_neighbours.npz")
NEIGHBOURS_K = 30  # past stories that vote; 10 gave a lower AUC held out in time (0.72 against 0.73)


@dataclass(frozen=True)
class StoryNeighbours:
    """The development stories: their vectors by term, and which entries hold each one's facts."""

    by_term: csr_matrix  # model terms x stories, each story's column of unit length
    holds: NDArray[np.bool_]  # stories x entries: the entry holds every fact the story needs
    entries: dict[str, int]  # entry id -> column of `holds`

    @staticmethod
    @cache
    def load(path: Path = NEIGHBOURS, terms: int | None = None) -> StoryNeighbours:
        """The stored stories; a missing, broken or mismatched file stops start-up with the
        file and the fix (`DataError`), never a traceback. ``terms``: the question model's
        term count, which the vectors must have been built with."""
        fix = "rebuild it with benchmarks/build_story_neighbours.py --write, or restore it from git"
        try:
            with np.load(path, allow_pickle=False) as data:
                shape = tuple(int(n) for n in data["shape"])
                by_term = csr_matrix((data["data"], data["indices"], data["indptr"]), shape=shape)
                holds = data["holds"].astype(bool)
                entries = {str(e): i for i, e in enumerate(data["entries"])}
        except (OSError, ValueError, KeyError, EOFError, BadZipFile) as err:
            raise DataError([Problem(path, 1, f"the story neighbours cannot be read: {err}", fix)]) from err
        if holds.shape != (shape[1], len(entries)) or (terms is not None and shape[0] != terms):
            message = f"its arrays ({shape}, {holds.shape}) do not fit {len(entries)} entries and the model's terms"
            raise DataError([Problem(path, 1, message, fix)])
        return StoryNeighbours(by_term, holds, entries)

    def closeness(self, vector: TermVector) -> NDArray[np.float64]:
        """The message's cosine closeness to every stored story."""
        if not len(vector.columns):
            return np.zeros(self.holds.shape[0])
        out: NDArray[np.float64] = np.asarray(self.by_term[vector.columns].T @ vector.values, dtype=np.float64)
        return out

    def agreement(self, closeness: NDArray[np.float64], entry_id: str, k: int = NEIGHBOURS_K) -> float:
        """The closeness-weighted share of the `k` closest stories whose facts ``entry_id``
        holds; 0 for an entry no story names, or a message close to none."""
        column = self.entries.get(entry_id)
        if column is None or len(closeness) == 0:
            return 0.0
        k = min(k, len(closeness))
        top = np.argpartition(-closeness, k - 1)[:k]
        weights = closeness[top]
        total = float(weights.sum())
        return float(weights @ self.holds[top, column]) / total if total > 0 else 0.0
