"""Turning a question into what the parent is told: shared by the chat and `sendbot ask`.

Kept apart from the conversation so that scripted use needs no database or chat state."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from sendbot.answering.matcher import Candidate, Matcher, MatchResult, MatchSettings
from sendbot.answering.normalise import normalise
from sendbot.i18n import I18n
from sendbot.knowledge.loader import DEFAULT_LANG, Contact, Entry, KnowledgeBase

SMALLTALK_MAX_WORDS = 6
SMALLTALK_SCORE = 88.0  # rapidfuzz ratio with a small-talk phrasing


@dataclass(frozen=True)
class Answer:
    """The outcome of one question."""

    question: str
    result: MatchResult
    entry: Entry | None  # the entry answered (status "answer") or the best suggestion
    text: str  # what the parent is told, as plain text
    smalltalk: str | None = None  # the small-talk intent, when the message was not a question


class Answerer:
    """Matches questions and words the answers, the suggestions and the honest fallback."""

    def __init__(self, kb: KnowledgeBase, i18n: I18n, settings: MatchSettings | None = None) -> None:
        self.kb = kb
        self.i18n = i18n
        self.settings = settings
        self.matcher = Matcher(kb, settings)  # English: every entry has English phrasings
        self._matchers: dict[str, Matcher] = {DEFAULT_LANG: self.matcher}
        self._smalltalk = [(normalise(p), intent) for intent, ps in kb.smalltalk.items() for p in ps]
        self._smalltalk_texts = [p for p, _ in self._smalltalk]

    def matcher_for(self, lang: str | None) -> Matcher:
        """A matcher over the language's own phrasings, built when first needed; English
        when no entry has phrasings in that language."""
        code = lang or DEFAULT_LANG
        if code not in self._matchers:
            has_own = any(code in entry.questions for entry in self.kb.entries.values())
            self._matchers[code] = Matcher(self.kb, self.settings, code) if has_own else self.matcher
        return self._matchers[code]

    def smalltalk(self, text: str) -> str | None:
        """The small-talk intent ("greeting", "thanks", "help", "goodbye") of a short message
        that is nearly one of the small-talk phrasings, so "hi, the LA refused" is not one."""
        words = normalise(text)
        if not self._smalltalk or len(words.split()) > SMALLTALK_MAX_WORDS:
            return None
        found = process.extractOne(words, self._smalltalk_texts, scorer=fuzz.ratio, score_cutoff=SMALLTALK_SCORE)
        return self._smalltalk[found[2]][1] if found else None

    def smalltalk_text(self, intent: str, lang: str | None) -> str:
        _ = self.i18n.translator(lang).gettext
        return {
            "greeting": _(
                "Hello! I'm SENDbot. Ask me anything about special educational needs and "
                "disabilities (SEND) in England, such as EHC plans, annual reviews, "
                "tribunals or exclusions. Type /help to see everything I can do."
            ),
            "thanks": _(
                "You're welcome. I'm here whenever you need me. Looking after a child with "
                "SEND is hard work: you're doing a good job."
            ),
            "goodbye": _("Goodbye, and good luck. You can come back any time."),
            "help": _(
                "Ask me a question in your own words, for example: How do I ask for an EHC needs "
                "assessment? Type /help in the chat to see every command."
            ),
        }[intent]

    def urgent(self, text: str, area: str | None) -> Entry | None:
        """The safety entry for a message about immediate danger, whatever else it asks: the
        local one for the area chosen, or else for the one place the message names."""
        words = f" {normalise(text)} "
        for item in self.kb.urgent:
            if any(f" {word} " in words for word in item.words):
                named = self.matcher.mentioned_areas(text)
                where = area or (next(iter(named)) if len(named) == 1 else "")
                return self.kb.entries[item.entries.get(where, item.entries["national"])]
        return None

    def answer(self, question: str, area: str | None, lang: str | None, *, check_urgent: bool = True) -> Answer:
        """Match a question and say what the parent is told; shared by chat and `sendbot ask`.
        A message about immediate danger gets the safety entry, unless the caller shows that
        itself (``check_urgent=False``)."""
        _ = self.i18n.translator(lang).gettext
        danger = self.urgent(question, area) if check_urgent else None
        if danger is not None:
            # Safety first; what else the message asks stays visible as the next suggestions.
            others = self.matcher_for(lang).match(question, area).candidates
            rest = tuple(c for c in others if c.entry_id != danger.id)[:2]
            result = MatchResult("answer", (Candidate(danger.id, 1.0), *rest))
            return Answer(question, result, danger, self.answer_text(danger, lang))
        intent = self.smalltalk(question)
        if intent:
            return Answer(question, MatchResult("fallback", ()), None, self.smalltalk_text(intent, lang), intent)
        result = self.matcher_for(lang).match(question, area)
        best = self.kb.entries[result.best.entry_id] if result.best else None
        if result.status == "answer" and best is not None:
            return Answer(question, result, best, self.answer_text(best, lang))
        if result.status == "suggest" and best is not None:
            titles = "\n".join(
                f"• {self.kb.entries[c.entry_id].title.get_text(lang or 'en')}" for c in result.candidates
            )
            return Answer(
                question,
                result,
                best,
                _("I'm not completely sure what you're asking. Did you mean one of these?") + "\n" + titles,
            )
        return Answer(question, result, None, self.fallback_text(area, lang, result.out_of_scope))

    def answer_text(self, entry: Entry, lang: str | None, *, with_more: bool = False) -> str:
        _ = self.i18n.translator(lang).gettext
        code = lang or "en"
        parts = [entry.answer.get_text(code)]
        if with_more and entry.more:
            parts.append(entry.more.get_text(code))
        sources = "\n".join(f"• {source}" for source in entry.sources)
        parts.append(_("Where this comes from:") + "\n" + sources)
        parts.append(
            _("Checked: {date}. This is general information, not advice on your case.").format(
                date=self.i18n.date(entry.reviewed, lang)
            )
        )
        return "\n\n".join(parts)

    def fallback_text(self, area: str | None, lang: str | None, topic: str | None = None) -> str:
        """The honest "I don't know", with the helplines for the chat's area first."""
        _ = self.i18n.translator(lang).gettext
        intro = _(
            "I'm sorry, I don't know the answer to that. I can only help with special educational "
            "needs and disabilities (SEND) in England, and I would rather say so than guess. "
            "These people can help:"
        )
        if topic in self.kb.out_of_scope:
            intro = (
                self.kb.out_of_scope[topic].reply.get_text(lang or "en")
                + "\n\n"
                + _("For questions about SEND in England, these people can help:")
            )
        helplines = self.kb.contacts_for(area, helplines_only=True)
        return intro + "\n\n" + "\n\n".join(self.contact_text(c, lang) for c in helplines)

    def contact_text(self, contact: Contact, lang: str | None) -> str:
        _ = self.i18n.translator(lang).gettext
        code = lang or "en"
        lines = [f"{contact.name.get_text(code)}: {contact.what.get_text(code)}"]
        if contact.phone:
            lines.append(_("Phone: {phone}").format(phone=contact.phone))
        if contact.email:
            lines.append(_("Email: {email}").format(email=contact.email))
        if contact.website:
            lines.append(_("Website: {url}").format(url=contact.website))
        if contact.hours:
            lines.append(_("Hours: {hours}").format(hours=contact.hours.get_text(code)))
        lines.append(
            _("Checked {date} against {source}").format(
                date=self.i18n.date(contact.checked, lang), source=contact.source
            )
        )
        return "\n".join(lines)
