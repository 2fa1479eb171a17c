"""The decision, made once for every channel: is the message about immediate danger, small
talk, or a question to answer, suggest for, or fall back on? Returned as plain data; the
chat and `sendbot ask` each word it with their own presenter.

Order: danger first (safety before anything else, whatever else the message says), then small
talk, then the matcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from sendbot.answering.matcher import Candidate, Matcher, MatchResult, MatchSettings, is_story
from sendbot.answering.normalise import normalise, whole_phrases
from sendbot.knowledge.model import DEFAULT_LANG, NATIONAL, Entry, KnowledgeBase, SmallTalk

SMALLTALK_MAX_WORDS = 6
SMALLTALK_SCORE = 88.0  # rapidfuzz ratio with a small-talk phrasing
URGENT_OTHERS = 2  # suggestions kept beside the safety entry

DecisionKind = Literal["answer", "suggest", "fallback", "smalltalk"]
NO_MATCH = MatchResult("fallback", ())


@dataclass(frozen=True)
class Decision:
    """What to tell the parent, before any wording.

    ``kind`` is what the matcher decided (or "smalltalk"); ``urgent`` is the safety entry for a
    message about immediate danger, shown before everything else; ``match`` is the matcher's own
    result (empty for small talk); ``entry`` is the entry answered, or the best suggestion."""

    question: str
    kind: DecisionKind
    match: MatchResult
    entry: Entry | None = None
    urgent: Entry | None = None
    smalltalk: SmallTalk | None = None

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        return self.match.candidates

    @property
    def out_of_scope(self) -> str | None:
        return self.match.out_of_scope

    @property
    def maybe(self) -> Candidate | None:
        """A decline's way back: the one entry offered beside the "not me" (`MatchResult.maybe`)."""
        return self.match.maybe if self.kind == "fallback" else None

    @property
    def story(self) -> bool:
        """The parent told a story (`is_story`): choices are introduced with thanks."""
        return is_story(self.question)

    @property
    def shown(self) -> MatchResult:
        """What a parent sees first, as a match result: the safety entry (score 1) and up to
        two of the other matches when urgent; nothing for small talk; else the match."""
        if self.urgent is not None:
            others = tuple(c for c in self.match.candidates if c.entry_id != self.urgent.id)[:URGENT_OTHERS]
            return MatchResult("answer", (Candidate(self.urgent.id, 1.0), *others))
        return self.match

    @property
    def first(self) -> Entry | None:
        """The entry a parent is shown first: the safety entry, or the answer or best suggestion."""
        return self.urgent or self.entry


class Decider:
    """Recognises danger and small talk, and asks the matcher for the parent's language."""

    def __init__(self, kb: KnowledgeBase, settings: MatchSettings | None = None) -> None:
        self.kb = kb
        self.settings = settings
        self.matcher = Matcher(kb, settings)  # English: every entry has English phrasings
        self._matchers: dict[str, Matcher] = {DEFAULT_LANG: self.matcher}
        self._smalltalk = [(normalise(p), intent) for intent, ps in kb.smalltalk.items() for p in ps]
        self._smalltalk_texts = [p for p, _ in self._smalltalk]
        self._urgent = [(item, whole_phrases(item.words)) for item in kb.urgent]

    def matcher_for(self, lang: str | None) -> Matcher:
        """A matcher over the language's own phrasings, built when first needed; English
        when no entry has phrasings in that language."""
        code = lang or DEFAULT_LANG
        if code not in self._matchers:
            has_own = any(code in entry.questions for entry in self.kb.entries.values())
            self._matchers[code] = Matcher(self.kb, self.settings, code) if has_own else self.matcher
        return self._matchers[code]

    def smalltalk(self, text: str) -> SmallTalk | None:
        """The small-talk intent ("greeting", "thanks", "help", "goodbye") of a short message
        that is nearly one of the small-talk phrasings, so "hi, the LA refused" is not one."""
        words = normalise(text)
        if not self._smalltalk or len(words.split()) > SMALLTALK_MAX_WORDS:
            return None
        found = process.extractOne(words, self._smalltalk_texts, scorer=fuzz.ratio, score_cutoff=SMALLTALK_SCORE)
        return self._smalltalk[found[2]][1] if found else None

    def urgent(self, text: str, area: str | None) -> Entry | None:
        """The safety entry for a message about immediate danger, whatever else it asks: the
        local one for the area chosen, or else for the one place the message names."""
        words = f" {normalise(text)} "
        for item, danger_words in self._urgent:
            if danger_words.search(words):
                named = self.matcher.mentioned_areas(text)
                where = area or (next(iter(named)) if len(named) == 1 else "")
                return self.kb.entries[item.entries.get(where, item.entries[NATIONAL])]
        return None

    def decide(self, question: str, area: str | None, lang: str | None) -> Decision:
        danger = self.urgent(question, area)
        if danger is None:
            intent = self.smalltalk(question)
            if intent:
                return Decision(question, "smalltalk", NO_MATCH, smalltalk=intent)
        matcher = self.matcher_for(lang)
        result = matcher.match(question, area)
        if danger is not None and not result.candidates:
            # Beside the safety entry, what else the message may ask, however unsure.
            ranked = tuple(c for c in matcher.rank(question, area) if c.entry_id in self.kb.entries)
            result = MatchResult("suggest", ranked[:URGENT_OTHERS], result.out_of_scope)
        best = self.kb.entries[result.best.entry_id] if result.best else None
        if result.status in ("answer", "suggest") and best is not None:
            return Decision(question, result.status, result, best, danger)
        return Decision(question, "fallback", result, None, danger)
