"""Find the knowledge-base entry a parent is asking about.

Parents rarely type a tidy question: they tell their story and the question sits somewhere
inside, misspelt. So a message is scored whole and sentence by sentence, and the best
sentence wins. Each piece is scored against every phrasing of every entry with two signals:

* weighted word overlap: rare words ("cease", "tribunal") count more than common ones
  ("school", "child"), by inverse document frequency over entries; how much of the phrasing
  the message covers (recall) and how much of the message the phrasing explains (precision);
* rapidfuzz's ``token_set_ratio`` on the normalised text, which forgives word order and
  small differences the overlap misses.

Unknown words are first corrected to the closest known word with rapidfuzz (typos).
The outcome is decided by named thresholds (``MatchSettings``): answer, suggest, or fallback.
Everything is deterministic: ties are broken by entry id."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from sendbot.knowledge import DEFAULT_LANG, NATIONAL, KnowledgeBase
from sendbot.normalise import Normaliser

Status = Literal["answer", "suggest", "fallback"]

_SENTENCE_END = re.compile(r"(?<=[.?!\n])\s+|\n+")


@dataclass(frozen=True)
class MatchSettings:
    """Confidence thresholds, tuned on the evaluation set in tests/eval (see `sendbot eval`)."""

    answer_threshold: float = 0.52  # at or above: answer directly
    suggest_threshold: float = 0.34  # at or above: offer "Did you mean ..." buttons
    ambiguity_margin: float = 0.03  # best within this of the next: suggest instead of answer
    max_suggestions: int = 3
    typo_cutoff: float = 84.0  # rapidfuzz ratio needed to correct an unknown word
    fuzzy_weight: float = 0.25  # share of token_set_ratio in a phrasing's score
    other_area_penalty: float = 0.15  # entries about another council rank lower


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    status: Status
    candidates: tuple[Candidate, ...]  # best first; empty when nothing is close

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True)
class _Phrasing:
    entry_id: str
    text: str  # normalised, stopwords removed
    tokens: frozenset[str]
    weight: float  # sum of idf of its tokens


class Matcher:
    """An index over one language's phrasings; build once, match many (the `ask` hot path)."""

    def __init__(self, kb: KnowledgeBase, settings: MatchSettings | None = None, lang: str = DEFAULT_LANG) -> None:
        self.kb = kb
        self.settings = settings or MatchSettings()
        self.normaliser = Normaliser(kb.synonyms, kb.spellings)
        raw: list[tuple[str, list[str]]] = []
        for entry in sorted(kb.entries.values(), key=lambda e: e.id):
            for text in (*entry.phrasings(lang), entry.title.get_text(lang)):
                raw.append((entry.id, self.normaliser.tokens(text)))
        entry_tokens: dict[str, set[str]] = {}
        for entry_id, tokens in raw:
            entry_tokens.setdefault(entry_id, set()).update(tokens)
        df = Counter(tok for toks in entry_tokens.values() for tok in toks)
        n = len(entry_tokens)
        self.idf: dict[str, float] = {tok: math.log((n + 1) / (count + 0.5)) for tok, count in df.items()}
        self.unknown_weight = sorted(self.idf.values())[len(self.idf) // 2] if self.idf else 1.0
        self.vocabulary = sorted(self.idf)
        self.phrasings = [
            _Phrasing(entry_id, " ".join(tokens), frozenset(tokens), sum(self.idf[t] for t in set(tokens)))
            for entry_id, tokens in raw
            if tokens
        ]
        self._texts = [p.text for p in self.phrasings]
        self._correct = lru_cache(maxsize=8192)(self._correct_uncached)

    # --- tokens --------------------------------------------------------------------------

    def _correct_uncached(self, token: str) -> str | None:
        """The known word a typo stands for, or None when the word is simply unknown."""
        if token in self.idf:
            return token
        if len(token) < 4 or token.isdigit():
            return None
        found = process.extractOne(token, self.vocabulary, scorer=fuzz.ratio, score_cutoff=self.settings.typo_cutoff)
        return found[0] if found else None

    def _segment_tokens(self, text: str) -> tuple[list[str], float]:
        """Corrected known tokens and the weight of the unknown ones (they dilute precision)."""
        known: list[str] = []
        unknown_weight = 0.0
        for token in self.normaliser.tokens(text):
            corrected = self._correct(token)
            if corrected is None:
                unknown_weight += 0.0 if token.isdigit() else self.unknown_weight
            else:
                known.append(corrected)
        return known, unknown_weight

    # --- scoring -------------------------------------------------------------------------

    def _score_segment(self, text: str) -> dict[str, float]:
        tokens, unknown_weight = self._segment_tokens(text)
        if not tokens:
            return {}
        token_set = set(tokens)
        query_weight = sum(self.idf[t] for t in token_set) + unknown_weight
        query_text = " ".join(tokens)
        fuzzy = {
            index: score
            for _, score, index in process.extract(
                query_text, self._texts, scorer=fuzz.token_set_ratio, limit=None, score_cutoff=1
            )
        }
        w = self.settings.fuzzy_weight
        scores: dict[str, float] = {}
        for index, phrasing in enumerate(self.phrasings):
            common = token_set & phrasing.tokens
            if not common:
                continue
            fuzzy_score = fuzzy.get(index, 0.0)
            overlap = sum(self.idf[t] for t in common)
            recall = overlap / phrasing.weight
            precision = overlap / query_weight
            f1 = 2 * recall * precision / (recall + precision)
            # Recall counts a little more: the parent's extra words are often their story.
            lexical = 0.5 * f1 + 0.3 * recall + 0.2 * precision
            score = (1 - w) * lexical + w * (float(fuzzy_score) / 100.0) * recall
            if score > scores.get(phrasing.entry_id, 0.0):
                scores[phrasing.entry_id] = score
        return scores

    @staticmethod
    def segments(text: str) -> list[str]:
        """The whole message, and each sentence when there are several."""
        parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
        return [text] + parts if len(parts) > 1 else [text]

    def rank(self, text: str, area: str | None = None) -> list[Candidate]:
        best: dict[str, float] = {}
        for segment in self.segments(text):
            for entry_id, score in self._score_segment(segment).items():
                if score > best.get(entry_id, 0.0):
                    best[entry_id] = score
        if area:
            for entry_id in best:
                entry_area = self.kb.entries[entry_id].area
                if entry_area not in (NATIONAL, area):
                    best[entry_id] -= self.settings.other_area_penalty
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return [Candidate(entry_id, round(score, 4)) for entry_id, score in ranked]

    def match(self, text: str, area: str | None = None) -> MatchResult:
        s = self.settings
        ranked = self.rank(text, area)
        if not ranked or ranked[0].score < s.suggest_threshold:
            return MatchResult("fallback", tuple(ranked[: s.max_suggestions]))
        best = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if best.score >= s.answer_threshold and best.score - runner_up >= s.ambiguity_margin:
            return MatchResult("answer", tuple(ranked[: s.max_suggestions]))
        close = [c for c in ranked[: s.max_suggestions] if c.score >= s.suggest_threshold]
        return MatchResult("suggest", tuple(close))
