"""Find the knowledge-base entry a parent is asking about.

Parents rarely type a tidy question: they tell their story, and the question sits somewhere
inside it, misspelt. Every message goes through the same normalisation as the knowledge
base (spellings, synonyms, acronyms), unknown words are corrected to the closest known word
with rapidfuzz, and words are reduced to a rough stem ("assessed", "assessing" ->
"assess"). Entries are then **ranked** by three signals, each scaled to the best entry:

* BM25 over all of an entry's phrasings and its title: rare words ("cease", "tribunal")
  weigh more than common ones ("school", "child"), and extra story words cost little;
* BM25 over the entry's answer text, a weaker hint for words parents use that no phrasing has;
* the best single phrasing's weighted overlap with the message (recall and precision);
* rapidfuzz's ``token_sort_ratio`` with the closest phrasing, which rewards near-identical wording.

How **sure** we are is a separate, absolute figure: how much of the best phrasing the
message covers and how much of the message the entry explains, taken over the whole message
and over each sentence (a clear question sentence inside a long story counts). Named
thresholds in `MatchSettings` turn it into answer, suggest or fallback. Small data files of
out-of-scope topics (medical questions, benefit rates, other countries) are indexed too: a
message closest to one of them gets the honest fallback. Everything is deterministic."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from sendbot.answering.normalise import Normaliser, normalise
from sendbot.knowledge.model import DEFAULT_LANG, NATIONAL, KnowledgeBase

Status = Literal["answer", "suggest", "fallback"]

_SENTENCE_END = re.compile(r"(?<=[.?!\n])\s+|\n+")
_SUFFIXES = (
    "ational",
    "ation",
    "ments",
    "ment",
    "ness",
    "ings",
    "ing",
    "ies",
    "ied",
    "ed",
    "es",
    "er",
    "ly",
    "al",
    "s",
)
REJECT_PREFIX = "~"  # ids of out-of-scope topics in the index; never shown as entries
EXACT = 0.999  # a phrasing score this high means the message says exactly that phrasing


_AGE_BEFORE = frozenset({"child", "aged", "age", "turns", "turning", "turned"})
_AGE_AFTER = frozenset({"year", "years", "yr", "yrs", "yo"})
_YEARS_OLD = re.compile(r"^(\d{1,2})(?:yo|yrs?|years?)$")


def _age_stage(years: int) -> str | None:
    if years > 25:
        return None
    if years < 5:
        return "ageunder5"
    if years < 16:
        return "ageschool"
    return "agepost16" if years < 19 else "ageadult"


def _age_stages(words: list[str]) -> list[str]:
    """The stage of life of every age a message gives: "dd is 17", "a 22 year old", "my 19yo"."""
    stages = []
    for i, word in enumerate(words):
        glued = _YEARS_OLD.match(word)
        if glued:
            years = int(glued.group(1))
        elif word.isdigit() and (
            (i > 0 and words[i - 1] in _AGE_BEFORE) or (i + 1 < len(words) and words[i + 1] in _AGE_AFTER)
        ):
            years = int(word)
        else:
            continue
        stage = _age_stage(years)
        if stage:
            stages.append(stage)
    return stages


def _by_initial(words: Iterable[str]) -> dict[str, list[str]]:
    """Words grouped by their first letter, sorted: where typo correction looks."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words):
        groups.setdefault(word[0], []).append(word)
    return groups


def stem(word: str) -> str:
    """A deliberately rough stem: consistent on both sides is all matching needs."""
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return word


@dataclass(frozen=True)
class MatchSettings:
    """Tuned on the evaluation set in tests/eval (see `sendbot eval` and the README)."""

    answer_threshold: float = 0.45  # confidence at or above which we answer directly
    suggest_threshold: float = 0.22  # at or above: offer "Did you mean ..." buttons
    also_suggest_threshold: float = 0.1  # beside a suggestion, the runners-up worth a button
    ambiguity_margin: float = 0.04  # ranking gap below which two entries are a toss-up
    max_suggestions: int = 3
    typo_cutoff: float = 84.0  # rapidfuzz ratio needed to correct an unknown word
    misspelling_cutoff: float = 90.0  # a word used once in the phrasings this close to a common one is a typo
    answer_text_weight: float = 0.3  # weight of the answer-text BM25 in the ranking
    phrasing_weight: float = 1.5  # weight of the best-phrasing overlap in the ranking
    fuzzy_weight: float = 0.7  # weight of rapidfuzz token_sort_ratio with the closest phrasing
    other_area_penalty: float = 0.15  # entries about another council than the chosen one rank lower
    named_area_penalty: float = 0.5  # ... and much lower when the message names a place in another
    unknown_area_penalty: float = 0.05  # entries about one council, when we don't know the parent's
    full_evidence: float = 1.4  # matched word weight needed for full confidence, in typical words
    off_topic_factor: float = 0.5  # confidence kept when a message has no SEND domain word
    sentence_weight: float = 1.0  # in a long message, how much its sentences add to the whole
    question_sentence_weight: float = 2.0  # a sentence with "?" counts this many times more
    exact_bonus: float = 0.5  # a message that is one of an entry's phrasings ranks that entry first
    bm25_k1: float = 1.2
    bm25_b: float = 0.75


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float  # confidence of this entry, 0 to 1


@dataclass(frozen=True)
class MatchResult:
    status: Status
    candidates: tuple[Candidate, ...]  # best first; empty when nothing is close
    out_of_scope: str | None = None  # the out-of-scope topic the message is closest to

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class _BM25:
    """Okapi BM25 over one document per entry."""

    def __init__(self, docs: dict[str, list[str]], k1: float, b: float) -> None:
        n = len(docs)
        df = Counter(t for d in docs.values() for t in set(d))
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.tf = {k: Counter(d) for k, d in docs.items()}
        avg = sum(len(d) for d in docs.values()) / max(n, 1)
        self.norm = {k: k1 * (1 - b + b * len(d) / avg) for k, d in docs.items()}
        self.postings: dict[str, list[str]] = {}
        for key, counts in self.tf.items():
            for term in counts:
                self.postings.setdefault(term, []).append(key)
        self.k1 = k1

    def scores(self, terms: Iterable[str]) -> dict[str, float]:
        out: dict[str, float] = {}
        for term in set(terms):
            idf = self.idf.get(term)
            if idf is None:
                continue
            for key in self.postings[term]:
                f = self.tf[key][term]
                out[key] = out.get(key, 0.0) + idf * f * (self.k1 + 1) / (f + self.norm[key])
        return out


@dataclass(frozen=True)
class _Phrasing:
    entry_id: str
    tokens: frozenset[str]
    weight: float  # sum of idf of its tokens


class Matcher:
    """An index over one language's phrasings; build once, match many (the `ask` hot path)."""

    def __init__(self, kb: KnowledgeBase, settings: MatchSettings | None = None, lang: str = DEFAULT_LANG) -> None:
        self.kb = kb
        self.settings = s = settings or MatchSettings()
        self.normaliser = Normaliser(kb.synonyms, kb.spellings)
        texts: list[tuple[str, str]] = []
        answers: dict[str, str] = {}
        for entry in sorted(kb.entries.values(), key=lambda e: e.id):
            texts += [(entry.id, t) for t in (*entry.phrasings(lang), entry.title.get_text(lang))]
            more = entry.more.get_text(lang) if entry.more else ""
            answers[entry.id] = entry.answer.get_text(lang) + " " + more
        for topic in kb.out_of_scope.values():
            texts += [(REJECT_PREFIX + topic.id, t) for t in topic.questions]
        # Normalise every text once: the words feed both the vocabulary and the index.
        text_words = [(key, self.normaliser.tokens(text)) for key, text in texts]
        answer_text_words = {key: self.normaliser.tokens(text) for key, text in answers.items()}
        counts = Counter(w for _, words in text_words for w in words)
        answer_words = {w for words in answer_text_words.values() for w in words}
        # Typos are corrected towards the words of the phrasings (how parents ask); a word the
        # answers use is never "corrected": it is simply known. A word written only once in all
        # the phrasings and very close to a common or proofread one is a deliberate misspelling
        # ("reasessing"): it is corrected like a parent's typo, on both sides, so it meets the
        # word it stands for. A rare word with no close neighbour ("harming") stays known.
        frequent = _by_initial(w for w, n in counts.items() if n > 1 or w in answer_words)
        misspelt = {
            w
            for w, n in counts.items()
            if n == 1
            and w not in answer_words
            and process.extractOne(w, frequent.get(w[0], ()), scorer=fuzz.ratio, score_cutoff=s.misspelling_cutoff)
        }
        self.vocabulary = sorted(counts.keys() - misspelt)
        # Typos rarely hit the first letter, and "turning" must not become "return".
        self._vocabulary_by_initial = _by_initial(self.vocabulary)
        self._known = frozenset(self.vocabulary) | answer_words
        self._correct = lru_cache(maxsize=16384)(self._correct_uncached)
        tokenised = [(key, self._words(words)) for key, words in text_words]
        question_docs: dict[str, list[str]] = {}
        for key, tokens in tokenised:
            question_docs.setdefault(key, []).extend(tokens)
        self.questions = _BM25(question_docs, s.bm25_k1, s.bm25_b)
        self.answers = _BM25({k: self._words(v) for k, v in answer_text_words.items()}, s.bm25_k1, s.bm25_b)
        self.idf = self.questions.idf
        # The median word weight: what an unknown word costs, and the unit of evidence.
        self.typical_weight = sorted(self.idf.values())[len(self.idf) // 2] if self.idf else 1.0
        self.doc_tokens = {k: frozenset(v) for k, v in question_docs.items()}
        self.phrasings = [
            _Phrasing(key, frozenset(tokens), sum(self.idf[t] for t in set(tokens)))
            for key, tokens in tokenised
            if tokens
        ]
        self._phrasing_texts = [" ".join(sorted(p.tokens)) for p in self.phrasings]
        self._phrasings_with: dict[str, list[int]] = {}  # word -> phrasings that have it
        for index, phrasing in enumerate(self.phrasings):
            for token in phrasing.tokens:
                self._phrasings_with.setdefault(token, []).append(index)
        self.domain = frozenset(t for term in kb.domain for t in self.tokens(term))

    # --- tokens --------------------------------------------------------------------------

    def _correct_uncached(self, word: str) -> str:
        """The known word a typo stands for (or the word itself)."""
        if word in self._known or len(word) < 4:
            return word
        found = process.extractOne(
            word,
            self._vocabulary_by_initial.get(word[0], ()),
            scorer=fuzz.ratio,
            score_cutoff=self.settings.typo_cutoff,
        )
        return found[0] if found else word

    def tokens(self, text: str) -> list[str]:
        """Stemmed, corrected words. Numbers are left out (dates in a story are noise), but an
        age becomes its stage ("22 year old" -> "ageadult"): it decides between entries such as
        transport at 16 to 18 and transport at 19 and over."""
        return self._words(self.normaliser.tokens(text))

    def _words(self, words: list[str]) -> list[str]:
        return self._stems(words) + _age_stages(words)

    def _stems(self, words: list[str]) -> list[str]:
        return [stem(self._correct(w)) for w in words if not w.isdigit()]

    # --- scoring -------------------------------------------------------------------------

    def _weight(self, tokens: Iterable[str]) -> float:
        return sum(self.idf.get(t, self.typical_weight) for t in set(tokens))

    def _phrasing_scores(self, tokens: list[str]) -> dict[str, float]:
        query = set(tokens)
        query_weight = self._weight(query) or 1.0
        out: dict[str, float] = {}
        for index in {i for t in query for i in self._phrasings_with.get(t, ())}:
            phrasing = self.phrasings[index]  # order is free: each entry keeps its best score
            common = query & phrasing.tokens
            overlap = sum(self.idf[t] for t in common)
            recall = overlap / phrasing.weight
            precision = overlap / query_weight
            score = 0.5 * (2 * recall * precision / (recall + precision)) + 0.3 * recall + 0.2 * precision
            if score > out.get(phrasing.entry_id, 0.0):
                out[phrasing.entry_id] = score
        return out

    def _fuzzy_scores(self, tokens: list[str]) -> dict[str, float]:
        """rapidfuzz's token_sort_ratio against every phrasing, best per entry, 0 to 1."""
        query = " ".join(sorted(set(tokens)))
        out: dict[str, float] = {}
        for _, score, index in process.extract(
            query, self._phrasing_texts, scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=30
        ):
            key = self.phrasings[index].entry_id
            out[key] = max(out.get(key, 0.0), score / 100.0)
        return out

    def _ranking(self, tokens: list[str]) -> tuple[dict[str, float], dict[str, float]]:
        """Relative ranking scores, and the best-phrasing scores (absolute)."""
        s = self.settings
        by_questions = self.questions.scores(tokens)
        by_answers = self.answers.scores(tokens)
        by_phrasing = self._phrasing_scores(tokens)
        top_q = max(by_questions.values(), default=1.0)
        top_a = max(by_answers.values(), default=1.0)
        by_fuzzy = self._fuzzy_scores(tokens)
        total = 1.0 + s.answer_text_weight + s.phrasing_weight + s.fuzzy_weight
        keys = set(by_questions) | set(by_phrasing)
        ranking = {
            k: (
                by_questions.get(k, 0.0) / top_q
                + s.answer_text_weight * by_answers.get(k, 0.0) / top_a
                + s.phrasing_weight * by_phrasing.get(k, 0.0)
                + s.fuzzy_weight * by_fuzzy.get(k, 0.0)
            )
            / total
            + (s.exact_bonus if by_phrasing.get(k, 0.0) >= EXACT else 0.0)
            for k in keys
        }
        return ranking, by_phrasing

    def _confidence(self, tokens: list[str], key: str, phrasing_score: float) -> float:
        """How sure we are that these words ask about `key`, 0 to 1."""
        query = set(tokens)
        explained = sum(self.idf[t] for t in query if t in self.doc_tokens[key])
        coverage = explained / (self._weight(query) or 1.0)
        # One shared common word ("times", "date") is not evidence enough, however short the message.
        evidence = min(1.0, explained / (self.settings.full_evidence * self.typical_weight))
        return (0.5 * phrasing_score + 0.5 * coverage) * evidence

    @staticmethod
    def segments(text: str) -> list[str]:
        """Each sentence of a message that has several."""
        parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
        return parts if len(parts) > 1 else []

    def _area_penalty(self, key: str, area: str | None, mentioned: set[str]) -> float:
        """How far to push down an entry about one council: not at all when the parent chose
        or named that area; far when they named another place in this very message ("we're in
        Alvaston" rules out Derbyshire's numbers); less when another area was chosen earlier,
        as the parent may be asking for someone else; a little when we don't know."""
        entry = self.kb.entries.get(key)
        if entry is None or entry.area == NATIONAL:
            return 0.0
        wanted = mentioned or ({area} if area else set())
        if entry.area in wanted:
            return 0.0
        if mentioned:
            return self.settings.named_area_penalty
        return self.settings.other_area_penalty if wanted else self.settings.unknown_area_penalty

    def mentioned_areas(self, text: str) -> set[str]:
        """Areas the message names ("we're in Chesterfield"), from each area's `places`."""
        words = f" {normalise(text)} "
        return {a.id for a in self.kb.areas.values() if any(f" {place} " in words for place in a.places)}

    def rank(self, text: str, area: str | None = None) -> list[Candidate]:
        """Entries (and out-of-scope topics) best first, each with its confidence."""
        return self._rank(text, area)[0]

    def _rank(self, text: str, area: str | None) -> tuple[list[Candidate], dict[str, float]]:
        """The ranked candidates, and the ranking scores behind their order."""
        tokens = self.tokens(text)
        if not tokens:
            return [], {}
        # A message with no SEND word at all ("what vaccines does my baby need") needs far
        # stronger evidence before we answer it from the knowledge base.
        on_topic = not self.domain or bool(self.domain.intersection(tokens))
        ranking, by_phrasing = self._ranking(tokens)
        pieces: list[tuple[list[str], dict[str, float]]] = []
        sentences = [(s, self.tokens(s)) for s in self.segments(text)]
        weights = {s: self.settings.question_sentence_weight if "?" in s else 1.0 for s, _ in sentences}
        total = sum(weights.values())
        for sentence, sentence_tokens in sentences:
            if not sentence_tokens:
                continue
            sentence_ranking, sentence_phrasing = self._ranking(sentence_tokens)
            pieces.append((sentence_tokens, sentence_phrasing))
            share = self.settings.sentence_weight * weights[sentence] / total
            for key, value in sentence_ranking.items():
                ranking[key] = ranking.get(key, 0.0) + share * value
        mentioned = self.mentioned_areas(text)
        penalties = {key: self._area_penalty(key, area, mentioned) for key in ranking}
        for key, penalty in penalties.items():
            ranking[key] -= penalty
        ordered = sorted(ranking, key=lambda k: (-ranking[k], k))[: self.settings.max_suggestions + 2]
        candidates = []
        for key in ordered:
            confidence = max(
                [self._confidence(tokens, key, by_phrasing.get(key, 0.0))]
                + [self._confidence(t, key, p.get(key, 0.0)) for t, p in pieces]
            )
            confidence = max(0.0, confidence - penalties[key])
            if not on_topic:
                confidence *= self.settings.off_topic_factor
            candidates.append(Candidate(key, round(confidence, 4)))
        return candidates, ranking

    def match(self, text: str, area: str | None = None) -> MatchResult:
        s = self.settings
        ranked, ranking = self._rank(text, area)
        closest = next((c for c in ranked if c.entry_id.startswith(REJECT_PREFIX)), None)
        topic = closest.entry_id.removeprefix(REJECT_PREFIX) if closest else None
        shown = [c for c in ranked if not c.entry_id.startswith(REJECT_PREFIX)][: s.max_suggestions]
        if (
            not ranked
            or ranked[0] is closest
            or ranked[0].score < s.suggest_threshold
            # An out-of-scope kind of question explains the message better than any entry.
            or (closest is not None and closest.score > shown[0].score)
        ):
            return MatchResult("fallback", (), topic)
        best = shown[0]
        gap = ranking[best.entry_id] - (ranking[shown[1].entry_id] if len(shown) > 1 else 0.0)
        if best.score >= s.answer_threshold and gap >= s.ambiguity_margin:
            return MatchResult("answer", tuple(shown))
        return MatchResult("suggest", (best, *(c for c in shown[1:] if c.score >= s.also_suggest_threshold)))
