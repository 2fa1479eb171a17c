"""Find the knowledge-base entry a parent is asking about, in four named steps.

Parents rarely type a tidy question: they tell their story, and the question sits somewhere
inside it, misspelt. Matching a message is:

1. **normalise** (`Tokeniser`): the same spellings, synonyms and acronyms as the knowledge
   base, unknown words corrected to the closest known word with rapidfuzz, Snowball stems
   (PyStemmer), an age turned into its stage of life;
2. **index** (`Index`, built once): sparse matrices over every phrasing, every entry's
   phrasings together, and every entry's answer, so that scoring a message is a handful of
   sparse matrix products, never a Python loop over phrasings;
3. **rank** (`Matcher.rank`): BM25 over the entry's phrasings and over its answer, and the
   best single phrasing's weighted overlap, for the whole message and for each sentence of a
   story at once (one product for all of them);
4. **decide** (`Matcher.match`): the named features of the best candidates (`Features`) go
   through a small logistic model fitted on the development questions
   (`benchmarks/calibrate.py`, coefficients in `sendbot/calibration.json`): answer, offer
   choices, or decline. Out-of-scope kinds of question (medical, benefits, other countries)
   are indexed like entries: when one explains the message better, the parent gets the
   honest "not me".

Everything is deterministic."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import Stemmer
from numpy.typing import NDArray
from rapidfuzz import fuzz, process
from scipy import sparse

from sendbot.answering.learned import LEARNED_LANGS, QuestionModel, TermVector
from sendbot.answering.meaning import VECTOR_LANGS, Meaning, WordVectors
from sendbot.answering.neighbours import StoryNeighbours
from sendbot.answering.normalise import Normaliser, normalise, stopwords_for, whole_phrases
from sendbot.knowledge.model import DEFAULT_LANG, NATIONAL, KnowledgeBase
from sendbot.knowledge.problems import DataError, Problem

Status = Literal["answer", "suggest", "fallback"]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Sentence ends, with the Urdu full stop and question mark (۔ ؟) and the Gurmukhi danda (।).
_SENTENCE_END = re.compile(r"(?<=[.?!\n۔؟।])\s+|\n+")
REJECT_PREFIX = "~"  # ids of out-of-scope topics in the index; never shown as entries
SHORT_WORDS = 3  # a message of at most this many meaningful words is "short"
FEW_WORDS = 6  # ... and of at most this many, with a SEND word, gets the menu rather than "not me"
WORD_FOR_WORD = 0.999  # a best-phrasing overlap this high: the message says that phrasing
# A message of at least this many words is a story (the evaluation set's "long" kind): the
# question is somewhere inside it, and its best entry is more often a near neighbour of the
# right one, so it is answered at its own threshold (`Calibration.answer_at_story`).
STORY_WORDS = 40
CALIBRATION = Path(__file__).with_name("calibration.json")
SIMILAR_TIE = 0.01  # closer in meaning by at most this is a tie, not agreement
# The features from the word vectors: another language's index goes without them and takes
# `Calibration.neutral` for each (the vectors are English).
CLOSENESS_FEATURES = ("similar", "similar_agrees", "similar_off")
# The features another language's index takes from `Calibration.neutral`: closeness in meaning,
# and `learned` (the question model is of English questions).
NEUTRAL_FEATURES = (*CLOSENESS_FEATURES, "learned")
# Features only P(scope) uses (P(right)'s weight for each is 0): fitted with `send_words`,
# P(right) spent it on telling SEND questions from off-topic ones, which P(scope) already does,
# and on the dev questions asked as new it answered 50.7% rightly instead of 56.9% at the same limits.
SCOPE_ONLY_FEATURES = ("send_words",)
# ... and features only P(right) uses: they compare the best entry with the others, which says
# nothing about whether the message is a SEND question ("how do i bake a chocolate cake" meets
# one entry's answer text, so `answer_text` is 1, and P(scope) offered that entry as a choice).
RIGHT_ONLY_FEATURES = ("answer_text", "last_sentence", "bm25_margin", "learned")

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
    """The stage of life of every age a message gives: "dd is 17", "a 22 year old", "my 19yo".
    Kept because it is what tells transport at 16 to 18 from transport at 19 and over."""
    stages = []
    for i, word in enumerate(words):
        if not word[0].isdigit():  # every age starts with a digit: most words are passed at once
            continue
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


# The ages a message gives, after `normalise`, for rule "past_age_of". English ("my son is 34",
# "dd 30", "a 28 year old", "im 71"; a number followed by a unit, "30 weeks", "32 hrs", "30 a
# week", is not an age) is read in every language, as parents who speak another also write
# English; Polish ("syn ma 30 lat", "28-letnia corka") and Urdu ("30 سال کا", "30 saal ka") in
# their own. A number of years that is a wait or a time ago ("od 3 lat", "30 lat temu",
# "2 saal se", "2 سال پہلے") is not an age.
_WHO = (
    "son|daughter|ds|dd|lad|boy|girl|brother|sister|nephew|niece|grandson|granddaughter|child|adult"
    "|he|hes|she|shes|im|i am|husband|wife|partner|who|whos"
)
_NOT_AN_AGE = (
    r"(?! (?:weeks?|wks?|days?|hours?|hrs?|minutes?|mins?|miles?|months?|years? ago|a week|a month|an hour|per"
    r"|pounds?|percent|times?|sessions?|points?|pages?|am|pm)\b)"
)
_STATED_AGES = (
    re.compile(
        rf"\b(?:{_WHO})(?: is| was| turned| turns| now| is now| just turned| has just turned| aged)?"
        rf" (\d{{1,2}})\b{_NOT_AN_AGE}"
    ),
    re.compile(rf"\baged? (\d{{1,2}})\b{_NOT_AN_AGE}"),
    re.compile(r"\b(\d{1,2}) ?(?:years? old|yrs? old|yr old|yo|y o)\b"),
)
_STATED_AGES_BY_LANG: dict[str, tuple[re.Pattern[str], ...]] = {
    "pl": (
        re.compile(r"(?<!\bod )(?<!\bprzez )\b(\d{1,2}) ?(?:lat|lata|latek)\b(?! temu)"),
        re.compile(r"\b(\d{1,2}) ?letni\w*"),
    ),
    "ur": (re.compile(r"(?<!\w)(\d{1,2}) ?(?:saal|sal|سال)(?!\w)(?! (?:se|sy|pehle|سے|پہلے)(?!\w))"),),
}


# Education an adult has left ("left college years ago", "finished education", "not in work or any
# college", "since leaving school"): it does not keep rule "past_age_of" from firing, as education
# the message still talks about does (candidate D2, docs/prereg37.md).
_LEFT_EDUCATION = re.compile(
    r"\b(?:left|leaving|finished|out of|no longer in|not in(?: work or| employment or)?)"
    r"(?: any| full time| the| his| her)? (?:school|college|education|sixth form|university|uni)\b"
)


# England named only to compare with it ("is it the same process as in England", "longer than
# England"): it does not say the family lives there, so it does not keep rule "names_place_of"
# from firing ("we moved from Cardiff to England" still does).
_ENGLAND_COMPARED = re.compile(r" (?:as|like|than) (?:in )?england ")


def age_patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    """The patterns `stated_ages` reads a language's messages with: English, and the language's own
    (`_STATED_AGES_BY_LANG`)."""
    return (*_STATED_AGES, *_STATED_AGES_BY_LANG.get(lang.split("_")[0], ()))


def stated_ages(words: str, patterns: tuple[re.Pattern[str], ...] = _STATED_AGES) -> list[int]:
    """Every age a normalised message gives, read with these patterns (`age_patterns`)."""
    return [int(m.group(1)) for pattern in patterns for m in pattern.finditer(words)]


@dataclass(frozen=True)
class MatchSettings:
    """Ranking weights and the typo cut-off; the answer/choices/decline decision is calibrated
    (`Calibration`)."""

    typo_cutoff: float = 84.0  # rapidfuzz ratio needed to correct an unknown word
    answer_text_weight: float = 0.3  # weight of the answer-text BM25 in the ranking
    phrasing_weight: float = 1.5  # weight of the best-phrasing overlap in the ranking
    sentence_weight: float = 1.0  # in a long message, how much its sentences add to the whole
    other_area_penalty: float = 0.15  # entries about another council than the chosen one rank lower
    named_area_penalty: float = 0.5  # ... and much lower when the message names a place in another
    unknown_area_penalty: float = 0.05  # entries about one council, when we don't know the parent's
    full_evidence: float = 1.4  # matched word weight needed for full evidence, in typical words
    # Entries offered in a "did you mean" (the topic menu has 8). A fourth raised the dev
    # questions' right entry among the choices from 91.8% to 93.3% (stories 90.2% to 91.9%), where
    # the right entry is often a near neighbour of the first three.
    max_suggestions: int = 4
    # Rule "rerank" (`Matcher._reranked`): how many of the first entries the learnt model re-orders,
    # how much the ranking weighs against the model's log-probability, and the probability taken
    # for an entry the model was not trained on.
    rerank_depth: int = 8
    rerank_weight: float = 12.0
    rerank_unknown: float = 0.01
    bm25_k1: float = 1.2
    bm25_b: float = 0.75


@dataclass(frozen=True)
class Features:
    """What the decision looks at for the best candidate, each 0 to about 1 (named so that
    `sendbot ask --explain` and the calibration script speak of the same things)."""

    confidence: float  # (best phrasing overlap + share of the message explained) x evidence
    phrasing: float  # the best single phrasing's weighted overlap with the message
    coverage: float  # share of the message's word weight the entry's phrasings explain
    evidence: float  # explained word weight, in typical words, capped at 1
    margin: float  # ranking gap to the second entry
    off_topic: float  # the closest out-of-scope kind's confidence minus the entry's
    on_topic: float  # 1 when the message has a SEND word at all
    short: float  # 1 for a message of at most SHORT_WORDS meaningful words
    sentences: float  # number of sentences, divided by 10, capped at 1
    unknown: float  # share of the message's word weight in words the knowledge base never uses
    agrees: float  # 1 when the entry with the single closest phrasing is also the best ranked
    sentences_agree: float  # share of the story's sentences whose own best entry is the same
    same_topic: float  # 1 when the runner-up is on the same topic (a near miss is still near)
    similar: float  # closeness in meaning (word vectors, `meaning.py`) of the message to the entry
    similar_agrees: float  # 1 when the entry closest in meaning is the best ranked (clearly: by SIMILAR_TIE)
    # Closeness in meaning to the closest out-of-scope kind, less that to the closest entry. Added
    # for P(scope) at stop 21: on the dev items (5-fold by page, 5 shuffles) the SEND questions
    # above the cut that declines 95% of off-topic ones rose from 93.3% to 95.0% (sd 0.3-0.7).
    similar_off: float
    # Three more signals of the best entry, added at stop 24 for P(right): on the dev questions
    # written after the phrasings (5-fold by page), stories' AUC rose from about 0.72 to 0.76 and
    # the share answered rightly at 4% wrong from about 44% to 53% (other messages at 5%: 76% to 82%).
    answer_text: float  # BM25 of the message against the entry's answer text, scaled to the best entry's
    last_sentence: float  # how well the message's last sentence alone ranks the entry (the question is often last)
    bm25_margin: float  # phrasing BM25 gap to the runner-up
    # Added at stop 24 for P(scope): on the dev questions (5-fold by page), the SEND questions
    # above the cut that declines 95% of off-topic ones rose from 90.3% to 96.2%.
    send_words: float  # its words' log-odds of a SEND question over an off-topic one (`Index.send_odds`)
    # Added at stop 31 for P(right): P(the message is about the entry) by the model learnt from
    # parents' own questions (`learned.py`); `Calibration.neutral` for an entry it does not know.
    learned: float

    def vector(self) -> FloatArray:
        return np.array([getattr(self, name) for name in FEATURE_NAMES], dtype=np.float64)


FEATURE_NAMES = tuple(f.name for f in fields(Features))  # in the calibration's weight order


@dataclass(frozen=True)
class Logistic:
    """One logistic model over `Features`: a dot product and a sigmoid."""

    weights: tuple[float, ...]
    bias: float

    def probability(self, features: Features) -> float:
        return sigmoid(float(np.dot(self.weights, features.vector())) + self.bias)


@dataclass(frozen=True)
class StoryRule:
    """Rule "story_neighbours"'s decision for a story (`sendbot/answering/neighbours.py`): P(right)
    and the best entry's agreement with the closest past stories, combined by a logistic model
    fitted by `benchmarks/calibrate_story.py`, and the threshold at which a story is answered."""

    weights: tuple[float, float]  # on logit P(right) and on the agreement
    bias: float
    answer_at: float

    def probability(self, p_right: float, agreement: float) -> float:
        return sigmoid(self.weights[0] * logit(p_right) + self.weights[1] * agreement + self.bias)


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z): a logistic model's probability from its score (`Logistic`, `StoryRule`)."""
    return 1.0 / (1.0 + math.exp(-z))


def logit(p: float) -> float:
    """log(p / (1 - p)), with p kept within 0.001 of 0 and 1: `StoryRule`'s input, as
    `benchmarks/calibrate_story.py` fits it."""
    p = min(max(p, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class Calibration:
    """The decision as data, fitted by `benchmarks/calibrate.py` on the development questions:
    ``right`` gives P(the best entry holds what the parent needs), which decides whether to
    answer; ``scope`` gives P(the message is a SEND question at all), which decides between
    offering choices and declining."""

    right: Logistic
    scope: Logistic
    answer_at: float  # P(right) at or above which we answer
    answer_at_story: float  # ... for a story (STORY_WORDS or more words)
    answer_at_short: float  # ... for a short message (SHORT_WORDS words or fewer)
    suggest_at: float  # P(scope) at or above which we offer choices rather than decline
    also_at: float  # a runner-up's confidence needed to be offered beside the best
    also_topic_at: float  # a sentence's own entry's confidence needed to offer it as "you also asked"
    also_learned_at: float  # ... and the learnt model's P(that entry | message) needed, where there is a model
    maybe_at: float  # P(scope) at or above which a declined message is offered its best entry
    # Another language's index scores its own words with fewer phrasings behind each, so its
    # answer threshold is chosen on that language's development questions
    # (benchmarks/calibrate_lang.py), for stories too; the model's weights stay the English fit.
    answer_at_by_lang: Mapping[str, float] = field(default_factory=dict)
    # The features a language's index cannot compute (closeness in meaning: the word vectors are
    # English) take their mean over the English development questions in scope, so that they
    # neither raise nor lower that language's P(right) and P(scope) against an English question's.
    neutral: Mapping[str, float] = field(default_factory=dict)
    # A story's second chance where the story neighbours are (English): `StoryRule` answers a story
    # that P(right) at `answer_at_story` leaves to the choices. None: P(right) alone.
    story: StoryRule | None = None

    @classmethod
    def load(cls, path: Path = CALIBRATION) -> Calibration:
        """The fitted decision; a broken or outdated file stops start-up with the file and the
        fix (`DataError`), never a traceback."""
        fix = "re-run benchmarks/calibrate.py --write and calibrate_lang.py --write, or restore it from git"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            names = tuple(data["features"])
            if names != FEATURE_NAMES:
                message = f"features {names} do not match the code's {FEATURE_NAMES}"
                raise DataError([Problem(path, 1, message, fix)])
            return cls(
                Logistic(tuple(data["right"]["weights"]), data["right"]["bias"]),
                Logistic(tuple(data["scope"]["weights"]), data["scope"]["bias"]),
                data["answer_at"],
                data["answer_at_story"],
                data["answer_at_short"],
                data["suggest_at"],
                data["also_at"],
                data["also_topic_at"],
                data["also_learned_at"],
                data["maybe_at"],
                dict(data.get("answer_at_by_lang", {})),
                dict(data["neutral"]),
                StoryRule(tuple(data["story"]["weights"]), data["story"]["bias"], data["story"]["answer_at"])
                if "story" in data
                else None,
            )
        except json.JSONDecodeError as err:
            raise DataError([Problem(path, err.lineno, f"not valid JSON: {err.msg}", fix)]) from err
        except (OSError, KeyError, TypeError) as err:
            raise DataError([Problem(path, 1, f"the calibration cannot be read: {err!r}", fix)]) from err

    def for_lang(self, lang: str) -> Calibration:
        """The calibration for a language's index: its own answer threshold, when fitted."""
        answer_at = self.answer_at_by_lang.get(lang)
        # One threshold for every message there: a language's few development questions are
        # too few to fit a story threshold of their own.
        return self if answer_at is None else self.with_one_threshold(answer_at)

    def with_one_threshold(self, answer_at: float) -> Calibration:
        """This calibration answering every message at ``answer_at``."""
        return replace(self, answer_at=answer_at, answer_at_story=answer_at, answer_at_short=answer_at, story=None)

    def answer_at_for(self, story: bool, short: bool) -> float:
        """The answer threshold for a message. Stories, short messages and the rest each have
        their own, fitted on their own development questions, so that one group's wrong answers
        do not hide behind another's few, nor one group's make another wait: with one threshold
        for short and medium messages, the medium ones' wrong answers raised it for all."""
        return self.answer_at_story if story else self.answer_at_short if short else self.answer_at


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float  # confidence of this entry, 0 to 1


@dataclass(frozen=True)
class MatchResult:
    status: Status
    candidates: tuple[Candidate, ...]  # best first; empty when nothing is close
    out_of_scope: str | None = None  # the out-of-scope topic the message is closest to
    also: tuple[Candidate, ...] = ()  # other things the same message asks about
    features: Features | None = None
    menu: bool = False  # the candidates are the topic menu (a short or vague message), not a guess
    maybe: Candidate | None = None  # a declined message's best entry, offered beside the "not me"

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


# --- 1. normalise ----------------------------------------------------------------------------


# Snowball has no Polish, Slovak, Urdu or Punjabi stemmer: those languages' inflections are cut
# by a light suffix list (Polish and Slovak after normalisation, so without diacritics) and the
# stem kept to LIGHT_STEM letters, enough to tell words apart and to join "ocena"/"oceny"/"ocenie".
SNOWBALL = {"en": "english", "ro": "romanian"}
LIGHT_STEM = 5
LIGHT_MIN = 3  # a stem is never shorter than this
_LIGHT_SUFFIXES = tuple(
    sorted(
        """owaniem owania owanie aniem ania anie eniem enia enie ami ach ego emu ych ymi imi owi ov ow om em
        ie ia iu ej ou ho mu a e i o u y""".split(),  # noqa: SIM905
        key=len,
        reverse=True,
    )
)


def light_stem(word: str) -> str:
    """'wnioskiem' -> 'wnios', 'oceny' -> 'ocen': the longest known ending off, then cut."""
    for suffix in _LIGHT_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= LIGHT_MIN:
            word = word[: -len(suffix)]
            break
    return word[:LIGHT_STEM]


class Tokeniser:
    """Message text to stems: normalised, typos corrected towards known words, stemmed."""

    def __init__(self, normaliser: Normaliser, known: set[str], typo_cutoff: float, lang: str = DEFAULT_LANG) -> None:
        self.normaliser = normaliser
        self.known = frozenset(known)
        # Typos rarely hit the first letter, and "turning" must not become "return".
        by_initial: dict[str, list[str]] = {}
        for word in sorted(known):
            by_initial.setdefault(word[0], []).append(word)
        self._by_initial = by_initial
        self._cutoff = typo_cutoff
        algorithm = SNOWBALL.get(lang)
        self._stemmer = Stemmer.Stemmer(algorithm) if algorithm else None
        self._correct = lru_cache(maxsize=16384)(self._correct_uncached)

    def _correct_uncached(self, word: str) -> str:
        if word in self.known or len(word) < 4:
            return word
        candidates = self._by_initial.get(word[0], ())
        found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=self._cutoff)
        return found[0] if found else word

    def words(self, text: str) -> list[str]:
        """Normalised meaningful words, before correction."""
        return self.normaliser.tokens(text)

    def stem(self, words: list[str]) -> list[str]:
        """Each word's stem, as it is."""
        return list(self._stemmer.stemWords(words)) if self._stemmer else [light_stem(w) for w in words]

    def stems(self, words: list[str]) -> list[str]:
        """Numbers are left out (dates in a story are noise), but an age becomes its stage."""
        return self.stem([self._correct(w) for w in words if not w.isdigit()]) + _age_stages(words)

    def __call__(self, text: str) -> list[str]:
        return self.stems(self.words(text))


# --- 2. index --------------------------------------------------------------------------------


def _bm25_matrix(docs: Sequence[list[int]], vocab_size: int, k1: float, b: float) -> sparse.csr_matrix:
    """Okapi BM25 weights of every (document, term): a binary query's scores are one product."""
    rows, cols, tfs = [], [], []
    for row, doc in enumerate(docs):
        counts: dict[int, int] = {}
        for t in doc:
            counts[t] = counts.get(t, 0) + 1
        rows += [row] * len(counts)
        cols += list(counts)
        tfs += list(counts.values())
    tf = np.asarray(tfs, dtype=np.float64)
    n = len(docs)
    df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=vocab_size).astype(np.float64)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    lengths = np.asarray([len(d) for d in docs], dtype=np.float64)
    norm = k1 * (1 - b + b * lengths / max(lengths.mean(), 1.0))
    data = idf[cols] * tf * (k1 + 1) / (tf + norm[rows])
    return sparse.csr_matrix((data, (rows, cols)), shape=(n, vocab_size))


@dataclass(frozen=True)
class Query:
    """Texts as the index sees them: the columns of each text's known words (row r's are
    ``cols[indptr[r]:indptr[r + 1]]``, sorted), as in a binary CSR matrix, and the text each
    of those columns belongs to (``rows``)."""

    cols: IntArray
    indptr: IntArray
    rows: IntArray

    @property
    def texts(self) -> int:
        return len(self.indptr) - 1


class Index:
    """Sparse matrices over one language's phrasings, built once per language."""

    def __init__(
        self,
        keys: list[str],
        phrasing_keys: list[str],
        phrasings: list[list[int]],
        answers: dict[str, list[int]],
        vocab: dict[str, int],
        settings: MatchSettings,
    ) -> None:
        s = settings
        self.keys = keys  # entry ids (and out-of-scope ids) in row order
        self.vocab = vocab
        v = len(vocab)
        row_of = {k: i for i, k in enumerate(keys)}
        per_key: list[list[int]] = [[] for _ in keys]
        for key, tokens in zip(phrasing_keys, phrasings, strict=True):
            per_key[row_of[key]].extend(tokens)
        self.questions = _bm25_matrix(per_key, v, s.bm25_k1, s.bm25_b)  # keys x vocab
        self.answers = _bm25_matrix([answers.get(k, []) for k in keys], v, s.bm25_k1, s.bm25_b)
        # Word weight: the idf of the phrasing BM25 (rare words weigh more).
        df = np.asarray((self.questions > 0).sum(axis=0)).ravel()
        n = len(keys)
        self.idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        self.typical_weight = float(np.median(self.idf[df > 0])) if (df > 0).any() else 1.0
        # Which words each key's phrasings use, weighted by idf: "explained" is one product.
        self.explains = sparse.csr_matrix((self.questions > 0).astype(np.float64))  # keys x vocab (binary)
        # Every phrasing as a binary row, sorted by key so a per-key max is a reduceat.
        order = sorted(range(len(phrasings)), key=lambda i: row_of[phrasing_keys[i]])
        self.phrasing_order = order  # row r of phrasing_rows is phrasing order[r] as given
        rows, cols = [], []
        for r, i in enumerate(order):
            unique = sorted(set(phrasings[i]))
            rows += [r] * len(unique)
            cols += unique
        self.phrasing_rows = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(order), v))
        phrasing_weight = np.asarray(self.phrasing_rows @ self.idf).ravel()
        phrasing_weight[phrasing_weight == 0] = 1.0
        self.phrasing_reciprocal = 1.0 / phrasing_weight  # 1 / each phrasing's word weight
        first_of: list[int] = []
        previous = -1
        for r, i in enumerate(order):
            key_row = row_of[phrasing_keys[i]]
            if key_row != previous:
                first_of.append(r)
                previous = key_row
        self._segment_starts = np.asarray(first_of, dtype=np.int64)
        present = sorted({row_of[phrasing_keys[i]] for i in order})
        self._segment_keys = np.asarray(present, dtype=np.int64)
        # How much more often each word is in the entries' phrasings than in the out-of-scope
        # kinds' (log-odds, each side's counts plus a half): `send_words` (P(scope)'s feature).
        # 0, no evidence either way, for every word when there are no out-of-scope kinds.
        in_entries = np.asarray([not phrasing_keys[i].startswith(REJECT_PREFIX) for i in order], dtype=np.float64)
        entry_counts = np.asarray(in_entries @ self.phrasing_rows).ravel()
        other_counts = np.asarray((1.0 - in_entries) @ self.phrasing_rows).ravel()
        # A word in neither (one the index has never seen) gets `unseen_odds`: below 0, as the
        # entries have more phrasings ("how do i bake a chocolate cake" is not a SEND question).
        either = other_counts.any()
        self.send_odds = (
            np.log((entry_counts + 0.5) / (entry_counts.sum() + 1.0))
            - np.log((other_counts + 0.5) / (other_counts.sum() + 1.0))
            if either
            else np.zeros(v)
        )
        self.unseen_odds = float(np.log((other_counts.sum() + 1.0) / (entry_counts.sum() + 1.0))) if either else 0.0
        # Every signal side by side, so a batch of texts is scored by one sparse product:
        # [BM25 over phrasings | BM25 over answers | explained weight | per-phrasing overlap].
        idf = sparse.diags(self.idf)
        self.signals = sparse.hstack(
            [self.questions.T, self.answers.T, idf @ self.explains.T, idf @ self.phrasing_rows.T]
        ).tocsr()

    def score(self, q: Query) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """(BM25 phrasings, BM25 answers, explained weight) per text and key, and the word
        overlap per text and phrasing: the query's rows of `signals` summed per text.

        This is the product of the query's binary rows with `signals`, done with numpy: the
        stored values of the query's words' rows are gathered and summed per text and column
        by one `bincount`, in the same order as scipy's sparse product adds them (so the same
        floats), without the checks and objects scipy makes per product, which were half of
        matching a short question."""
        k = len(self.keys)
        signals = self.signals
        width = signals.shape[1]
        starts = signals.indptr[q.cols]
        lengths = signals.indptr[q.cols + 1] - starts
        # where each stored value of those rows sits: each row's start, then counting on
        ends = np.cumsum(lengths)
        positions = np.repeat(starts - (ends - lengths), lengths) + np.arange(int(ends[-1]) if len(ends) else 0)
        text = np.repeat(q.rows, lengths)
        flat = text * width + signals.indices[positions]
        sums = np.bincount(flat, weights=signals.data[positions], minlength=q.texts * width)
        out = np.asarray(sums, dtype=np.float64).reshape(q.texts, width)
        return out[:, :k], out[:, k : 2 * k], out[:, 2 * k : 3 * k], out[:, 3 * k :]

    def send_words(self, q: Query, query_weight: FloatArray) -> float:
        """The whole message's (the query's first text's) words' `send_odds`, weighted by idf,
        words the index has never seen at `unseen_odds` and a typical word's weight: above 0 when
        its words are more those of SEND questions than of the off-topic kinds."""
        cols = q.cols[q.indptr[0] : q.indptr[1]]
        known = self.idf[cols]
        total = float(query_weight[0])
        unseen = total - float(known.sum())
        return float(known @ self.send_odds[cols] + unseen * self.unseen_odds) / total if total > 0 else 0.0

    def query_matrix(self, token_lists: Sequence[list[str]]) -> tuple[Query, FloatArray, FloatArray]:
        """The texts' known words (one row per text), each row's word weight, where a word
        the index has never seen costs a typical word's weight, and the share of that weight
        in words the index has never seen."""
        cols: list[int] = []
        indptr = [0]
        unknown = np.zeros(len(token_lists))
        for r, tokens in enumerate(token_lists):
            known = {col for t in tokens if (col := self.vocab.get(t)) is not None}
            unknown[r] = len({t for t in tokens if t not in self.vocab})
            cols += sorted(known)
            indptr.append(len(cols))
        starts = np.asarray(indptr, dtype=np.int64)
        q = Query(np.asarray(cols, dtype=np.int64), starts, np.repeat(np.arange(len(token_lists)), np.diff(starts)))
        weight = np.bincount(q.rows, weights=self.idf[q.cols], minlength=q.texts) + unknown * self.typical_weight
        return q, weight, unknown * self.typical_weight / np.maximum(weight, 1e-9)

    def phrasing_scores(self, overlap: FloatArray, query_weight: FloatArray) -> FloatArray:
        """Per text and phrasing (in `phrasing_rows` order), the weighted overlap: a blend of
        recall (how much of the phrasing the message says) and precision (how much of the
        message the phrasing says), 0.5 x F1 + 0.3 x recall + 0.2 x precision. Shape: texts x
        phrasings.

        With recall = overlap x a and precision = overlap x b (a = 1 / the phrasing's weight, b
        = 1 / the text's), F1 is overlap x 2ab / (a + b), so the blend is the overlap times a
        factor of a and b alone: no division by an overlap, and a third of the array passes."""
        a = self.phrasing_reciprocal
        b = (1.0 / np.maximum(query_weight, 1e-9))[:, None]
        factor = a * b / (a + b) + 0.3 * a + 0.2 * b
        score: FloatArray = overlap * factor
        return score

    def best_phrasing(self, overlap: FloatArray, query_weight: FloatArray) -> FloatArray:
        """Per text and key, the best single phrasing's weighted overlap. Shape: texts x keys."""
        score = self.phrasing_scores(overlap, query_weight)
        best = np.maximum.reduceat(score, self._segment_starts, axis=1)
        out = np.zeros((overlap.shape[0], len(self.keys)))
        out[:, self._segment_keys] = best
        return out


# --- 3. rank and 4. decide -------------------------------------------------------------------


@dataclass(frozen=True)
class _Analysis:
    """Every signal for every key, for the whole message (row 0) and each sentence (rows 1..)."""

    tokens: list[str]
    ranking: FloatArray  # keys: whole message plus its weighted sentences, less area penalties
    per_text: FloatArray  # texts x keys: the combined ranking of each text alone
    bm25: FloatArray  # texts x keys, BM25 over phrasings, each row scaled to its best
    answer_bm25: FloatArray  # texts x keys, BM25 over answers, scaled likewise
    phrasing: FloatArray  # texts x keys: the best single phrasing's overlap
    explained: FloatArray  # texts x keys: word weight of the text the key's phrasings explain
    query_weight: FloatArray  # texts
    penalties: FloatArray  # keys: the area penalty
    on_topic: bool  # the message has a SEND word at all
    sentences: int
    unknown: float  # share of the message's word weight in words no phrasing or answer has
    similar: FloatArray  # keys: the whole message's closeness in meaning to each key
    ruled_out: str | None  # the out-of-scope kind a rule finds (`names_place_of`, `past_age_of`)
    send_words: float  # how much the message's words are SEND questions' rather than off-topic ones'
    learned: FloatArray | None  # the learnt model's P(entry | message) for its classes; None without a model
    vector: TermVector | None  # the message in the learnt model's terms; None without a model


@dataclass(frozen=True)
class Signal:
    """One candidate's signals, for `sendbot ask --explain`."""

    entry_id: str
    ranking: float
    bm25: float
    answer_bm25: float
    phrasing: float
    coverage: float
    evidence: float
    area_penalty: float
    confidence: float
    similar: float  # closeness in meaning of the whole message (`meaning.py`)
    learned: float  # the learnt model's P(entry | message), which rule "rerank" weighs; NaN without it


PLAN_WORDS = frozenset({"ehcp", "ehcna"})  # an EHC plan or needs assessment, however written, once normalised


def is_story(text: str) -> bool:
    """Whether a message is long enough to be a story (`STORY_WORDS`)."""
    return len(text.split()) >= STORY_WORDS


def says_a_phrasing(features: Features) -> bool:
    """Rule "says_a_phrasing": a short message that says one of the best entry's phrasings word
    for word ("ehcp", "what is an ehcp", "how do i apply for an ehcp") is answered, whatever
    P(right) says: the entry was written for exactly that question. P(right), fitted on the dev
    questions asked as new, is cautious with short messages, and left these parents' commonest
    questions with a "did you mean"."""
    return bool(features.short) and features.phrasing >= WORD_FOR_WORD


def out_of_scope_explains_better(closest: Signal | None, entries: Sequence[Signal]) -> bool:
    """Rule "best_explainer": a message is never answered, and declined unless P(scope) says it
    is a SEND question, when the closest out-of-scope kind
    explains it at least as well as every entry among the best ranked, not only the first. In a
    long story one sentence can sound like a benefits or diagnosis question ("DS is 9, autistic,
    not coping") while an entry of the top four explains the message better than the first
    does; on the dev split, comparing with the first alone declined 8 SEND questions. (The same
    comparison as the `off_topic` feature made the answers worse there: it is kept as a rule.)"""
    return closest is not None and closest.confidence >= max((sig.confidence for sig in entries), default=0.0)


class Matcher:
    """An index over one language's phrasings; build once, match many (the `ask` hot path)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        settings: MatchSettings | None = None,
        lang: str = DEFAULT_LANG,
        calibration: Calibration | None = None,
        learned: bool | QuestionModel = True,
    ) -> None:
        """``learned``: the model learnt from parents' questions (True: the stored one; a model:
        that one, as `benchmarks/calibrate.py` gives each fold's; False: none, for training it)."""
        self.kb = kb
        self.settings = s = settings or MatchSettings()
        self.calibration = (calibration or Calibration.load()).for_lang(lang)
        normaliser = Normaliser(kb.synonyms, kb.spellings, stopwords_for(lang))
        texts: list[tuple[str, str]] = []
        answers: dict[str, str] = {}
        # Another language's index holds the English phrasings too: parents who speak it also
        # ask in English, or mix in the English terms the council's letters use.
        langs = dict.fromkeys((lang, DEFAULT_LANG))
        for entry in sorted(kb.entries.values(), key=lambda e: e.id):
            for code in langs:
                texts += [(entry.id, t) for t in (*entry.phrasings(code), entry.title.get_text(code))]
            more = " ".join(entry.more.get_text(code) for code in langs) if entry.more else ""
            answers[entry.id] = " ".join(entry.answer.get_text(code) for code in langs) + " " + more
        for topic in kb.out_of_scope.values():
            texts += [(REJECT_PREFIX + topic.id, t) for t in topic.phrasings(lang)]
        # Normalise every text once: the words feed both the vocabulary and the index.
        text_words = [(key, normaliser.tokens(text)) for key, text in texts]
        answer_words = {key: normaliser.tokens(text) for key, text in answers.items()}
        known = {w for _, ws in text_words for w in ws} | {w for ws in answer_words.values() for w in ws}
        self.tokeniser = Tokeniser(normaliser, {w for w in known if not w.isdigit()}, s.typo_cutoff, lang)
        phrasing_tokens = [(key, self.tokeniser.stems(ws)) for key, ws in text_words]
        answer_tokens = {key: self.tokeniser.stems(ws) for key, ws in answer_words.items()}
        vocab: dict[str, int] = {}
        for tokens in [*(t for _, t in phrasing_tokens), *answer_tokens.values()]:
            for t in tokens:
                vocab.setdefault(t, len(vocab))
        keys = sorted({k for k, _ in phrasing_tokens})
        self.index = Index(
            keys,
            [k for k, _ in phrasing_tokens],
            [[vocab[t] for t in ts] for _, ts in phrasing_tokens],
            {k: [vocab[t] for t in ts] for k, ts in answer_tokens.items()},
            vocab,
            s,
        )
        self.phrasing_count = len(phrasing_tokens)
        self.meaning = Meaning(WordVectors.load(), keys, phrasing_tokens) if lang in VECTOR_LANGS else None
        model = learned if isinstance(learned, QuestionModel) else QuestionModel.load() if learned else None
        self.learned = model if lang in LEARNED_LANGS else None
        # The stored stories are in the stored model's terms: a fold's own model goes without them.
        self.neighbours = (
            StoryNeighbours.load(terms=len(self.learned.columns)) if self.learned and learned is True else None
        )
        self._texts = texts  # (key, text) of every indexed phrasing and title, in index input order
        self._keys = np.asarray(keys, dtype=object)
        self._row_of = {k: i for i, k in enumerate(keys)}
        # Each key's row in the learnt model's classes (-1: not one of them), for rule "rerank".
        classes = self.learned.rows if self.learned else {}
        self._learned_row = np.asarray([classes.get(k, -1) for k in keys], dtype=np.int64)
        self._is_reject = np.asarray([k.startswith(REJECT_PREFIX) for k in keys])
        self._area_of = [kb.entries[k].area if k in kb.entries else NATIONAL for k in keys]
        self._topic_of = [kb.entries[k].topic if k in kb.entries else k for k in keys]
        self._area_places = [(area.id, whole_phrases(area.places)) for area in kb.areas.values()]
        self._topic_places = [(t.id, whole_phrases(t.places)) for t in kb.out_of_scope.values() if t.places]
        self._age_patterns = age_patterns(lang)
        self._topic_ages = [
            (t.id, t.ages_over, t.adult_over, whole_phrases(t.adult_signs), whole_phrases(t.unless))
            for t in kb.out_of_scope.values()
            if t.ages_over is not None or t.adult_over is not None
        ]
        own = kb.notes[lang].domain if lang in kb.notes else ()
        self.domain = frozenset(t for term in (*kb.domain, *own) for t in self.tokens(term))

    def tokens(self, text: str) -> list[str]:
        return self.tokeniser(text)

    @staticmethod
    def segments(text: str) -> list[str]:
        """Each sentence of a message that has several."""
        parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
        return parts if len(parts) > 1 else []

    def message_tokens(self, text: str) -> list[list[str]]:
        """The words of the whole message, then of each of its sentences that has any; [] when
        it has none. A story is normalised once, sentence by sentence: its words are its
        sentences' words (so "section F. a month on" is section F alone, not F and A)."""
        sentences = [t for seg in self.segments(text) if (t := self.tokens(seg))]
        whole = [w for t in sentences for w in t] if sentences else self.tokens(text)
        return [whole, *sentences] if whole else []

    def mentioned_areas(self, text: str) -> set[str]:
        """Areas the message names ("we're in Chesterfield"), from each area's `places`."""
        return self._areas_in(f" {normalise(text)} ")

    def _areas_in(self, words: str) -> set[str]:
        """`mentioned_areas` of a message already normalised and padded with spaces."""
        return {area for area, places in self._area_places if places.search(words)}

    def names_place_of(self, text: str) -> str | None:
        """Rule "names_place_of": the out-of-scope kind whose `places` the message names ("we
        live in Fife", "Belfast mum here"), unless it also names England (other than to compare
        with it, `_ENGLAND_COMPARED`) or one of the areas' places ("we moved from Cardiff to
        Derby"). Such a message is declined with that kind's reply: the law it asks about is
        another country's. The other-countries phrasings alone let 4 of 28 fresh off-topic
        questions at stop 21 through as a "did you mean" ("We live in Stirling ... CAMHS",
        "we're in belfast and the EA sent a proposed statement"); no in-scope dev question
        names such a place."""
        words = f" {normalise(text)} "
        return self._place_of(words, self._areas_in(words))

    def _place_of(self, words: str, areas: set[str]) -> str | None:
        """`names_place_of` of a normalised, padded message that names these areas."""
        if not self._topic_places or areas or " england " in _ENGLAND_COMPARED.sub(" ", words):
            return None
        return next((topic for topic, places in self._topic_places if places.search(words)), None)

    def past_age_of(self, text: str) -> str | None:
        """Rule "past_age_of": the out-of-scope kind whose `ages_over` every age the message
        gives is over, unless it says one of the kind's `unless` words ("my son is 34 and adult
        social care want him to pay", but not "my son is 26, could he get an EHCP at college").
        Such a message is declined with that kind's reply: it is about an adult, past the SEND
        system (a young person is under 25). Stop 35: on the dev split it declined 29 off-topic
        questions about adults' care and no in-scope one. Education the adult has left ("he left
        college years ago") does not count (`_LEFT_EDUCATION`). Saying so, or naming a part of
        adult life from the kind's `adult_signs` ("supported living", "adult social care"),
        lowers the age to the kind's `adult_over` ("my son is 24, left college years ago, his care
        contribution keeps going up"; "DS is 24 and lives in supported living"). Stop 40, on the
        dev split: left education declined 8 more off-topic questions, the signs 4 more, and
        neither moved an in-scope one."""
        return self._past_age(f" {normalise(text)} ")

    def _past_age(self, words: str) -> str | None:
        """`past_age_of` of a normalised, padded message."""
        ages = stated_ages(words, self._age_patterns) if self._topic_ages else []
        if not ages:
            return None
        still = _LEFT_EDUCATION.sub(" ", words)
        left = still != words
        return next(
            (
                t
                for t, over, adult_over, signs, unless in self._topic_ages
                if (
                    (over is not None and min(ages) > over)
                    or (adult_over is not None and min(ages) > adult_over and (left or bool(signs.search(words))))
                )
                and not unless.search(still)
            ),
            None,
        )

    def _area_penalties(self, area: str | None, mentioned: set[str]) -> FloatArray:
        """How far to push down an entry about one council: not at all when the parent chose
        or named that area; far when they named another place in this very message ("we're in
        Alvaston" rules out Derbyshire's numbers); less when another area was chosen earlier,
        as the parent may be asking for someone else; a little when we don't know."""
        s = self.settings
        wanted = mentioned or ({area} if area else set())
        other = s.named_area_penalty if mentioned else s.other_area_penalty if wanted else s.unknown_area_penalty
        return np.asarray([0.0 if a == NATIONAL or a in wanted else other for a in self._area_of])

    def _analyse(self, text: str, area: str | None) -> _Analysis | None:
        """Score the message and its sentences against every key, in one sparse product."""
        s = self.settings
        texts = self.message_tokens(text)
        if not texts:
            return None
        tokens, sentences = texts[0], texts[1:]
        vector = self.learned.vector(tokens) if self.learned else None
        q, query_weight, unknown = self.index.query_matrix(texts)
        by_questions, by_answers, explained, overlap = self.index.score(q)
        phrasing = self.index.best_phrasing(overlap, query_weight)

        def scaled(m: FloatArray) -> FloatArray:
            top = m.max(axis=1, keepdims=True)
            out: FloatArray = np.divide(m, top, out=np.zeros_like(m), where=top > 0)
            return out

        bm25, answer_bm25 = scaled(by_questions), scaled(by_answers)
        total = 1.0 + s.answer_text_weight + s.phrasing_weight
        per_text = (bm25 + s.answer_text_weight * answer_bm25 + s.phrasing_weight * phrasing) / total
        # A story's sentences add to the whole message, each as much. (Weighting a sentence with
        # "?" double, and a bonus for a message that is exactly a phrasing, were dropped: on
        # the dev split the first made 3 more first entries wrong and the second changed none.)
        weights = np.asarray([1.0] + [s.sentence_weight / max(len(sentences), 1)] * len(sentences))
        words = f" {normalise(text)} "
        mentioned = self._areas_in(words)
        penalties = self._area_penalties(area, mentioned)
        similar = self.meaning.similarity(tokens) if self.meaning else np.zeros(len(self._keys))
        return _Analysis(
            tokens,
            weights @ per_text - penalties,
            per_text,
            bm25,
            answer_bm25,
            phrasing,
            explained,
            query_weight,
            penalties,
            not self.domain or bool(self.domain.intersection(tokens)),
            len(sentences),
            float(unknown[0]),
            similar,
            self._place_of(words, mentioned) or self._past_age(words),
            self.index.send_words(q, query_weight),
            self.learned.probabilities(vector) if self.learned and vector is not None else None,
            vector,
        )

    def _signals(self, a: _Analysis, rows: Sequence[int]) -> list[Signal]:
        """Each key's confidence, best over the whole message and its sentences (a clear
        question sentence inside a long story counts): (best phrasing + share of the message
        explained) x evidence, less the area penalty, halved for a message with no SEND word
        at all. All the keys asked for at once, as columns."""
        s = self.settings
        cols = np.asarray(rows, dtype=np.int64)
        explained = a.explained[:, cols]
        coverage = explained / np.maximum(a.query_weight, 1e-9)[:, None]
        evidence = np.minimum(1.0, explained / (s.full_evidence * self.index.typical_weight))
        confidence = (0.5 * a.phrasing[:, cols] + 0.5 * coverage) * evidence
        best = np.argmax(confidence, axis=0)  # per key, its best text
        at = (best, np.arange(len(cols)))
        value = np.maximum(0.0, confidence[at] - a.penalties[cols]) * (1.0 if a.on_topic else 0.5)
        columns = zip(
            cols.tolist(),
            a.ranking[cols].tolist(),
            a.bm25[best, cols].tolist(),
            a.answer_bm25[best, cols].tolist(),
            a.phrasing[best, cols].tolist(),
            coverage[at].tolist(),
            evidence[at].tolist(),
            a.penalties[cols].tolist(),
            value.tolist(),
            a.similar[cols].tolist(),
            self._learned_column(a, cols).tolist(),
            strict=True,
        )
        return [Signal(str(self._keys[row]), *(round(v, 4) for v in values)) for row, *values in columns]

    def _ordered(self, a: _Analysis) -> tuple[list[int], int | None]:
        """The best entries' rows, best first, and the closest out-of-scope kind's row."""
        # Ties go to the first key in alphabetical order, which is row order (the keys are sorted).
        positive = np.flatnonzero(a.ranking > 0)
        order = positive[np.lexsort((positive, -a.ranking[positive]))]
        is_reject = self._is_reject[order]
        entries = self._reranked(a, order[~is_reject])[: self.settings.max_suggestions + 1]
        rejects = order[is_reject]
        return [int(r) for r in entries], (int(rejects[0]) if len(rejects) else None)

    def _learned_column(self, a: _Analysis, rows: IntArray) -> FloatArray:
        """The learnt model's P(entry | message) of each row; NaN where there is no model or the
        model does not know the entry."""
        if a.learned is None:
            return np.full(len(rows), np.nan)
        model_row = self._learned_row[rows]
        column: FloatArray = np.where(model_row >= 0, a.learned[np.maximum(model_row, 0)], np.nan)
        return column

    def _reranked(self, a: _Analysis, rows: IntArray) -> IntArray:
        """Rule "rerank": the first `rerank_depth` entries by the ranking, in the order of the learnt
        model's log P(entry | message) + `rerank_weight` x the ranking (ties keep the ranking's
        order); the rest as they are. The ranking compares a message with the phrasings we wrote,
        the model with the questions parents wrote. Asked again each at the knowledge base it was
        first asked of, the stop32 and stop33 sets (written after the model was trained) got 831
        right answers of 1,413 instead of 782, and 55 wrong instead of 60 (docs/prereg36.md).
        Without a model (another language), or when the message says the first entry's phrasing
        word for word ("ehcp help"), the ranking's order."""
        if a.learned is None or (len(rows) and a.phrasing[0, rows[0]] >= WORD_FOR_WORD):
            return rows
        s = self.settings
        top = rows[: s.rerank_depth]
        p = np.nan_to_num(self._learned_column(a, top), nan=s.rerank_unknown)
        score = np.log(np.maximum(p, 1e-12)) + s.rerank_weight * a.ranking[top]
        reordered: IntArray = np.concatenate([top[np.argsort(-score, kind="stable")], rows[s.rerank_depth :]])
        return reordered

    def closest_phrasings(self, text: str, count: int) -> list[tuple[str, str]]:
        """The ``count`` indexed phrasings (key, text) closest to the message or one of its
        sentences, best first: `benchmarks/calibrate.py` asks each development question again
        without them, as if no phrasing had been written from it."""
        texts = self.message_tokens(text)
        if not texts:
            return []
        q, query_weight, _ = self.index.query_matrix(texts)
        overlap = self.index.score(q)[3]
        best = self.index.phrasing_scores(overlap, query_weight).max(axis=0)
        top = np.argsort(-best, kind="stable")[:count]
        return [self._texts[self.index.phrasing_order[int(r)]] for r in top if best[r] > 0]

    def rank(self, text: str, area: str | None = None) -> list[Candidate]:
        """Entries (and the closest out-of-scope topic) best first, each with its confidence."""
        a = self._analyse(text, area)
        if a is None:
            return []
        entries, reject = self._ordered(a)
        rows = [*entries, *([reject] if reject is not None else [])]
        rows.sort(key=lambda r: (-a.ranking[r], self._keys[r]))
        return [Candidate(signal.entry_id, signal.confidence) for signal in self._signals(a, rows)]

    def explain(self, text: str, area: str | None = None) -> tuple[list[Signal], Features | None]:
        """Each signal for the top candidates, and the decision's features (`ask --explain`)."""
        a = self._analyse(text, area)
        if a is None:
            return [], None
        entries, reject = self._ordered(a)
        rows = [*entries, *([reject] if reject is not None else [])]
        return self._signals(a, rows), self._decide(text, a).features

    def match(self, text: str, area: str | None = None) -> MatchResult:
        return self._decide(text, self._analyse(text, area))

    def _best_row(self, scores: FloatArray) -> int:
        """The entry (never an out-of-scope kind) with the highest of these scores."""
        return int(np.argmax(np.where(self._is_reject, -np.inf, scores)))

    def _sentences_agree(self, a: _Analysis, row: int) -> float:
        """Share of the sentences whose own best entry is ``row`` (1 for a single sentence)."""
        rows = [self._best_row(a.per_text[r] - a.penalties) for r in range(1, a.per_text.shape[0])]
        return sum(r == row for r in rows) / len(rows) if rows else 1.0

    def _closeness(self, a: _Analysis, row: int) -> dict[str, float]:
        """The features `similar`, `similar_agrees` and `similar_off` of the entry in ``row``:
        how close in meaning the message is to it, 1 when no other entry is as close (within
        SIMILAR_TIE), and how much closer the closest out-of-scope kind is than the closest
        entry. For a language the word vectors are not of, `Calibration.neutral` (and for
        `similar_off` when the knowledge base has no out-of-scope kinds)."""
        neutral = self.calibration.neutral
        if self.meaning is None:
            return {name: neutral[name] for name in CLOSENESS_FEATURES}
        closeness = np.where(self._is_reject, -np.inf, a.similar)
        others = np.delete(closeness, row)
        agrees = others.size == 0 or closeness[row] > others.max() + SIMILAR_TIE
        off = (
            float(a.similar[self._is_reject].max() - closeness.max())
            if self._is_reject.any()
            else neutral["similar_off"]
        )
        return {"similar": float(a.similar[row]), "similar_agrees": 1.0 if agrees else 0.0, "similar_off": off}

    def _learned(self, a: _Analysis, entry_id: str) -> float:
        """The feature `learned` of this entry (`Calibration.neutral` when the model does not know it)."""
        p = self._learned_or_none(a, entry_id)
        return self.calibration.neutral["learned"] if p is None else p

    def _learned_or_none(self, a: _Analysis, entry_id: str) -> float | None:
        """The learnt model's P(entry | message); None without a model or for an entry it does not know."""
        p = float(self._learned_column(a, np.asarray([self._row_of[entry_id]], dtype=np.int64))[0])
        return None if math.isnan(p) else p

    def _also(self, a: _Analysis, ranked: Sequence[int]) -> tuple[Candidate, ...]:
        """Other things a story asks about: a sentence whose own best entry is on another
        topic than the answer, clearly so (`also_topic_at`), and among the whole message's
        first entries (``ranked``, best first: the answer and the runners-up it would show).

        Rule "also_ranked": a sentence's best entry that the whole message does not rank among
        its first `max_suggestions` is a word's echo, not a second question ("it's now December"
        offered the appeal deadlines over Christmas). Of 400 dev buttons labelled blind by two
        helpers, 62 were apt (15.5%); the rule keeps 151, 51 of them apt (34%; docs/prereg36.md).

        Rule "also_learned": where the model learnt from parents' questions knows the entry, it must
        also give it P(entry | message) of at least `also_learned_at`. On 380 buttons beside the
        stop32 to stop35 sets' answers (out of that model's sample), labelled blind by two helpers and
        chosen on the odd half, apt among shown on the even half rose from 39.5% to 58.9%, keeping
        56 of the 75 apt buttons (docs/prereg36.md)."""
        found: list[Candidate] = []
        taken = {self._topic_of[ranked[0]]}
        first = set(ranked[: self.settings.max_suggestions])
        rows = [self._best_row(a.per_text[text_row] - a.penalties) for text_row in range(1, a.per_text.shape[0])]
        for row, signal in zip(rows, self._signals(a, rows), strict=True):
            if row not in first or self._topic_of[row] in taken or signal.confidence < self.calibration.also_topic_at:
                continue
            learned = self._learned_or_none(a, signal.entry_id)
            if learned is not None and learned < self.calibration.also_learned_at:
                continue
            taken.add(self._topic_of[row])
            found.append(Candidate(signal.entry_id, signal.confidence))
        return tuple(found[:2])

    def _decide(self, text: str, a: _Analysis | None) -> MatchResult:
        if a is None:
            return MatchResult("fallback", ())
        entries, reject = self._ordered(a)
        if not entries:
            topic = str(self._keys[reject]).removeprefix(REJECT_PREFIX) if reject is not None else None
            return MatchResult("fallback", (), topic)
        found = self._signals(a, [*entries, *([reject] if reject is not None else [])])
        signals = found[: len(entries)]
        shown = [Candidate(sig.entry_id, sig.confidence) for sig in signals][: self.settings.max_suggestions]
        best = signals[0]
        closest = found[len(entries)] if reject is not None else None
        explained_better = out_of_scope_explains_better(closest, signals)
        features = Features(
            confidence=best.confidence,
            phrasing=best.phrasing,
            coverage=best.coverage,
            evidence=best.evidence,
            margin=best.ranking - (signals[1].ranking if len(signals) > 1 else 0.0),
            off_topic=(closest.confidence - best.confidence) if closest else -best.confidence,
            on_topic=1.0 if a.on_topic else 0.0,
            short=1.0 if len(a.tokens) <= SHORT_WORDS else 0.0,
            sentences=min(1.0, max(1, a.sentences) / 10),
            unknown=a.unknown,
            agrees=1.0 if self._best_row(a.phrasing[0]) == entries[0] else 0.0,
            sentences_agree=self._sentences_agree(a, entries[0]),
            same_topic=1.0 if len(entries) > 1 and self._topic_of[entries[1]] == self._topic_of[entries[0]] else 0.0,
            **self._closeness(a, entries[0]),
            answer_text=float(a.answer_bm25[0, entries[0]]),
            last_sentence=float(a.per_text[-1, entries[0]]),
            bm25_margin=float(a.bm25[0, entries[0]] - (a.bm25[0, entries[1]] if len(entries) > 1 else 0.0)),
            send_words=a.send_words,
            learned=self._learned(a, signals[0].entry_id),
        )
        topic = closest.entry_id.removeprefix(REJECT_PREFIX) if closest else None
        if a.ruled_out:
            return MatchResult("fallback", (), a.ruled_out, features=features)
        cal = self.calibration
        # Nothing, in scope or out, explains a short message ("my son", "what now"): the menu.
        # A message that says one of an entry's phrasings word for word ("what is an ehcp") is
        # never vague, however common its words.
        vague = (
            features.short
            and features.phrasing < WORD_FOR_WORD
            and max(best.confidence, closest.confidence if closest else 0.0) < cal.also_at
        )
        p_scope = cal.scope.probability(features)
        looks_like_send = p_scope >= cal.suggest_at
        # An out-of-scope kind of question explains the message at least as well as any entry:
        # never an answer, and "not me" unless P(scope) says it is a SEND question all the same
        # (a story with one benefits-sounding sentence): then the choices. On the dev split the
        # rule alone declined 25 SEND questions, 22 with a right entry among the first three,
        # and the off-topic ones it declined had P(scope) under suggest_at. None of the 25 was
        # short, and a short message's P(scope) is raised by its shortness ("what is an ALN
        # coordinator in wales"): short ones are declined as before.
        # Rule "maybe": a declined message that may still be a SEND question keeps one way back,
        # its best entry as a button beside the "not me" (docs/prereg33.md). On the dev split
        # 154 SEND questions were declined, and for 119 of them the best entry held the facts;
        # at `maybe_at` 0.25, 69 get a right button, and 4.4% of the off-topic ones get a button.
        # Rule "plan_way_back": a message that names an EHC plan or assessment is about SEND at
        # least in part, however its other words read, so a decline keeps the way back too.
        maybe = shown[0] if p_scope >= cal.maybe_at or not PLAN_WORDS.isdisjoint(a.tokens) else None
        if explained_better and not vague and (features.short or not looks_like_send):
            return MatchResult("fallback", (), topic, features=features, maybe=maybe)
        # Answered when P(right) is high enough and P(scope) says it is a SEND question at all
        # (or it says a phrasing word for word). With `send_words`, P(scope) declines off-topic
        # questions that P(right) alone rated high, and the calibration no longer has to keep
        # P(right)'s thresholds above them: on the dev questions asked as new, 57.5% were answered
        # rightly instead of 53.7%, at the same limits.
        p = cal.right.probability(features)
        story = is_story(text)
        sure = p >= cal.answer_at_for(story, bool(features.short))
        # Rule "story_neighbours" (S41, docs/prereg41.md) only adds answers: a story P(right) leaves
        # to the choices is answered when its best entry agrees with the closest past stories.
        if not sure and story and cal.story and self.neighbours and a.vector is not None:
            agreement = self.neighbours.agreement(self.neighbours.closeness(a.vector), best.entry_id)
            sure = cal.story.probability(p, agreement) >= cal.story.answer_at
        answers = (sure and looks_like_send) or says_a_phrasing(features)
        if answers and not explained_better and not vague:
            return MatchResult("answer", tuple(shown), also=self._also(a, entries), features=features)
        runners_up = tuple(c for c in shown[1:] if c.score >= cal.also_at)
        if looks_like_send and not vague:
            return MatchResult("suggest", (shown[0], *runners_up), features=features)
        # A short or vague message ("ehcp?", "my son", "I'm lost") never gets "I don't know":
        # the topic menu, after the best guess when there is a fair one. Rule "few_words": so
        # does a message of a few words with a SEND word in it ("year 9 review whats different")
        # that no out-of-scope kind explains better: it used to get the closest kind's "not me"
        # (there, benefits). On the dev split 3 more such messages got a right entry among the
        # choices, and no off-topic one was let through.
        few = len(a.tokens) <= FEW_WORDS and a.on_topic and not explained_better
        if (features.short or few) and self.kb.menu:
            return MatchResult("suggest", self._menu(shown[0]), features=features, menu=True)
        return MatchResult("fallback", (), topic, features=features, maybe=maybe)

    def _menu(self, guess: Candidate) -> tuple[Candidate, ...]:
        """The topic menu, after the best guess when it is a fair one."""
        first = (guess,) if guess.score >= self.calibration.also_at else ()
        return (*first, *(Candidate(e, 0.0) for e in self.kb.menu if e != guess.entry_id or not first))
